from __future__ import annotations

from django import template
from django.utils import timezone

from parity.accounts.permissions import allows
from parity.areas.origins import lookup
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
    match = getattr(context.get("request"), "resolver_match", None)
    name = match.url_name if match else ""
    return "active" if name and any(name.startswith(p) for p in prefixes) else ""
