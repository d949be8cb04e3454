"""The source report's figures (section 一 and (一)(二)) for an area on a date, computed
from the records by the selectors and rules the rest of Parity uses.

``figures(as_of=D, area=A)`` returns one ``Figures``; the md, xlsx and docx renderers and
the web page all read it. Every count is an SQL aggregate (about a dozen queries for any
area, however many people), never a Python loop over people. ``A`` is an ``Area``; its
subtree is ``area_code LIKE 'A%'`` on every table (codes nest by prefix).

Definitions (repeated in the report's own notes, ``DEFINITIONS``):

floating population on D
    the definition of ``people.selectors`` (the one every page and figure uses): inflow
    people living in the city on D (the current stay covers D) managed in A, plus outflow
    people (status ``outflow``) registered in A who had left by D (``outflow_since`` ≤ D,
    or unknown). Inflow and outflow likewise.
growth over ten years
    floating on D ÷ floating on D − 10 years, same definition, same area. Statuses are
    today's: someone registered here who left after D − 10 years counts as floating only
    from ``outflow_since``.
married women of childbearing age
    floating, female, married, aged 15–49 on D (the ``eligibility`` rule
    ``{"sex": "F", "marital_status": ["married"], "age_min": 15, "age_max": 49}``).
origins
    the number of distinct provinces (first two digits of ``hukou_code``) among inflow
    people living here on D; and the share of the floating population whose province is
    not the city's (first two digits of ``PARITY_CITY_CODE``).
length of stay
    among inflow people living here on D, by ``arrived_city_on``, in the classes of
    ``people.models.stay_class`` (under 6 months / 6 months–5 years / over 5 years).
rented housing
    inflow people living here on D whose residence covering D is ``rented``, as a share of
    the whole floating population (the report's "60%的流动人口居住在出租房屋").
service industries
    among floating people on D with an employment covering D, the share with one in a
    service industry (``SERVICE_INDUSTRIES``, GB/T 4754 sections F–T).
key groups
    members on D of the registered key groups ``pregnant`` (现孕对象, among the floating
    population) and ``no_certificate`` (未办理婚育证明对象) managed in A.
campaign
    the most recent campaign (a round started on or before D, the latest such start) whose area
    contains A or lies inside it, or the one named: 应种 / 实种 / coverage by
    ``immunization.selectors.campaign_children`` restricted to A: distinct children on a
    target list of any round, and of them those vaccinated in any round.
health service sites
    departments of a kind in ``HEALTH_SITE_KINDS`` in A.
health records
    people of the city on D managed in A — registered residents living here and the
    floating population as defined above — with a delivered ``health_record`` service
    event dated on or before D; and of them the floating population.
health supervision assistants
    active ``ProviderStaff`` with the role ``health_supervision_assistant`` in A.
platform use rate
    the share of grids in A (areas of level 5) where something was written in the 30
    days ending on D (from D − 29 days 00:00 to D 24:00, local time): an audit event, a
    person or residence created or updated, a service event or a home visit recorded,
    at the grid's code (the records' ``area_code`` is the grid where the person lives).
    Reveals of masked values are reads and do not count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.models import AuditEvent
from parity.immunization.models import Campaign
from parity.immunization.selectors import campaign_children, percent
from parity.indicators.models import AreaFigure
from parity.indicators.snapshots import current
from parity.people.choices import (
    FLOATING,
    SERVICE_INDUSTRIES,
    HousingType,
    Status,
    StayClass,
)
from parity.people.models import Employment, Person, Residence, stay_class_expression
from parity.people.selectors import floating_q, home_province, inflow_q, outflow_q, resident_q
from parity.services.choices import StaffRole
from parity.services.eligibility import rule_q
from parity.services.keygroups import KEY_GROUPS
from parity.services.models import ProviderStaff, ServiceEvent, ServiceType, Visit

HEALTH_RECORD = "health_record"
# The counts of ``people_counts`` that are sums over its rows.
SUMMED = (
    "inflow",
    "outflow",
    "inflow_10y",
    "outflow_10y",
    "married_women",
    "stay_under_6m",
    "stay_6m_to_5y",
    "stay_over_5y",
)
MARRIED_WOMEN_RULE = {
    "sex": "F",
    "marital_status": ["married"],
    "age_min": 15,
    "age_max": 49,
    "statuses": [Status.INFLOW.value, Status.OUTFLOW.value],
}
USE_WINDOW_DAYS = 30
# Audit actions that read rather than write.
READ_ACTIONS = ("person.reveal",)

DEFINITIONS = [
    (
        _("流动人口"),
        _(
            "统计日在本市居住(本次来本市日期不晚于统计日且未离开)的流入人口,"
            "加上统计日前已流出(流出日期不晚于统计日或未填)的本区域户籍流出人口。"
        ),
    ),
    (_("十年增长倍数"), _("统计日流动人口数 ÷ 十年前同日流动人口数(同一口径、同一区域)。")),
    (_("已婚育龄妇女"), _("流动人口中统计日年满15周岁、未满50周岁的已婚女性。")),
    (
        _("来源地"),
        _(
            "统计日在住流入人口户籍地的省级地区个数;"
            "区外流入占比 = 户籍省份不是本市所在省份的流动人口 ÷ 流动人口。"
        ),
    ),
    (
        _("居住时间"),
        _("统计日在住流入人口按本次来本市日期分为半年以下、半年至五年、五年以上。"),
    ),
    (_("出租房屋"), _("统计日在住流入人口中,统计日所住住所类型为出租房屋的比例。")),
    (
        _("服务性行业"),
        _("统计日有在职就业记录的流动人口中,从事第三产业(国民经济行业门类F–T)的比例。"),
    ),
    (_("重点对象"), _("统计日“现孕对象”(流动人口)和“未办理婚育证明对象”两类重点对象的人数。")),
    (
        _("强化免疫"),
        _("最近一次强化免疫活动(各轮合计)本区域的应种人数、实种人数和接种率(实种 ÷ 应种)。"),
    ),
    (_("卫生服务场所"), _("本区域社区卫生服务中心、服务站、乡镇卫生院和村卫生室的个数。")),
    (
        _("健康档案"),
        _("统计日在本市居住、统计日前已建立居民健康档案(服务记录已完成)的人数,及其中流动人口数。"),
    ),
    (_("卫生监督协管员"), _("本区域在岗的卫生监督协管员人数。")),
    (
        _("平台应用率"),
        _(
            "统计日前30天内(含统计日)有登记或服务记录写入(审计日志、人员或居住登记的新建与修改、"
            "服务记录、入户走访)的网格数 ÷ 本区域网格总数。"
        ),
    ),
]


def ratio(part: int, whole: int, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class CampaignFigures:
    campaign_id: int
    name: str
    rounds: int
    targets: int
    vaccinated: int

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.vaccinated, self.targets)


@dataclass(frozen=True)
class Figures:
    """The report's numbers for ``area_code`` on ``as_of`` (see the module docstring)."""

    as_of: dt.date
    area_code: str
    area_name: str
    floating: int
    inflow: int
    outflow: int
    floating_10y: int
    inflow_10y: int
    outflow_10y: int
    married_women: int
    origin_provinces: int
    floating_outside_province: int
    stay_under_6m: int
    stay_6m_to_5y: int
    stay_over_5y: int
    living_here: int  # inflow people living here on the date: the stay and housing base
    rented: int
    employed: int
    employed_service: int
    pregnant: int
    no_certificate: int
    campaign: CampaignFigures | None
    health_sites: int
    health_records: int
    health_records_floating: int
    supervision_assistants: int
    grids: int
    grids_used: int
    province_counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def growth(self) -> Decimal | None:
        """How many times the floating population of ten years before."""
        return ratio(self.floating, self.floating_10y)

    @property
    def outside_province_share(self) -> Decimal | None:
        return percent(self.floating_outside_province, self.floating)

    @property
    def stay_shares(self) -> dict[str, Decimal | None]:
        counts = {
            StayClass.UNDER_6M.value: self.stay_under_6m,
            StayClass.SIX_M_TO_5Y.value: self.stay_6m_to_5y,
            StayClass.OVER_5Y.value: self.stay_over_5y,
        }
        return {k: percent(v, self.living_here) for k, v in counts.items()}

    @property
    def rented_share(self) -> Decimal | None:
        # "有60%的流动人口居住在出租房屋": a share of the whole floating population.
        return percent(self.rented, self.floating)

    @property
    def service_share(self) -> Decimal | None:
        return percent(self.employed_service, self.employed)

    @property
    def use_rate(self) -> Decimal | None:
        return percent(self.grids_used, self.grids)


# --- predicates -----------------------------------------------------------------------


def _people(area_code: str) -> QuerySet[Person]:
    return Person.objects.filter(area_code__startswith=area_code).order_by()


# --- the queries ----------------------------------------------------------------------


def people_counts(as_of: dt.date, area_code: str) -> dict[str, Any]:
    """Floating / inflow / outflow now and ten years before, married women, origins and
    length of stay: one aggregate over the area's people, by province of registration
    (a few dozen rows, added up here). By province rather than a ``COUNT(DISTINCT …)`` of
    the provinces, which PostgreSQL cannot split between parallel workers: measured at
    scale 1, 0.9 s instead of 1.8 s, and the province counts come with it. Only inflow
    and outflow people can count, and saying so (``status IN …``) lets PostgreSQL read
    the index of the floating population (``people_person_floating``) instead of the
    table: 0.3 s instead of 0.8 s at scale 1."""
    stay = stay_class_expression("arrived_city_on", as_of)
    people = (
        _people(area_code)
        .filter(status__in=FLOATING)
        .annotate(stay=stay, province=Substr("hukou_code", 1, 2))
    )
    inflow, outflow = inflow_q(as_of), outflow_q(as_of)
    floating = inflow | outflow
    before = as_of - relativedelta(years=10)
    rows = people.values("province").annotate(
        inflow=Count("pk", filter=inflow),
        outflow=Count("pk", filter=outflow),
        inflow_10y=Count("pk", filter=inflow_q(before)),
        outflow_10y=Count("pk", filter=outflow_q(before)),
        married_women=Count("pk", filter=floating & rule_q(MARRIED_WOMEN_RULE, as_of)),
        stay_under_6m=Count("pk", filter=inflow & Q(stay=StayClass.UNDER_6M)),
        stay_6m_to_5y=Count("pk", filter=inflow & Q(stay=StayClass.SIX_M_TO_5Y)),
        stay_over_5y=Count("pk", filter=inflow & Q(stay=StayClass.OVER_5Y)),
    )
    totals: dict[str, Any] = dict.fromkeys(SUMMED, 0)
    totals["floating_outside_province"] = 0
    provinces: list[tuple[str, int]] = []
    for row in rows.order_by():
        for key in SUMMED:
            totals[key] += row[key]  # type: ignore[literal-required]
        if row["province"] != home_province():
            totals["floating_outside_province"] += row["inflow"] + row["outflow"]
        if row["inflow"]:
            provinces.append((row["province"], row["inflow"]))
    totals.update(
        floating=totals["inflow"] + totals["outflow"],
        floating_10y=totals["inflow_10y"] + totals["outflow_10y"],
        living_here=totals["inflow"],
        origin_provinces=len(provinces),
        # Inflow people living here by province of registration, largest first.
        province_counts=sorted(provinces, key=lambda kv: (-kv[1], kv[0])),
    )
    return totals


def rented_count(as_of: dt.date, area_code: str) -> int:
    rented = Residence.objects.filter(person=OuterRef("pk"), housing_type=HousingType.RENTED).on(
        as_of
    )
    return _people(area_code).filter(inflow_q(as_of)).filter(Exists(rented)).count()


def employment_counts(as_of: dt.date, area_code: str) -> tuple[int, int]:
    """Floating people with an employment covering the date; of them, in service. Counted
    from the employments (distinct people) rather than from the people: one join instead
    of a join and a probe a person for the service jobs (0.7 s instead of 0.9 s at
    scale 1)."""
    jobs = Employment.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=as_of),
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
        person__in=_people(area_code).filter(floating_q(as_of)),
    )
    result = jobs.aggregate(
        employed=Count("person", distinct=True),
        service=Count("person", distinct=True, filter=Q(industry__in=SERVICE_INDUSTRIES)),
    )
    return result["employed"], result["service"]


def health_record_counts(as_of: dt.date, area_code: str) -> tuple[int, int]:
    # The type's id first: a join to the catalog inside EXISTS made PostgreSQL loop.
    kind = ServiceType.objects.filter(code=HEALTH_RECORD).values_list("pk", flat=True).first()
    records = ServiceEvent.objects.delivered().filter(
        person=OuterRef("pk"), service_type_id=kind, date__lte=as_of
    )
    # Records of the city's population on the date: registered residents living here and
    # the floating population (inflow living here, and outflow people who have one).
    floating = floating_q(as_of)
    result = (
        _people(area_code)
        .filter(floating | (Q(status=Status.REGISTERED) & resident_q(as_of)))
        .filter(Exists(records))
        .aggregate(all=Count("pk"), floating=Count("pk", filter=floating))
    )
    return result["all"], result["floating"]


def key_group_counts(as_of: dt.date, area_code: str) -> tuple[int, int]:
    """Members of the two key groups managed in the area (pregnant: among the floating
    population). The groups' own queries are over people already, so the area is a
    filter on them, not another read of the area's people to join them with."""

    def size(code: str, *conditions: Q) -> int:
        group = KEY_GROUPS[code].build(as_of).filter(*conditions, area_code__startswith=area_code)
        return group.order_by().values("pk").distinct().count()

    return size("pregnant", floating_q(as_of)), size("no_certificate")


def report_campaign(as_of: dt.date, area: Area, campaign_id: int | None = None) -> Campaign | None:
    """The campaign the report describes: the one named, else the most recent one (the
    latest round start on or before the date) covering the area or inside it."""
    campaigns = Campaign.objects.all()
    if campaign_id is not None:
        return campaigns.filter(pk=campaign_id).first()
    prefixes = [area.code[:n] for n in range(1, len(area.code) + 1)]
    return (
        campaigns.filter(Q(area_code__in=prefixes) | Q(area_code__startswith=area.code))
        .filter(rounds__start_on__lte=as_of)
        .annotate(first_round=F("rounds__start_on"))
        .order_by("-first_round", "-created_at", "-id")
        .first()
    )


def campaign_figures(
    as_of: dt.date, area: Area, campaign_id: int | None = None
) -> CampaignFigures | None:
    campaign = report_campaign(as_of, area, campaign_id)
    if campaign is None:
        return None
    # Coverage of the area itself: the campaign's rows inside it when the campaign is
    # wider, the whole campaign otherwise.
    scope = area if area.code.startswith(campaign.area_code) else campaign.area
    # Children, not doses: a child on both rounds' lists counts once, as in the report.
    targets, vaccinated = campaign_children(campaign, scope)
    return CampaignFigures(campaign.pk, campaign.name, campaign.rounds.count(), targets, vaccinated)


def use_window(as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The 30 days ending on the date, as aware datetimes [start, end)."""
    start = dt.datetime.combine(as_of - dt.timedelta(days=USE_WINDOW_DAYS - 1), dt.time.min)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def grid_use(as_of: dt.date, area_code: str) -> tuple[int, int]:
    """(grids in the area, grids with a write in the 30 days ending on the date). One
    query per kind of record for the distinct area codes written to (at most one per
    grid: no loop over people), smallest tables first, until every grid is found."""
    start, end = use_window(as_of)
    grids = set(
        Area.objects.within(area_code).filter(level=Level.GRID).values_list("code", flat=True)
    )
    sources: list[tuple[QuerySet, str]] = [
        (AuditEvent.objects.exclude(action__in=READ_ACTIONS), "at"),
        (Visit.objects.all(), "created_at"),
        (Person.objects.all(), "updated_at"),
        (Residence.objects.all(), "updated_at"),
        (ServiceEvent.objects.all(), "created_at"),
    ]
    touched: set[str] = set()
    for queryset, stamp in sources:
        if grids <= touched:
            break  # the larger tables cannot add a grid
        touched.update(
            queryset.filter(
                area_code__startswith=area_code, **{f"{stamp}__gte": start, f"{stamp}__lt": end}
            )
            .order_by()
            .values_list("area_code", flat=True)
            .distinct()
        )
    return len(grids), len(grids & touched)


def figures(*, as_of: dt.date, area: Area | str, campaign_id: int | None = None) -> Figures:
    """Every figure of the report for the area (an ``Area`` or its code) on the date."""
    if isinstance(area, str):
        area = Area.objects.get(code=area)
    code = area.code
    counts = people_counts(as_of, code)
    employed, employed_service = employment_counts(as_of, code)
    records, records_floating = health_record_counts(as_of, code)
    pregnant, no_certificate = key_group_counts(as_of, code)
    grids, grids_used = grid_use(as_of, code)
    return Figures(
        as_of=as_of,
        area_code=code,
        area_name=area.name,
        **counts,
        rented=rented_count(as_of, code),
        employed=employed,
        employed_service=employed_service,
        pregnant=pregnant,
        no_certificate=no_certificate,
        health_records=records,
        health_records_floating=records_floating,
        campaign=campaign_figures(as_of, area, campaign_id),
        health_sites=Department.objects.filter(
            area__code__startswith=code, kind__in=HEALTH_SITE_KINDS
        ).count(),
        supervision_assistants=ProviderStaff.objects.filter(
            area_code__startswith=code,
            role=StaffRole.HEALTH_SUPERVISION_ASSISTANT,
            active=True,
        ).count(),
        grids=grids,
        grids_used=grids_used,
    )


# --- the page's figures: one computation per snapshot ------------------------------------

REPORT_SECONDS = 24 * 3600
# The nodes whose report the nightly refresh computes ahead (the city and its districts).
PRECOMPUTE_LEVELS = (Level.CITY, Level.DISTRICT)
# The report's figures the dashboard also shows, by the figure's name in the snapshot.
FROM_SNAPSHOT = {
    "floating": "floating",
    "inflow": "inflow",
    "outflow": "outflow",
    "married_women": "married_women",
    "pregnant": "pregnant",
    "no_certificate": "no_certificate",
}
STAY_FIGURES = {
    StayClass.UNDER_6M.value: "stay_under_6m",
    StayClass.SIX_M_TO_5Y.value: "stay_6m_to_5y",
    StayClass.OVER_5Y.value: "stay_over_5y",
}


def _cache_key(snapshot, area_code: str, campaign_id: int | None) -> str:
    stamp = snapshot.finished_at.isoformat() if snapshot.finished_at else ""
    return ":".join(("report", str(snapshot.pk), stamp, area_code, str(campaign_id or "")))


def with_snapshot(result: Figures, snapshot) -> Figures:
    """The figures the dashboard shows for the node, as its snapshot holds them: the same
    definitions computed on the same date, so they are equal unless records changed since
    the refresh; then both pages show the snapshot's (a figure that disagrees between the
    report and the dashboard would be a bug)."""
    held: dict[str, dict[str, int]] = {}
    rows = AreaFigure.objects.filter(snapshot=snapshot, area_code=result.area_code)
    for figure, category, value in rows.values_list("figure", "category", "value"):
        held.setdefault(figure, {})[category] = value
    if not held:
        return result
    values: dict[str, Any] = {
        field_name: held.get(name, {}).get("", 0) for field_name, name in FROM_SNAPSHOT.items()
    }
    stays = held.get("stay", {})
    values.update({field_name: stays.get(code, 0) for code, field_name in STAY_FIGURES.items()})
    values["living_here"] = values["inflow"]
    origins = {code: n for code, n in held.get("origin", {}).items() if n}
    values["origin_provinces"] = len(origins)
    values["province_counts"] = sorted(origins.items(), key=lambda kv: (-kv[1], kv[0]))
    return dataclasses.replace(result, **values)


def report_figures(*, as_of: dt.date, area: Area, campaign_id: int | None = None) -> Figures:
    """The report's figures as the page and ``parity report`` show them: when the date has
    a computed snapshot (``parity refresh_indicators``), computed once for it and kept in
    the cache shared by the web workers (the nightly refresh computes the city's and the
    districts' ahead), with the dashboard's figures read from the snapshot; otherwise
    computed from the records."""
    snapshot = current(as_of)
    if snapshot is None:
        return figures(as_of=as_of, area=area, campaign_id=campaign_id)
    key = _cache_key(snapshot, area.code, campaign_id)
    result = cache.get(key)
    if result is None:
        result = with_snapshot(figures(as_of=as_of, area=area, campaign_id=campaign_id), snapshot)
        cache.set(key, result, REPORT_SECONDS)
    return result


def precompute(sender, snapshot, **kwargs) -> None:
    """Receiver of ``indicators_computed``: the report of the city and of each district
    on the snapshot's date, computed before anyone asks."""
    for node in Area.objects.filter(level__in=PRECOMPUTE_LEVELS).order_by("code"):
        report_figures(as_of=snapshot.as_of, area=node)
