"""Reads behind the area browser: a node's children with their figures.

Every read starts from ``.restrict(user, ...)`` so a page never shows more than the
user's area subtree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import Substr

from parity.areas.models import Area
from parity.housing.models import Dwelling
from parity.indicators import selectors as indicators
from parity.indicators.models import Snapshot
from parity.people.choices import Status
from parity.people.models import Person
from parity.people.selectors import people_by_status, population_by_prefix


def area_children_with_counts(user, node: Area, on: dt.date) -> list[dict]:
    """The visible children of a node, each with its people (the population on the date,
    ``people.selectors``) and dwelling counts.

    Three aggregate queries for any number of children, grouped by the child's code (the
    first digits of the area code) and counted as rows from an index alone.
    """
    return area_children_and_totals(user, node, on)[0]


def area_children_and_totals(user, node: Area, on: dt.date) -> tuple[list[dict], dict[str, int]]:
    """``area_children_with_counts`` and the node's own ``people_by_status``: the node's
    totals are the sums of its groups (every group of codes under it, visible child or
    not), so the page reads the people once, not twice."""
    children = list(Area.objects.visible_to(user).filter(parent=node).order_by("code"))
    if not children:
        return [], people_by_status(user, on, within=node.code)
    length = len(children[0].code)
    people = Person.objects.restrict(user, "view").in_area(node.code)
    dwellings = Dwelling.objects.restrict(user, "view").in_area(node.code).order_by()
    population = population_by_prefix(people, on, length)
    totals = {key: 0 for key in (*Status.values, "floating")}
    for counts in population.values():
        for key, n in counts.items():
            totals[key] += n
    dwelling_totals = dict(
        dwellings.annotate(child=Substr("area_code", 1, length))
        .values_list("child")
        .annotate(n=Count("*"))
    )
    empty = {"floating": 0}
    rows = [
        {
            "area": child,
            "people": sum(
                n for key, n in population.get(child.code, {}).items() if key != "floating"
            ),
            "floating": population.get(child.code, empty)["floating"],
            "dwellings": dwelling_totals.get(child.code, 0),
        }
        for child in children
    ]
    return rows, totals


# The snapshot's population figures the area page shows, by the page's names.
SNAPSHOT_FIGURES = (*Status.values, "floating")


def area_totals_from(snapshot: Snapshot, node: Area) -> dict[str, int]:
    """The node's people by status and the floating population, as the dashboard shows
    them: read from the snapshot, not counted. Only for a node wholly in the user's
    scope (``accounts.permissions.in_scope`` of its code)."""
    own = indicators.figures(snapshot, node.code)
    return {key: own.get(key, {}).get("", 0) for key in SNAPSHOT_FIGURES}


def area_children_and_totals_from(
    snapshot: Snapshot, user, node: Area
) -> tuple[list[dict], dict[str, int]]:
    """``area_children_and_totals`` read from an indicator snapshot (the dashboard's
    cached figures, on the snapshot's date) instead of counted: a few dozen rows instead
    of two aggregates over every person of the node. Only for a node wholly in the user's
    scope (the snapshot counts everyone). "Registered" is the snapshot's: registered
    residents living here, as on the dashboard."""
    children = list(Area.objects.visible_to(user).filter(parent=node).order_by("code"))
    totals = area_totals_from(snapshot, node)
    if not children:
        return [], totals
    by_child = {
        key: indicators.children_figures(snapshot, node.code, key) for key in SNAPSHOT_FIGURES
    }
    length = len(children[0].code)
    dwellings = Dwelling.objects.restrict(user, "view").in_area(node.code).order_by()
    dwelling_totals = dict(
        dwellings.annotate(child=Substr("area_code", 1, length))
        .values_list("child")
        .annotate(n=Count("*"))
    )
    rows = [
        {
            "area": child,
            "people": sum(by_child[key].get(child.code, 0) for key in Status.values),
            "floating": by_child["floating"].get(child.code, 0),
            "dwellings": dwelling_totals.get(child.code, 0),
        }
        for child in children
    ]
    return rows, totals
