"""Form pieces every app's pages share: optional selects, date inputs, titled field groups,
and an action's ``ValidationError`` put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def blank(choices) -> list[tuple[str, Any]]:
    """Choices with an empty first option, for optional selects."""
    return [("", "---------"), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form, field by field where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class FieldsetsMixin:
    """Forms with a ``fieldsets`` list render their fields in titled groups."""

    fieldsets: list[tuple[Any, list[str]]] = []
    fields: dict[str, forms.Field]  # the form's, which this mixes into

    def grouped_fields(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])  # type: ignore[index]
            for legend, names in self.fieldsets
        ]
