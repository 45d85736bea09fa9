"""Runs Django's migrate on the student_module_history database the way an edxapp deploy does, or prints the
django_migrations table Django's MigrationRecorder creates.

    python3 migrate.py migrate|migrate0002|sqlmigrate0003|recorder HOST PORT USER DATABASE DEFAULT_SQLITE   (password in CSMH_DJANGO_PASSWORD)
"""
import os
import sys

import django
from django.conf import settings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
mode, host, port, user, database, sqlite = sys.argv[1:7]
settings.configure(
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'courseware', 'coursewarehistoryextended'],
    DATABASES={
        'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': sqlite},
        'student_module_history': {'ENGINE': 'django.db.backends.mysql', 'HOST': host, 'PORT': port, 'USER': user,
                                   'PASSWORD': os.environ.get('CSMH_DJANGO_PASSWORD', ''), 'NAME': database},
    },
    DATABASE_ROUTERS=['routers.HistoryRouter'],
    DEFAULT_AUTO_FIELD='django.db.models.AutoField',
    USE_TZ=True,
)
django.setup()

from django.core.management import call_command  # noqa: E402  (after setup, as Django requires)
from django.db import connections  # noqa: E402
from django.db.migrations.recorder import MigrationRecorder  # noqa: E402

if mode == 'recorder':
    MigrationRecorder(connections['student_module_history']).ensure_schema()
    with connections['student_module_history'].cursor() as cursor:
        cursor.execute('SHOW CREATE TABLE django_migrations')
        print(cursor.fetchone()[1])
elif mode == 'migrate0002':
    # An older deploy's table: the chain up to 0002 (two indexes on student_module_id).
    call_command('migrate', 'coursewarehistoryextended', '0002', database='student_module_history', interactive=False, verbosity=2)
elif mode == 'sqlmigrate0003':
    call_command('sqlmigrate', 'coursewarehistoryextended', '0003', database='student_module_history')
else:
    call_command('migrate', database='student_module_history', interactive=False, verbosity=2)
