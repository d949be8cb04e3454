"""Choices of the indicators app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    """How far back an indicator's events count: the period that contains the as-of date,
    up to that date (year to date, quarter to date, month to date)."""

    YEAR = "year", _("年度")
    QUARTER = "quarter", _("季度")
    MONTH = "month", _("月度")


class Unit(models.TextChoices):
    """What an indicator counts: people (floating and registered side by side) or grids
    (the platform's use rate, which has no floating/registered split)."""

    PERSON = "person", _("人")
    GRID = "grid", _("网格")


class Dimension(models.TextChoices):
    """Disaggregations kept in the cache besides the area node and residency status."""

    SEX = "sex", _("性别")
    AGE_GROUP = "age_group", _("年龄组")
    STAY_CLASS = "stay_class", _("居住时长")
    ORIGIN_PROVINCE = "origin_province", _("户籍省份")
    # The partner region of the exchange a person's cases are with (parity/exchange).
    PARTNER = "partner", _("合作地区")


class AgeGroup(models.TextChoices):
    CHILD = "0-6", _("0–6岁")
    SCHOOL = "7-17", _("7–17岁")
    YOUNG = "18-34", _("18–34岁")
    MIDDLE = "35-49", _("35–49岁")
    OLDER = "50-64", _("50–64岁")
    ELDERLY = "65+", _("65岁及以上")


# Lower bound in completed years of each age group, in order.
AGE_GROUP_FLOORS = [(AgeGroup.ELDERLY, 65), (AgeGroup.OLDER, 50), (AgeGroup.MIDDLE, 35),
                    (AgeGroup.YOUNG, 18), (AgeGroup.SCHOOL, 7)]  # fmt: skip


class Measure(models.TextChoices):
    """What a target is set on."""

    FLOATING_RATE = "floating_rate", _("流动人口比率")
    OVERALL_RATE = "overall_rate", _("全体人口比率")
    RATIO = "ratio", _("流动/户籍比值")


class RefreshStatus(models.TextChoices):
    """A computation's life: written while ``running`` (read by nobody), then ``done`` (the
    date's current one, read by every page) or ``failed``; a ``done`` one becomes
    ``replaced`` when the next computation of its date is swapped in."""

    RUNNING = "running", _("正在计算")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    REPLACED = "replaced", _("已被替换")


# The categories of the built-in indicators (parity/indicators/data/indicators.yaml and those
# catalog.py derives).
DOSE_CATEGORY = "immunization_dose"
SERVICE_CATEGORY = "service_coverage"

# Labels of the built-in indicators' categories; an administrator's own category shows as
# written.
CATEGORY_LABELS = {
    "public_health": _("基本公共卫生"),
    "immunization": _("预防接种"),
    "maternal": _("妇幼健康"),
    "family_planning": _("婚育与优生"),
    "permits": _("居住证"),
    "education": _("义务教育"),
    "social_security": _("社会保障"),
    "grid_work": _("网格服务管理"),
    "exchange": _("区域协作"),
    DOSE_CATEGORY: _("分剂次接种率"),
    SERVICE_CATEGORY: _("其他服务项目覆盖率"),
}


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))
