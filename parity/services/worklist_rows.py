"""The work list by person: each person once, with everything they are due for and how
long each has waited, in the order of their most urgent item. The page and the API
show the same rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parity.services.keygroups import WorkItem, WorkList

# Days waiting from which an item is shown as late, then as very late.
LATE_DAYS, VERY_LATE_DAYS = 30, 90


@dataclass
class Due:
    item: WorkItem
    days: int | None
    # Everything the group has to say for this person (every overdue dose), when the
    # page has asked the group for it (``add_details``).
    full_detail: str = ""

    @property
    def detail(self) -> str:
        return self.full_detail or self.item.detail

    @property
    def wait(self) -> str:
        """How long it has waited, as a person would say it: days, then months, then years."""
        days = self.days
        if days is None:
            return ""
        if days < 0:
            return _("%(n)d 天后到期") % {"n": -days}
        if days < 90:
            return _("已等 %(n)d 天") % {"n": days}
        if days < 730:
            return _("已等 %(n)d 个月") % {"n": days // 30}
        return _("已等 %(n)d 年") % {"n": days // 365}

    @property
    def level(self) -> str:
        if self.days is None or self.days < LATE_DAYS:
            return "due"
        return "very-late" if self.days >= VERY_LATE_DAYS else "late"


@dataclass
class PersonRow:
    person_id: int
    name: str
    id_masked: str
    items: list[Due] = field(default_factory=list)
    address: str = ""
    grid: str = ""

    @property
    def level(self) -> str:
        levels = {d.level for d in self.items}
        return next((lv for lv in ("very-late", "late") if lv in levels), "due")

    @property
    def quick(self) -> tuple[str, str]:
        """The page that records the most urgent item the card names, and its button
        (the vaccine card: the child's immunization page); empty when none has one."""
        for due in self.items:
            url = due.item.group.record_url(self.person_id)
            if url:
                return url, str(due.item.group.record_label)
        return "", ""


def add_details(rows: list[PersonRow], on) -> None:
    """The full detail of each item on a page of rows, from the groups that give one: one
    query per such group for the page."""
    wanted: dict[str, list[Due]] = {}
    for row in rows:
        for due in row.items:
            if due.item.group.details_for is not None:
                wanted.setdefault(due.item.group.code, []).append(due)
    for dues in wanted.values():
        group = dues[0].item.group
        assert group.details_for is not None
        found = group.details_for([d.item.person_id for d in dues], on)
        for due in dues:
            due.full_detail = found.get(due.item.person_id, "")


def person_rows(worklist: WorkList, group: str = "") -> list[PersonRow]:
    """One row per person, in the order of their most urgent item."""
    rows: dict[int, PersonRow] = {}
    for item in worklist.items:
        if group and item.group.code != group:
            continue
        row = rows.get(item.person_id)
        if row is None:
            row = rows[item.person_id] = PersonRow(item.person_id, item.name, item.id_masked)
        row.items.append(Due(item, item.days_waiting(worklist.on)))
    return list(rows.values())
