class HistoryRouter:
    """Migrations: CSMHE only on student_module_history, nothing else there (edx-platform's rule)."""
    DATABASE_NAME = 'student_module_history'

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        model = hints.get('model')
        if model_name is not None and model is not None and model._meta.app_label == 'coursewarehistoryextended':
            return db == self.DATABASE_NAME
        if db == self.DATABASE_NAME:
            return False
        return None
