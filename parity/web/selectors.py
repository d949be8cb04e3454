"""Reads behind the web pages: dashboard counts and the area tree with its figures.

Every read starts from ``.restrict(user, ...)`` so a page never shows more than the
user's area subtree.
"""

from __future__ import annotations

from django.db.models import Count, Q

from parity.areas.models import Area
from parity.housing.models import Dwelling
from parity.people.choices import Status
from parity.people.models import Person


def people_by_status(user, *, within: str = "") -> dict[str, int]:
    """Number of people per residency status in the user's scope (optionally below a node)."""
    people = Person.objects.restrict(user, "view")
    if within:
        people = people.in_area(within)
    totals = people.aggregate(
        **{status.value: Count("id", filter=Q(status=status)) for status in Status},
    )
    return {key: value or 0 for key, value in totals.items()}


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
    people = Person.objects.restrict(user, "view").in_area(node.code)
    dwellings = Dwelling.objects.restrict(user, "view").in_area(node.code)
    people_totals = people.aggregate(
        **{
            f"p{child.pk}": Count("id", filter=Q(area_code__startswith=child.code))
            for child in children
        },
        **{
            f"f{child.pk}": Count(
                "id",
                filter=Q(area_code__startswith=child.code)
                & Q(status__in=[Status.INFLOW, Status.OUTFLOW]),
            )
            for child in children
        },
    )
    dwelling_totals = dwellings.aggregate(
        **{
            f"d{child.pk}": Count("id", filter=Q(area_code__startswith=child.code))
            for child in children
        }
    )
    return [
        {
            "area": child,
            "people": people_totals[f"p{child.pk}"] or 0,
            "floating": people_totals[f"f{child.pk}"] or 0,
            "dwellings": dwelling_totals[f"d{child.pk}"] or 0,
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
