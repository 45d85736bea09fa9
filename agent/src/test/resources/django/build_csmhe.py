"""Builds CSMHE with Django's own schema editor from a model declared with the fields and options edx-platform's
model has today, on a MySQL/MariaDB server, so a test can compare it with the table the agent creates.

    python3 build_csmhe.py HOST PORT USER DATABASE     (password in CSMH_DJANGO_PASSWORD)
"""
import os
import sys

import django
from django.conf import settings

host, port, user, database = sys.argv[1:5]
settings.configure(
    INSTALLED_APPS=[],
    DATABASES={'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': host, 'PORT': port, 'USER': user,
                           'PASSWORD': os.environ.get('CSMH_DJANGO_PASSWORD', ''), 'NAME': database}},
    USE_TZ=True,
)
django.setup()

from django.db import connection, models  # noqa: E402  (after setup, as Django requires)


class UnsignedBigAutoField(models.AutoField):
    """An auto-incrementing unsigned 8-byte key, as courseware's custom field declares it for MySQL."""

    def db_type(self, connection):
        return 'bigint UNSIGNED AUTO_INCREMENT'

    def rel_db_type(self, connection):
        return 'bigint UNSIGNED'


class StudentModule(models.Model):
    """Only its key matters here: courseware 0011 made it an unsigned bigint."""
    id = UnsignedBigAutoField(primary_key=True)

    class Meta:
        app_label = 'courseware'


class StudentModuleHistoryExtended(models.Model):
    """The fields of BaseStudentModuleHistory, then the extended table's own, in model order."""
    version = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    created = models.DateTimeField(db_index=True)
    state = models.TextField(null=True, blank=True)
    grade = models.FloatField(null=True, blank=True)
    max_grade = models.FloatField(null=True, blank=True)
    id = UnsignedBigAutoField(primary_key=True)
    student_module = models.ForeignKey(StudentModule, db_index=False, db_constraint=False, on_delete=models.DO_NOTHING)

    class Meta:
        app_label = 'coursewarehistoryextended'
        get_latest_by = 'created'
        indexes = [models.Index(fields=['student_module'], name='student_module_idx')]


with connection.schema_editor() as editor:
    editor.create_model(StudentModuleHistoryExtended)
with connection.cursor() as cursor:
    cursor.execute('SHOW CREATE TABLE ' + StudentModuleHistoryExtended._meta.db_table)
    print(cursor.fetchone()[1])
