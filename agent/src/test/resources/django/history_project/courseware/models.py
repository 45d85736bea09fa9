from django.db import models


class StudentModule(models.Model):
    """Only what CSMHE's foreign key needs."""

    class Meta:
        app_label = 'courseware'
