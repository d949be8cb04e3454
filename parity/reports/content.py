"""What the report says, whatever the format: its paragraphs (the source report's section
一 and (一)(二) sentences with the computed numbers) and its tables (exact counts). The
md, xlsx and docx renderers lay these out; none computes anything of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from parity.areas.origins import province_names
from parity.immunization.selectors import percent
from parity.people.choices import StayClass
from parity.people.selectors import home_province
from parity.reports.figures import DEFINITIONS, Figures

# Provincial-level autonomous regions say "区外", provinces and municipalities "省外".
AUTONOMOUS_REGIONS = {"15", "45", "54", "64", "65"}


@dataclass(frozen=True)
class Table:
    key: str  # a short name: the xlsx sheet title
    title: str
    headers: list[str]
    rows: list[list[Any]]


def date_zh(on: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": on.year, "m": on.month, "d": on.day}


def count_zh(n: int) -> str:
    """60万, 14.8万 above ten thousand (as the report writes), else the exact count."""
    if n >= 10000:
        wan = (Decimal(n) / 10000).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return _("%(n)s万") % {"n": _trim(wan)}
    return _("%(n)d人") % {"n": n}


def _trim(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(value: Decimal | None, places: str = "0.1") -> str:
    """A percentage for a sentence: 45%, 45.4%; "—" when there is nothing to divide by."""
    if value is None:
        return "—"
    return _trim(value.quantize(Decimal(places), ROUND_HALF_UP)) + "%"


def pct_exact(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def place(figures: Figures) -> str:
    return _("我市") if figures.area_code == settings.PARITY_CITY_CODE else figures.area_name


def outside_word() -> str:
    return _("区外") if home_province() in AUTONOMOUS_REGIONS else _("省外")


def title(figures: Figures) -> str:
    return _("%(area)s流动人口基本公共服务均等化情况统计报告") % {"area": figures.area_name}


def subtitle(figures: Figures) -> str:
    return _("统计日期:%(date)s 统计区域:%(area)s(%(code)s)") % {
        "date": date_zh(figures.as_of),
        "area": figures.area_name,
        "code": figures.area_code,
    }


def section_one(f: Figures) -> str:
    shares = f.stay_shares
    growth = (
        _("是十年前同期(%(before)s)的%(times)s倍")
        % {"before": count_zh(f.floating_10y), "times": _trim(f.growth)}
        if f.growth is not None
        else _("十年前同期没有流动人口记录")
    )
    return _(
        "据统计,截至%(date)s,%(place)s流动人口已达%(floating)s,其中流入人口为%(inflow)s,"
        "流出人口为%(outflow)s,流动人口中已婚育龄妇女%(women)s。其特点是:一是流动人口规模"
        "较大,%(growth)s;二是流入来源十分广泛(来自%(provinces)d个省级地区),%(outside)s流入"
        "人口占%(place)s流动人口总数的%(outside_share)s;三是流动时间长期化,暂住半年以下的占"
        "%(under)s,暂住半年至五年的约占%(middle)s,暂住五年以上的约占%(over)s,有%(rented)s的"
        "流动人口居住在出租房屋;四是人员构成以务工人员为主体,从事服务性行业的占%(service)s。"
    ) % {
        "date": date_zh(f.as_of),
        "place": place(f),
        "floating": count_zh(f.floating),
        "inflow": count_zh(f.inflow),
        "outflow": count_zh(f.outflow),
        "women": count_zh(f.married_women),
        "growth": growth,
        "provinces": f.origin_provinces,
        "outside": outside_word(),
        "outside_share": pct(f.outside_province_share),
        "under": pct(shares[StayClass.UNDER_6M.value]),
        "middle": pct(shares[StayClass.SIX_M_TO_5Y.value]),
        "over": pct(shares[StayClass.OVER_5Y.value]),
        "rented": pct(f.rented_share),
        "service": pct(f.service_share),
    }


def section_family_planning(f: Figures) -> str:
    return _(
        "%(place)s流动人口信息平台常态化管理,平台应用率达%(rate)s(近30天有登记或服务记录"
        "写入的网格%(used)d个,占全部%(grids)d个网格),全面掌握现孕对象%(pregnant)d人、"
        "未办理婚育证明对象%(no_certificate)d人等重点信息情况。"
    ) % {
        "place": place(f),
        "rate": pct(f.use_rate),
        "used": f.grids_used,
        "grids": f.grids,
        "pregnant": f.pregnant,
        "no_certificate": f.no_certificate,
    }


def section_health(f: Figures) -> str:
    if f.campaign is not None:
        campaign = _(
            "组织开展了%(rounds)d轮%(name)s,其中应种儿童%(targets)d人,实种儿童%(vaccinated)d人,"
            "接种率为%(coverage)s;"
        ) % {
            "rounds": f.campaign.rounds,
            "name": f.campaign.name,
            "targets": f.campaign.targets,
            "vaccinated": f.campaign.vaccinated,
            "coverage": pct_exact(f.campaign.coverage),
        }
    else:
        campaign = _("统计日前没有强化免疫活动记录;")
    return campaign + _(
        "%(place)s社区、乡镇、村卫生服务场所共计%(sites)d个,目前已建立城乡居民规范化电子档案"
        "%(records)s,其中流动人口%(records_floating)s;卫生监督协管队伍由%(assistants)d人组成。"
    ) % {
        "place": place(f),
        "sites": f.health_sites,
        "records": count_zh(f.health_records),
        "records_floating": count_zh(f.health_records_floating),
        "assistants": f.supervision_assistants,
    }


def sections(f: Figures) -> list[tuple[str, str]]:
    """(heading, paragraph) in the source report's order."""
    return [
        (_("一、流动人口现状及服务管理的基本情况"), section_one(f)),
        (_("(一)计划生育基本公共服务情况"), section_family_planning(f)),
        (_("(二)医疗卫生基本公共服务情况"), section_health(f)),
    ]


def tables(f: Figures) -> list[Table]:
    shares = f.stay_shares
    names = province_names()
    home = home_province()
    provinces = [
        [names.get(code, code), code, n, pct_exact(_share(n, f.living_here))]
        for code, n in f.province_counts
    ]
    campaign_rows: list[list[Any]] = []
    if f.campaign is not None:
        campaign_rows = [
            [_("活动名称"), f.campaign.name],
            [_("轮次"), f.campaign.rounds],
            [_("应种人数"), f.campaign.targets],
            [_("实种人数"), f.campaign.vaccinated],
            [_("接种率"), pct_exact(f.campaign.coverage)],
        ]
    return [
        Table(
            "scale",
            _("流动人口规模"),
            [_("指标"), _("统计日"), _("十年前同日")],
            [
                [_("流动人口"), f.floating, f.floating_10y],
                [_("流入人口"), f.inflow, f.inflow_10y],
                [_("流出人口"), f.outflow, f.outflow_10y],
                [_("增长倍数"), _trim(f.growth) if f.growth is not None else "—", ""],
            ],
        ),
        Table(
            "composition",
            _("人口构成"),
            [_("指标"), _("人数"), _("占比")],
            [
                [
                    _("已婚育龄妇女(15–49岁)"),
                    f.married_women,
                    pct_exact(_share(f.married_women, f.floating)),
                ],
                [_("来源省级地区(个)"), f.origin_provinces, ""],
                [
                    _("%(outside)s流入人口") % {"outside": outside_word()},
                    f.floating_outside_province,
                    pct_exact(f.outside_province_share),
                ],
            ],
        ),
        Table(
            "stay",
            _("居住时间"),
            [_("居住时间"), _("人数"), _("占比")],
            [
                [
                    StayClass.UNDER_6M.label,
                    f.stay_under_6m,
                    pct_exact(shares[StayClass.UNDER_6M.value]),
                ],
                [
                    StayClass.SIX_M_TO_5Y.label,
                    f.stay_6m_to_5y,
                    pct_exact(shares[StayClass.SIX_M_TO_5Y.value]),
                ],
                [
                    StayClass.OVER_5Y.label,
                    f.stay_over_5y,
                    pct_exact(shares[StayClass.OVER_5Y.value]),
                ],
                [_("合计(在住流入人口)"), f.living_here, "100%" if f.living_here else "—"],
            ],
        ),
        Table(
            "housing_work",
            _("居住与就业"),
            [_("指标"), _("人数"), _("基数"), _("占比")],
            [
                [_("居住在出租房屋"), f.rented, f.floating, pct_exact(f.rented_share)],
                [_("从事服务性行业"), f.employed_service, f.employed, pct_exact(f.service_share)],
            ],
        ),
        Table(
            "origins",
            _("流入人口来源地"),
            [_("省级地区"), _("代码"), _("人数"), _("占比")],
            provinces or [[_("无"), home, 0, "—"]],
        ),
        Table(
            "family_planning",
            _("计划生育基本公共服务"),
            [_("指标"), _("数值")],
            [
                [_("网格总数"), f.grids],
                [_("近30天有数据写入的网格"), f.grids_used],
                [_("平台应用率"), pct_exact(f.use_rate)],
                [_("现孕对象(流动人口)"), f.pregnant],
                [_("未办理婚育证明对象"), f.no_certificate],
            ],
        ),
        Table(
            "health",
            _("医疗卫生基本公共服务"),
            [_("指标"), _("数值")],
            [
                *campaign_rows,
                [_("卫生服务场所(个)"), f.health_sites],
                [_("居民电子健康档案(人)"), f.health_records],
                [_("其中流动人口(人)"), f.health_records_floating],
                [_("卫生监督协管员(人)"), f.supervision_assistants],
            ],
        ),
        Table(
            "definitions",
            _("统计口径"),
            [_("指标"), _("口径")],
            [[str(name), str(text)] for name, text in DEFINITIONS],
        ),
    ]


def _share(part: int, whole: int) -> Decimal | None:
    return percent(part, whole)
