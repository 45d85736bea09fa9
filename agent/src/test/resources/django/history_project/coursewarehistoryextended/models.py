from django.db import models


class StudentModuleHistoryExtended(models.Model):
    version = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    created = models.DateTimeField(db_index=True)
    state = models.TextField(null=True, blank=True)
    grade = models.FloatField(null=True, blank=True)
    max_grade = models.FloatField(null=True, blank=True)
    id = models.BigAutoField(primary_key=True)
    student_module = models.ForeignKey('courseware.StudentModule', db_index=False, db_constraint=False,
                                       on_delete=models.DO_NOTHING)

    class Meta:
        app_label = 'coursewarehistoryextended'
        get_latest_by = 'created'
        indexes = [models.Index(fields=['student_module'], name='student_module_idx')]
