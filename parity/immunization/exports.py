"""Excel exports of immunization lists. Callers pass querysets already restricted; ID
numbers appear masked only."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from parity.core.exports import write_xlsx  # noqa: F401  (re-exported for callers)


def overdue_rows(people) -> Iterable[list]:
    for p in people.iterator(chunk_size=2000):
        yield [
            p.name,
            p.id_masked,
            p.get_sex_display(),
            p.birth_date,
            p.get_status_display(),
            p.area_code,
            p.grid.path if p.grid else "",
            p.overdue_since,
            p.overdue_count,
        ]


def overdue_headers() -> list[str]:
    return [
        _("姓名"),
        _("身份证号码"),
        _("性别"),
        _("出生日期"),
        _("人口类别"),
        _("区划代码"),
        _("网格"),
        _("最早逾期日期"),
        _("逾期剂次数"),
    ]


def target_rows(targets) -> Iterable[list]:
    for t in targets.iterator(chunk_size=2000):
        yield [
            t.round.number,
            t.person.name,
            t.person.id_masked,
            t.person.birth_date,
            t.person.get_status_display(),
            t.area_code,
            _("是") if t.vaccinated else _("否"),
        ]


def target_headers() -> list[str]:
    return [
        _("轮次"),
        _("姓名"),
        _("身份证号码"),
        _("出生日期"),
        _("人口类别"),
        _("区划代码"),
        _("是否已种"),
    ]
