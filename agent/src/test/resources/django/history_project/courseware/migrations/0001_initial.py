from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name='StudentModule',
            fields=[('id', models.AutoField(verbose_name='ID', serialize=False, auto_created=True, primary_key=True))],
        ),
    ]
