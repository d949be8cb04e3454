"""The demo city's figures at scale 1 (DOMAIN.md §9) and their counts at any scale.

Every count is ``round(figure × scale)``; the few that must not vanish at a small scale
(a grid per community, one health site) have a floor. These numbers only steer the
generator: nothing reads them back, the report counts the records.
"""

from __future__ import annotations

from dataclasses import dataclass

FIGURES = {
    "inflow": 520_000,
    "outflow": 80_000,
    "registered": 2_200_000,
    "outside_share": 0.45,
    "stay_under_6m": 0.30,
    "stay_6m_5y": 0.47,
    "rented_share": 0.60,
    "service_share": 0.70,
    "married_women": 148_000,
    "growth": 8,
    "health_records": 2_020_000,
    "health_records_floating": 370_000,
    # The demo's own split of the floating records (not the report's): so many outflow
    # people had one made before they left, and so many arrivals of under six months got
    # one at a first contact, that those here six months or more have fewer (67.7%) than
    # registered residents (75%), as the report's 37万 of 60万 against 165万 of 220万 says.
    "records_outflow_share": 0.90,
    "records_new_share": 0.33,
    "campaign_targets": 45_349,
    "campaign_vaccinated": 44_393,
    "sites": 697,
    "assistants": 352,
    "communities": 500,
    "grids": 2_000,
}


@dataclass(frozen=True)
class Targets:
    scale: float
    inflow: int
    outflow: int
    registered: int
    stay_under_6m: int
    stay_6m_5y: int
    stay_over_5y: int
    inflow_before_d0: int  # inflow here today who arrived on or before as_of − 10 years
    outflow_before_d0: int  # outflow people gone since on or before as_of − 10 years
    leavers_d0: int  # inflow people here on as_of − 10 years who left since
    churn: int  # inflow people who came and went between the two dates
    outside: int
    rented: int
    married_women: int
    records_floating: int
    records_inflow: int  # inflow people here six months or more
    records_new: int  # inflow people here under six months
    records_outflow: int
    records_registered: int
    campaign_targets: int
    campaign_vaccinated: int
    sites: int
    assistants: int
    communities: int
    grids: int

    @property
    def floating(self) -> int:
        return self.inflow + self.outflow

    @property
    def floating_d0(self) -> int:
        return round(self.floating / FIGURES["growth"])

    @classmethod
    def for_scale(cls, scale: float) -> Targets:
        def n(value: float, floor: int = 0) -> int:
            return max(floor, round(value * scale))

        inflow, outflow = n(FIGURES["inflow"], 2), n(FIGURES["outflow"], 1)
        floating = inflow + outflow
        under_6m = round(inflow * FIGURES["stay_under_6m"])
        six_to_5y = round(inflow * FIGURES["stay_6m_5y"])
        over_5y = inflow - under_6m - six_to_5y
        d0 = round(floating / FIGURES["growth"])
        inflow_d0 = min(n(20_000), over_5y)
        outflow_d0 = min(n(10_000), outflow)
        records_floating = n(FIGURES["health_records_floating"])
        records_outflow = min(round(outflow * FIGURES["records_outflow_share"]), records_floating)
        records_new = min(
            round(under_6m * FIGURES["records_new_share"]), records_floating - records_outflow
        )
        records_inflow = min(records_floating - records_outflow - records_new, inflow - under_6m)
        communities = n(FIGURES["communities"], 10)
        return cls(
            scale=scale,
            inflow=inflow,
            outflow=outflow,
            registered=n(FIGURES["registered"], 1),
            stay_under_6m=under_6m,
            stay_6m_5y=six_to_5y,
            stay_over_5y=over_5y,
            inflow_before_d0=inflow_d0,
            outflow_before_d0=outflow_d0,
            leavers_d0=max(0, d0 - inflow_d0 - outflow_d0),
            churn=n(100_000),
            outside=round(floating * FIGURES["outside_share"]),
            rented=round(floating * FIGURES["rented_share"]),
            married_women=n(FIGURES["married_women"]),
            records_floating=records_floating,
            records_inflow=records_inflow,
            records_new=records_new,
            records_outflow=records_outflow,
            records_registered=n(FIGURES["health_records"]) - records_floating,
            campaign_targets=n(FIGURES["campaign_targets"]),
            campaign_vaccinated=n(FIGURES["campaign_vaccinated"]),
            sites=n(FIGURES["sites"], 1),
            assistants=n(FIGURES["assistants"], 1),
            communities=communities,
            grids=max(communities, n(FIGURES["grids"])),
        )


@dataclass(frozen=True)
class YearTarget:
    """A yearly target the demo city sets each of its nodes down to the streets (目标考核)."""

    indicator: str  # code of a built-in indicator
    measure: str  # ``parity.indicators.choices.Measure``
    value: int  # percent
    weight: int
    note: str  # where the bar comes from (stored as the target's note)


# The report puts this work into every level's yearly targets ("纳入各级政府年度人口与计划生育
# 党政目标……进行考核"); the bars are what it reports reached or extended to migrants.
YEAR_TARGETS = (
    YearTarget("campaign_coverage", "floating_rate", 95, 2, "报告:两轮脊灰强化免疫接种率97.89%"),
    YearTarget("vaccination_up_to_date", "floating_rate", 90, 2, "国家免疫规划:适龄儿童接种率≥90%"),
    YearTarget("health_record", "ratio", 95, 2, "报告:为居住6个月以上的流动人口建立健康档案"),
    YearTarget("pre_pregnancy_check", "ratio", 90, 1, "报告:免费孕前优生健康检查延伸到流动人口"),
    YearTarget("folic_acid", "ratio", 90, 1, "报告:为包括流动人口在内的待孕妇女免费增补叶酸"),
    YearTarget("antenatal_early", "ratio", 90, 1, "报告:提供与户籍人口同等的免费服务"),
    YearTarget("marriage_certificate", "floating_rate", 85, 1, "流动人口计划生育工作条例"),
    YearTarget("platform_use", "floating_rate", 100, 1, "报告:全市平台应用率达100%"),
)
