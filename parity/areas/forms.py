"""Form fields over the area tree, for every app's registration pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parity.areas.models import Area


def grid_field(user, **kwargs) -> forms.ModelChoiceField:
    """A choice among the grids the user may change."""
    kwargs.setdefault("label", _("网格"))
    return forms.ModelChoiceField(
        queryset=Area.objects.restrict(user, "change").grids().order_by("code"), **kwargs
    )


def preselect_single_grid(form: forms.Form) -> None:
    # A grid worker usually has exactly one grid: choose it for them.
    grids = list(form.fields["grid"].queryset[:2])  # type: ignore[attr-defined]
    if len(grids) == 1 and "grid" not in form.initial:
        form.initial["grid"] = grids[0].pk
