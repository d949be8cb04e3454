"""What the services pages share: the area and date a page is asked about, people lookup
and the .xlsx response."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE, VIEW, in_scope, scope_code
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.params import query_area_code, query_date
from parity.people.models import Person


def home_area(user) -> Area | None:
    """The node a page opens on: the user's own area, or the city for city-wide users."""
    code = scope_code(user, VIEW)
    if code is None:
        raise PermissionDenied
    if code:
        return user.area
    return Area.objects.root()


def chosen_area(request, param: str = "area") -> Area | None:
    """The area named by ``?area=CODE`` if it is in the user's scope (else 404), or the
    user's own area."""
    code = query_area_code(request.GET, param)
    if not code:
        return home_area(request.user)
    area = Area.objects.restrict(request.user, VIEW).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def area_choices(user, *, min_level: int = Level.DISTRICT, max_level: int = Level.GRID):
    """(code, indented name) for a select: the user's own area, then the areas below it
    from ``min_level`` down to ``max_level``."""
    home = home_area(user)
    top = home.level if home is not None else Level.CITY
    areas = Area.objects.restrict(user, VIEW).filter(level__lte=max_level)
    areas = areas.filter(Q(level__gte=min_level) | Q(level=top))
    rows = areas.order_by("code").values_list("code", "name", "level")
    return [(code, "\u3000" * max(level - top, 0) + name) for code, name, level in rows]


def chosen_date(request, param: str = "on") -> dt.date:
    return query_date(request.GET, param)


def visible_person(request, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.restrict(request.user, VIEW).select_related("grid"), pk=pk
    )


def servable_person(request, pk: int) -> Person:
    """A person the user can see (else 404) and may record services for (else 403)."""
    person = visible_person(request, pk)
    if not in_scope(request.user, person.area_code, SERVE):
        raise PermissionDenied(_("您无权为该人员记录服务"))
    return person


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
