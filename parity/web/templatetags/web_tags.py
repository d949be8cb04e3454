from __future__ import annotations

from django import template
from django.utils import timezone

from parity.accounts.permissions import allows
from parity.areas.origins import lookup
from parity.core.audit_words import action_label, object_label
from parity.people.models import stay_class

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"change" %}``: whether the user's role allows an action at all."""
    return allows(user, action)


@register.filter
def stay_label(residence) -> str:
    """Length-of-stay class of a residence: to its departure, or to today while open."""
    until = residence.departed_on or timezone.localdate()
    return str(stay_class(residence.arrived_on, until).label)


@register.filter
def origin_label(code: str) -> str:
    return lookup(code).label if code else ""


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes: str) -> str:
    """ "active" when the page's URL name starts with one of the prefixes; a prefix with a
    colon is matched against "namespace:name" (``immunization:`` is the whole app)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if not match or not match.url_name:
        return ""
    name, full = match.url_name, f"{match.namespace}:{match.url_name}"
    hit = any((full if ":" in p else name).startswith(p) for p in prefixes)
    return "active" if hit else ""


@register.filter
def has_required(form) -> bool:
    """Whether a form has a visible required field (the page then explains the *)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_object(object_type: str) -> str:
    return object_label(object_type)


@register.inclusion_tag("web/_sort_header.html", takes_context=True)
def sort_header(context, sorting, key: str, label: str, css: str = ""):
    """A column header that sorts the list by ``key`` (``parity.core.sorting``): a link
    that keeps the filters, goes back to page 1, and marks the current order."""
    return {
        "request": context.get("request"),
        "key": key,
        "label": label,
        "css": css,
        "state": sorting.state(key) if sorting else "",
        "next": sorting.next_value(key) if sorting else key,
    }


@register.inclusion_tag("web/_sort_chooser.html", takes_context=True)
def sort_chooser(context, sorting):
    """On a phone (where tables are cards without headers): the list's orders as a menu."""
    request = context.get("request")
    kept = [
        (key, value)
        for key, values in (request.GET.lists() if request else [])
        if key not in ("sort", "page")
        for value in values
    ]
    return {"sorting": sorting, "kept": kept}
