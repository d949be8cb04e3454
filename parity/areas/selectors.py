"""Reads of the area tree for the pages: where a user's browser opens, and the path to a
node."""

from __future__ import annotations

from parity.areas.models import Area


def user_root_area(user) -> Area | None:
    """The node a user's area browser opens on: their own area, or the city for staff."""
    visible = Area.objects.visible_to(user)
    if user.area_id and visible.filter(pk=user.area_id).exists():
        return user.area
    return visible.filter(parent__isnull=True).first()


def area_breadcrumbs(user, node: Area) -> list[Area]:
    """The visible ancestors of a node, from the top, in one query."""
    codes = [node.code[:n] for n in range(1, len(node.code))]
    return list(Area.objects.visible_to(user).filter(code__in=codes).order_by("code"))
