"""Reads behind the web pages: dashboard counts and the area tree with its figures.

Every read starts from ``.restrict(user, ...)`` so a page never shows more than the
user's area subtree.
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Substr

from parity.areas.models import Area
from parity.housing.models import Dwelling
from parity.people.choices import Status
from parity.people.models import Person


def people_by_status(user, *, within: str = "") -> dict[str, int]:
    """Number of people per residency status in the user's scope (optionally below a node).

    One grouped count of rows, not of ids: PostgreSQL answers it from the (status,
    area_code) index alone (an index-only scan), without reading a person's row."""
    people = Person.objects.restrict(user, "view")
    if within:
        people = people.in_area(within)
    totals = {s.value: 0 for s in Status}
    for status, n in people.order_by().values_list("status").annotate(n=Count("*")):
        totals[status] = n
    return totals


def recently_changed_people(user, *, limit: int = 10):
    return (
        Person.objects.restrict(user, "view")
        .select_related("grid")
        .order_by("-updated_at", "-id")[:limit]
    )


def user_root_area(user) -> Area | None:
    """The node a user's area browser opens on: their own area, or the city for staff."""
    visible = Area.objects.visible_to(user)
    if user.area_id and visible.filter(pk=user.area_id).exists():
        return user.area
    return visible.filter(parent__isnull=True).first()


def area_children_with_counts(user, node: Area) -> list[dict]:
    """The visible children of a node, each with its people and dwelling counts.

    Two aggregate queries for any number of children: one conditional count per child.
    """
    children = list(Area.objects.visible_to(user).filter(parent=node).order_by("code"))
    if not children:
        return []
    length = len(children[0].code)
    people = Person.objects.restrict(user, "view").in_area(node.code).order_by()
    dwellings = Dwelling.objects.restrict(user, "view").in_area(node.code).order_by()
    # Grouped by the child's code (the first digits of the area code) and counted as rows:
    # an index-only scan of the area index, however many children.
    child_of = Substr("area_code", 1, length)
    by_child: dict[str, dict[str, int]] = {}
    for code, status, n in (
        people.annotate(child=child_of).values_list("child", "status").annotate(n=Count("*"))
    ):
        by_child.setdefault(code, {}).setdefault(status, 0)
        by_child[code][status] += n
    dwelling_totals = dict(
        dwellings.annotate(child=child_of).values_list("child").annotate(n=Count("*"))
    )
    floating = {Status.INFLOW.value, Status.OUTFLOW.value}
    return [
        {
            "area": child,
            "people": sum(by_child.get(child.code, {}).values()),
            "floating": sum(
                n for status, n in by_child.get(child.code, {}).items() if status in floating
            ),
            "dwellings": dwelling_totals.get(child.code, 0),
        }
        for child in children
    ]


def area_breadcrumbs(user, node: Area) -> list[Area]:
    """The visible ancestors of a node, from the top, in one query."""
    codes = [node.code[:n] for n in range(1, len(node.code))]
    return list(Area.objects.visible_to(user).filter(code__in=codes).order_by("code"))


def person_programme_links(person, on) -> list[tuple[str, str]]:
    """Links from a person's page to the programmes that concern them on the date."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from parity.people.choices import Sex, Status

    age = person.age_on(on)
    links: list[tuple[str, str]] = []
    if age < 18:
        links.append((_("预防接种"), reverse("immunization:person", args=[person.pk])))
    if age < 7:
        links.append((_("儿童健康检查"), reverse("maternal:child_checks", args=[person.pk])))
    if person.sex == Sex.FEMALE and 10 <= age <= 60:
        links.append((_("孕产期保健"), reverse("maternal:person", args=[person.pk])))
    if person.sex == Sex.FEMALE and 18 <= age <= 49:
        links.append((_("婚育证明"), reverse("certificates:person", args=[person.pk])))
    if person.status == Status.INFLOW:
        links.append((_("居住证"), reverse("certificates:permit", args=[person.pk])))
    return links
