from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import DepartmentKind
from parity.core import crypto
from parity.core.models import RestrictedQuerySet, area_code_index
from parity.services.choices import DELIVERED_OUTCOMES, Category, Outcome, StaffRole, VisitOutcome


class ServiceTypeQuerySet(models.QuerySet["ServiceType"]):
    def active(self) -> ServiceTypeQuerySet:
        return self.filter(is_active=True)


class ServiceType(models.Model):
    """A basic public service in the catalog: what it is, who delivers it, how often.

    Who is eligible is data (``EligibilityRule``, versioned by the date it takes effect)
    and the same rule applies to floating and registered people: that is parity.
    ``validity_days`` and ``required_count`` say when the service counts as delivered:
    at least ``required_count`` events in the last ``validity_days`` days (ever, if empty).
    A service whose delivery is judged from other records (e.g. immunization up to date)
    names a registered predicate in ``delivered_by``.
    """

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150)
    category = models.CharField(_("类别"), max_length=32, choices=Category.choices)
    department_kind = models.CharField(
        _("提供部门类别"), max_length=32, choices=DepartmentKind.choices
    )
    description = models.TextField(_("说明"), blank=True)
    validity_days = models.PositiveIntegerField(_("有效期(天)"), null=True, blank=True)
    required_count = models.PositiveSmallIntegerField(_("有效期内所需次数"), default=1)
    delivered_by = models.CharField(_("完成判定"), max_length=64, blank=True)
    # Delivered when asked for (legal aid, job services): never listed as "missing".
    on_demand = models.BooleanField(_("按需提供"), default=False)
    details_schema = models.JSONField(_("服务记录明细字段"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name

    def rule_on(self, on: dt.date) -> EligibilityRule | None:
        rules = getattr(self, "_prefetched_rules", None)
        if rules is None:
            rules = list(self.rules.order_by("effective_from"))
        current = None
        for rule in rules:
            if rule.effective_from <= on:
                current = rule
        return current


class EligibilityRule(models.Model):
    """Who is eligible for a service from a date on, as data (see ``eligibility.py``)."""

    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="rules"
    )
    effective_from = models.DateField(_("生效日期"))
    rule = models.JSONField(_("资格条件"), default=dict)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("资格条件")
        verbose_name_plural = _("资格条件")
        ordering = ["service_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_type", "effective_from"],
                name="%(app_label)s_%(class)s_one_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type.code} ≥ {self.effective_from}"


class ServiceEventQuerySet(RestrictedQuerySet):
    def delivered(self) -> ServiceEventQuerySet:
        return self.filter(outcome__in=DELIVERED_OUTCOMES)

    def of_type(self, code: str) -> ServiceEventQuerySet:
        return self.filter(service_type__code=code)


class ServiceEvent(models.Model):
    """One delivery of a service to a person, by a provider, on a date."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("服务对象"),
        on_delete=models.CASCADE,
        related_name="service_events",
        db_index=False,  # the index "services_event_person_date" leads with it
    )
    service_type = models.ForeignKey(
        ServiceType,
        verbose_name=_("服务项目"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # the index "services_event_delivered" leads with it
    )
    date = models.DateField(_("服务日期"))
    provider = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("服务机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_events",
    )
    outcome = models.CharField(
        _("结果"), max_length=16, choices=Outcome.choices, default=Outcome.COMPLETED
    )
    details = models.JSONField(_("明细"), default=dict, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Where the person was managed when served: figures by area use it.
    area_code = models.CharField(_("区划代码"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ServiceEventQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-date", "-id"]
        indexes = [
            # The outcome too, so that "who has a delivered event of this type by this
            # date" is read from the index alone (the report's health records for a city
            # of 2.9 million people: 1.3 s instead of 2.0 s).
            models.Index(
                fields=["service_type", "person", "date", "outcome"],
                name="services_event_delivered",
            ),
            models.Index(fields=["person", "date"], name="services_event_person_date"),
            models.Index(fields=["date"], name="services_event_date"),
            area_code_index("services_event_area"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in Outcome]),
                name="%(app_label)s_%(class)s_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.service_type.name}"


class ProviderStaff(models.Model):
    """A member of a service provider's staff, e.g. one of the health supervision
    assistants (卫生监督协管员) the report counts."""

    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("岗位"), max_length=40, choices=StaffRole.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("所在机构"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone_enc = models.TextField(_("联系电话(密文)"), blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)
    active = models.BooleanField(_("在岗"), default=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("服务人员")
        verbose_name_plural = _("服务人员")
        ordering = ["area_code", "name"]
        indexes = [area_code_index("services_staff_area")]

    def __str__(self) -> str:
        return f"{self.name}({self.get_role_display()})"

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone) if phone else ""
        self.phone_masked = crypto.mask_phone(phone) if phone else ""


class Visit(models.Model):
    """A home visit (入户走访) by a grid worker: who was visited, when, and what happened."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("走访对象"),
        on_delete=models.CASCADE,
        related_name="visits",
        db_index=False,  # the index "services_visit_person_date" leads with it
    )
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("走访结果"), max_length=16, choices=VisitOutcome.choices)
    note = models.CharField(_("情况记录"), max_length=500, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["person", "visited_on"], name="services_visit_person_date"),
            area_code_index("services_visit_area"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.person_id}"


class KeyGroupList(models.Model):
    """A key group saved as a list on a date (e.g. the women currently pregnant in a
    street on 1 March), so that it can be followed up and exported later unchanged."""

    group = models.CharField(_("重点对象类别"), max_length=64)
    as_of = models.DateField(_("统计日期"))
    area_code = models.CharField(_("区划代码"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保存人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    size = models.PositiveIntegerField(_("人数"), default=0)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("重点对象名单")
        verbose_name_plural = _("重点对象名单")
        ordering = ["-created_at", "-id"]
        indexes = [area_code_index("services_keygrouplist_area")]

    def __str__(self) -> str:
        return f"{self.group} {self.as_of}"


class KeyGroupMember(models.Model):
    """One person on a saved key-group list, with the date they qualified from."""

    saved_list = models.ForeignKey(
        KeyGroupList, verbose_name=_("名单"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("名单成员")
        verbose_name_plural = _("名单成员")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_list", "person"], name="%(app_label)s_%(class)s_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.saved_list_id}:{self.person_id}"
