"""Form schemas: one marshmallow schema per user task, Chinese labels and rules."""
from forms.errors import FormValidationError
from forms.registry import DATA_FORMS, TASK_FORMS, FormResult, load_form, load_task_form

__all__ = ["DATA_FORMS", "TASK_FORMS", "FormResult", "FormValidationError", "load_form",
           "load_task_form"]
