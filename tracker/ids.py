"""Ids taken from a request checked against what the database can hold.

Ids are 64-bit (BigAutoField). Django answers an exact lookup with a larger number with no row,
but an `__in` lookup (which ModelMultipleChoiceField makes) hands the number to SQLite, which
raises OverflowError: a 500 where PostgreSQL finds nothing. Such an id names no row, so it gets
what any unknown id gets: a form error.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def fits(value):
    """False for a whole number out of the id range; anything else is the field's to judge."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return True
    return -MAX_ID - 1 <= number <= MAX_ID


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            if not fits(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
