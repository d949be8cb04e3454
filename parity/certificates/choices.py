from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateState(models.TextChoices):
    """A woman's marriage-and-childbearing certificate (婚育证明) on a date."""

    CHECKED = "checked", _("已查验")
    ISSUED = "issued", _("已办理未查验")
    MISSING = "missing", _("未办理")
    NOT_REQUIRED = "not_required", _("不适用")


class CheckOutcome(models.TextChoices):
    """What the check here found. ``failed``: the online check (the origin's electronic
    record) failed or disagrees with the certificate shown; a 7-day 协查 to the place of
    household registration settles it (DOMAIN.md §7)."""

    VERIFIED = "verified", _("核验通过")
    FAILED = "failed", _("线上核验未通过或不一致")


class PermitBasis(models.TextChoices):
    """居住证暂行条例 Art. 2: one of these, beside more than six months' residence."""

    EMPLOYMENT = "employment", _("合法稳定就业")
    RESIDENCE = "residence", _("合法稳定住所")
    STUDY = "study", _("连续就读")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("已申领")
    ISSUED = "issued", _("已发证")
    CANCELLED = "cancelled", _("已注销")


class PermitState(models.TextChoices):
    APPLIED = "applied", _("已申领待发证")
    VALID = "valid", _("有效")
    DUE_FOR_ENDORSEMENT = "due_for_endorsement", _("待签注")
    LAPSED = "lapsed", _("逾期未签注(功能中止)")
    CANCELLED = "cancelled", _("已注销")
