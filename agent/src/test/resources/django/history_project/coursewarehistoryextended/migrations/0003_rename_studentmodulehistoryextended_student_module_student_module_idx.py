from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('coursewarehistoryextended', '0002_force_studentmodule_index')]

    operations = [
        migrations.AlterField(
            model_name='studentmodulehistoryextended',
            name='student_module',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=models.DO_NOTHING,
                                    to='courseware.studentmodule'),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.AlterIndexTogether(name='studentmodulehistoryextended', index_together=set())],
        ),
        migrations.AddIndex(
            model_name='studentmodulehistoryextended',
            index=models.Index(fields=['student_module'], name='student_module_idx'),
        ),
    ]
