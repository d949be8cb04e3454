"""Marriage-and-childbearing certificates (婚育证明) and residence permits (居住证).

Like the maternal records, lists are restricted by where the person is managed now
(``person__area_code``); ``area_code`` keeps where the record was made.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parity.certificates.choices import CheckOutcome, PermitBasis, PermitStatus
from parity.core.models import RestrictedQuerySet, TimeStamped, area_code_index
from parity.people.choices import MaritalStatus

ACTIVE_PERMIT = (PermitStatus.APPLIED, PermitStatus.ISSUED)


class MarriageCertificate(TimeStamped):
    """A woman's marriage-and-childbearing certificate, issued by the place of household
    registration (``region_code``, GB/T 2260) and shown here (``checked_on``) within 30
    days of arrival; ``checked_late`` when shown after that. Marital status and children
    are as the certificate records them. A check has an outcome (``check_outcome``, blank
    while unchecked); a failed online check raised the 7-day 协查 ``check_request`` to the
    place of household registration, or none when that place is not a registered
    partner."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("持证人"),
        on_delete=models.CASCADE,
        related_name="marriage_certificates",
        db_index=False,  # the index "certificates_marriage_person" leads with it
    )
    region_code = models.CharField(_("发证地代码"), max_length=6)
    number = models.CharField(_("证明编号"), max_length=40)
    issued_on = models.DateField(_("发证日期"))
    electronic = models.BooleanField(_("电子婚育证明"), default=False)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    marital_status = models.CharField(
        _("婚姻状况(证明所载)"), max_length=16, choices=MaritalStatus.choices, blank=True
    )
    children_count = models.PositiveSmallIntegerField(_("子女数(证明所载)"), default=0)
    checked_on = models.DateField(_("查验日期"), null=True, blank=True)
    checked_late = models.BooleanField(_("逾期查验"), default=False)
    check_event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("查验服务记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marriage_certificate",
    )
    check_outcome = models.CharField(
        _("查验结果"), max_length=16, choices=CheckOutcome.choices, blank=True, default=""
    )
    check_request = models.OneToOneField(
        "exchange.VerificationRequest",
        verbose_name=_("核验协查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marriage_certificate",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("婚育证明")
        verbose_name_plural = _("婚育证明")
        ordering = ["-issued_on", "-id"]
        indexes = [
            area_code_index("certificates_marriage_area"),
            models.Index(fields=["person", "issued_on"], name="certificates_marriage_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(checked_on__isnull=True) | Q(checked_on__gte=F("issued_on")),
                name="%(app_label)s_%(class)s_checked_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="%(app_label)s_%(class)s_valid_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(checked_on__isnull=True, check_outcome="")
                | Q(checked_on__isnull=False, check_outcome__in=CheckOutcome.values),
                name="%(app_label)s_%(class)s_outcome_when_checked",
            ),
            models.CheckConstraint(
                condition=Q(check_request__isnull=True) | Q(check_outcome=CheckOutcome.FAILED),
                name="%(app_label)s_%(class)s_request_when_failed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.region_code}-{self.number}"


class ResidencePermit(TimeStamped):
    """A residence permit (居住证): application on a basis (Art. 2), issue, and yearly
    endorsements (``PermitEndorsement``). Its state on any date is ``permits.permit_state``;
    ``first_valid_until`` (the day before the first full year) and each endorsement's
    ``valid_until`` keep the periods in which it was valid, so SQL can ask the same."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("申领人"),
        on_delete=models.CASCADE,
        related_name="residence_permits",
        db_index=False,  # the index "certificates_permit_person" leads with it
    )
    basis = models.CharField(_("申领条件"), max_length=16, choices=PermitBasis.choices)
    applied_on = models.DateField(_("申领日期"))
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    first_valid_until = models.DateField(_("首年有效期至"), null=True, blank=True)
    number = models.CharField(_("居住证号码"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=PermitStatus.choices, default=PermitStatus.APPLIED
    )
    apply_event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("申领服务记录"),
        on_delete=models.PROTECT,
        related_name="permit_application",
    )
    issue_event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("发证服务记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="permit_issue",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("居住证")
        verbose_name_plural = _("居住证")
        ordering = ["-applied_on", "-id"]
        indexes = [
            area_code_index("certificates_permit_area"),
            models.Index(fields=["person", "status"], name="certificates_permit_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=[s.value for s in ACTIVE_PERMIT]),
                name="%(app_label)s_%(class)s_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PermitStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__gte=F("applied_on")),
                name="%(app_label)s_%(class)s_issued_after_applied",
            ),
            models.CheckConstraint(
                condition=~Q(status=PermitStatus.ISSUED)
                | (Q(issued_on__isnull=False) & Q(first_valid_until__isnull=False) & ~Q(number="")),
                name="%(app_label)s_%(class)s_issued_has_date_and_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.number or self.get_status_display()}"


class PermitEndorsement(models.Model):
    """A yearly endorsement (签注). ``late`` when made after the permit had lapsed: then
    years of residence count again from ``endorsed_on`` (``counted_from``). The permit is
    valid through ``valid_until`` on the strength of this endorsement."""

    permit = models.ForeignKey(
        ResidencePermit,
        verbose_name=_("居住证"),
        on_delete=models.CASCADE,
        related_name="endorsements",
    )
    endorsed_on = models.DateField(_("签注日期"))
    late = models.BooleanField(_("逾期签注"), default=False)
    counted_from = models.DateField(_("居住年限起算日"))
    valid_until = models.DateField(_("有效期至"))
    event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="permit_endorsement",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "permit__person__area_code"

    class Meta:
        verbose_name = _("居住证签注")
        verbose_name_plural = _("居住证签注")
        ordering = ["endorsed_on", "id"]
        indexes = [
            models.Index(
                fields=["permit", "endorsed_on", "valid_until"], name="certificates_endorse_dates"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "endorsed_on"], name="%(app_label)s_%(class)s_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("endorsed_on")),
                name="%(app_label)s_%(class)s_valid_after_endorsed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit} {self.endorsed_on}"
