"""Form schemas: one marshmallow schema per user task, Chinese labels and rules."""
from forms.errors import FormValidationError
from forms.registry import DATA_FORMS, FormResult, Writes, load_form

__all__ = ["DATA_FORMS", "FormResult", "FormValidationError", "Writes", "load_form"]
