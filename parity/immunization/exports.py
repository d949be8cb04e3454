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


def record_rows(records) -> Iterable[list]:
    for r in records.iterator(chunk_size=2000):
        yield [
            r.person.name,
            r.person.id_masked,
            r.vaccine.name,
            r.dose,
            r.date,
            r.site.name if r.site else "",
            r.batch_number,
            r.manufacturer,
            r.get_route_display() if r.route else "",
            r.get_injection_site_display() if r.injection_site else "",
            r.vaccinator,
            r.campaign.name if r.campaign else "",
        ]


def record_headers() -> list[str]:
    return [
        _("姓名"),
        _("身份证号码"),
        _("疫苗"),
        _("剂次"),
        _("接种日期"),
        _("接种单位"),
        _("疫苗批号"),
        _("生产企业"),
        _("接种途径"),
        _("接种部位"),
        _("接种人员"),
        _("强化免疫活动"),
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
