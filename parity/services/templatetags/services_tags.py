from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def detail_pairs(event) -> list[tuple[str, object]]:
    """A service event's details as (label, value), in the order of its type's schema."""
    labels = {s["name"]: s["label"] for s in event.service_type.details_schema or []}
    values = event.details or {}
    ordered = [name for name in labels if name in values]
    ordered += [name for name in values if name not in labels]
    return [(labels.get(name, name), values[name]) for name in ordered]
