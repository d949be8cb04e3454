"""People lists behind the services pages (key groups, coverage figures) as .xlsx.

Masked like every export: the ID column holds ``id_masked``. Callers pass querysets that
are already ``.restrict(user, "view")``-ed; rows are read in batches, never one query each.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from parity.core.exports import write_xlsx  # noqa: F401  (re-exported for the views)
from parity.people.models import Person

_BATCH = 2000


def person_headers() -> list[str]:
    return [_("姓名"), _("身份证号码"), _("性别"), _("出生日期"), _("人口类别"), _("网格")]


def person_cells(person: Person) -> list:
    return [
        person.name,
        person.id_masked,
        person.get_sex_display(),
        person.birth_date,
        person.get_status_display(),
        person.grid.path if person.grid_id and person.grid else "",
    ]


def people_rows(people: QuerySet[Person], *extra: str) -> Iterable[list]:
    """Person cells plus the named annotations (``since``, ``detail``) of each row."""
    for person in people.select_related("grid").iterator(chunk_size=_BATCH):
        yield person_cells(person) + [getattr(person, name, "") for name in extra]
