from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('courseware', '0001_initial')]

    operations = [
        migrations.CreateModel(
            name='StudentModuleHistoryExtended',
            fields=[
                ('version', models.CharField(db_index=True, max_length=255, null=True, blank=True)),
                ('created', models.DateTimeField(db_index=True)),
                ('state', models.TextField(null=True, blank=True)),
                ('grade', models.FloatField(null=True, blank=True)),
                ('max_grade', models.FloatField(null=True, blank=True)),
                ('id', models.BigAutoField(primary_key=True)),
                ('student_module', models.ForeignKey(to='courseware.StudentModule', on_delete=models.DO_NOTHING,
                                                     db_constraint=False)),
            ],
            options={'get_latest_by': 'created'},
        ),
    ]
