from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parity.core.i18n import in_language
from parity.core.models import RestrictedQuerySet
from parity.indicators.choices import Measure, PeriodType, RefreshStatus, Unit, category_label


def _node_index(name: str) -> models.Index:
    """Rows of a snapshot by level and area-code prefix (a drill-down's children): the
    prefix needs ``varchar_pattern_ops`` on PostgreSQL, the other columns their default
    operator classes, named because an index takes one class per column."""
    return models.Index(
        fields=["snapshot", "level", "area_code"],
        name=name,
        opclasses=["int8_ops", "int2_ops", "varchar_pattern_ops"],
    )


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class Indicator(models.Model):
    """A rate defined once, as data: who is counted (``denominator``) and which of them
    got the service (``numerator``), in the vocabulary of ``definition.py``.

    Computed for floating and registered people side by side on every area node by
    ``compute.refresh``; the equalization measures (gap, ratio, index) are read from the
    cached counts by ``selectors``. Built-in indicators come from ``data/indicators.yaml``
    (``parity load_indicators``); an administrator can add more from the web page.
    """

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    category = models.CharField(_("类别"), max_length=32)
    description = models.TextField(_("口径说明"), blank=True)
    description_en = models.TextField(_("英文口径说明"), blank=True, default="")
    unit = models.CharField(_("计数单位"), max_length=8, choices=Unit.choices, default=Unit.PERSON)
    denominator = models.JSONField(_("分母"), default=dict, blank=True)
    numerator = models.JSONField(_("分子"), default=dict, blank=True)
    period = models.CharField(
        _("统计周期"), max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    dimensions = models.JSONField(_("可分组维度"), default=list, blank=True)
    in_index = models.BooleanField(_("计入均等化指数"), default=False)
    builtin = models.BooleanField(_("内置"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values), name="%(app_label)s_%(class)s_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(period__in=PeriodType.values),
                name="%(app_label)s_%(class)s_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def display_description(self) -> str:
        """The description in the active language (English when English is active)."""
        return in_language(self.description, self.description_en)

    @property
    def category_name(self) -> str:
        """The category as people read it (a built-in one's label, else as written)."""
        return category_label(self.category)


class Snapshot(models.Model):
    """One computation of every active indicator on a date (``as_of``): the cache that
    pages read. Recomputing a date writes a new snapshot (``running``, read by nobody)
    and swaps it in at the end in one short transaction: the old one becomes
    ``replaced`` as the new one becomes ``done``, so a date has at most one ``done``
    snapshot and readers, who read only ``done`` ones, see either the old computation
    whole or the new one whole (``compute.refresh``)."""

    as_of = models.DateField(_("统计日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=RefreshStatus.choices, default=RefreshStatus.RUNNING
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时(秒)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("缓存行数"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("指标计算批次")
        verbose_name_plural = _("指标计算批次")
        ordering = ["-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of"],
                condition=Q(status=RefreshStatus.DONE),
                name="%(app_label)s_%(class)s_one_done_per_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RefreshStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"


class IndicatorValue(models.Model):
    """Cached counts of one indicator on one area node on a date, floating and
    registered side by side: the numerator and denominator of each. ``dimension`` and
    ``category`` are empty for the node's total, else one disaggregation (``sex`` /
    ``F``, ``origin_province`` / ``41``, …)."""

    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("计算批次"),
        on_delete=models.CASCADE,
        related_name="values",
        # The unique cell's index starts with the snapshot: a second index on it alone
        # would only cost every refresh's inserts.
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="values"
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    level = models.PositiveSmallIntegerField(_("层级"))
    dimension = models.CharField(_("维度"), max_length=20, blank=True)
    category = models.CharField(_("分组"), max_length=20, blank=True)
    floating_num = models.BigIntegerField(_("流动人口分子"), default=0)
    floating_den = models.BigIntegerField(_("流动人口分母"), default=0)
    registered_num = models.BigIntegerField(_("户籍人口分子"), default=0)
    registered_den = models.BigIntegerField(_("户籍人口分母"), default=0)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "indicator", "area_code", "dimension", "category"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
        ]
        indexes = [_node_index("indicators_value_node")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.area_code}"


class AreaFigure(models.Model):
    """Cached population figures of an area node on a date, for the dashboard: the
    floating population and its inflow/outflow, key groups, and the distributions the
    charts draw (origins, length of stay, housing, industries, arrivals by month).
    ``figure`` names the count, ``category`` the class within it (empty for a total)."""

    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("计算批次"),
        on_delete=models.CASCADE,
        related_name="figures",
        # The unique cell's index starts with the snapshot: a second index on it alone
        # would only cost every refresh's inserts.
        db_index=False,
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    level = models.PositiveSmallIntegerField(_("层级"))
    figure = models.CharField(_("项目"), max_length=32)
    category = models.CharField(_("分组"), max_length=20, blank=True)
    value = models.BigIntegerField(_("数值"), default=0)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("区域人口数据")
        verbose_name_plural = _("区域人口数据")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "area_code", "figure", "category"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
        ]
        indexes = [_node_index("indicators_figure_node")]

    def __str__(self) -> str:
        return f"{self.figure}:{self.category}@{self.area_code}"


class Target(models.Model):
    """A yearly target (目标) for an area and indicator, e.g. vaccination coverage of the
    floating population ≥ 95% in 2026, and its weight in the area's score."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(
        _("考核口径"), max_length=16, choices=Measure.choices, default=Measure.FLOATING_RATE
    )
    value = models.DecimalField(
        _("目标值(%)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area__code"

    class Meta:
        verbose_name = _("考核目标")
        verbose_name_plural = _("考核目标")
        ordering = ["year", "area__code", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area", "indicator"], name="%(app_label)s_%(class)s_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100),
                name="%(app_label)s_%(class)s_value_percent",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="%(app_label)s_%(class)s_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values),
                name="%(app_label)s_%(class)s_measure_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area} {self.indicator}"
