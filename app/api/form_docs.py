"""The forms' own validators (forms/validators.py) in the OpenAPI document: apispec knows
marshmallow's validators only, so a form field's pattern, length, choices and bounds would be
missing from the contract — a client (or schemathesis) would send values the form refuses."""
from __future__ import annotations

from forms import validators as v


def form_validators(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: JSON-schema keywords of the forms' validators."""
    found: dict = {}
    for check in getattr(field, "validators", ()):
        if isinstance(check, v.Pattern):
            found["pattern"] = f"^(?:{check.regex.pattern})$"
        elif isinstance(check, v.MaxChars):
            found["maxLength"] = check.limit
        elif isinstance(check, v.OneOfChoices):
            found["enum"] = [code for code, _ in check.choices]
        elif isinstance(check, v.Between):
            if check.low is not None:
                found["minimum"] = number(check.low)
                if check.low_exclusive:
                    found["exclusiveMinimum"] = True  # OpenAPI 3.0: a flag beside minimum
            if check.high is not None:
                found["maximum"] = number(check.high)
    return found


def number(value):
    """A bound as a JSON number (Decimal bounds would be written as strings)."""
    return int(value) if value == int(value) else float(value)


def install(api) -> None:
    api.ma_plugin.converter.add_attribute_function(form_validators)
