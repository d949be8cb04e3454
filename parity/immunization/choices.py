from django.db import models
from django.utils.translation import gettext_lazy as _


class Series(models.TextChoices):
    """A dose sequence. Vaccines in one series share its dose count (IPV then bOPV; DTaP
    then DT or a fifth DTaP), except in an alternative series (JE, HepA), where each
    vaccine is its own sequence and a child follows one of them."""

    HEPB = "HepB", _("乙肝")
    BCG = "BCG", _("卡介苗")
    POLIO = "polio", _("脊灰")
    DTP = "DTP", _("百白破/白破")
    MMR = "MMR", _("麻腮风")
    JE = "JE", _("乙脑")
    MEN = "MEN", _("流脑")
    HEPA = "HepA", _("甲肝")


# A child gets either the live or the inactivated vaccine of these series.
ALTERNATIVE_SERIES = frozenset({Series.JE.value, Series.HEPA.value})


class DoseStatus(models.TextChoices):
    UPCOMING = "upcoming", _("未到期")
    DUE = "due", _("应种")
    OVERDUE = "overdue", _("逾期未种")


class Route(models.TextChoices):
    """接种途径 (预防接种工作规范): how the vaccine was given."""

    INTRAMUSCULAR = "im", _("肌内注射")
    SUBCUTANEOUS = "sc", _("皮下注射")
    INTRADERMAL = "id", _("皮内注射")
    ORAL = "oral", _("口服")


class InjectionSite(models.TextChoices):
    """接种部位: where an injection was given (none for an oral vaccine)."""

    LEFT_ARM = "left_arm", _("左上臂")
    RIGHT_ARM = "right_arm", _("右上臂")
    LEFT_THIGH = "left_thigh", _("左大腿前外侧")
    RIGHT_THIGH = "right_thigh", _("右大腿前外侧")


# The route each vaccine of the national schedule is given by (2021 edition's notes),
# the form's default when the nurse leaves it blank.
DEFAULT_ROUTE = {
    "HepB": Route.INTRAMUSCULAR,
    "BCG": Route.INTRADERMAL,
    "IPV": Route.INTRAMUSCULAR,
    "bOPV": Route.ORAL,
    "DTaP": Route.INTRAMUSCULAR,
    "DT": Route.INTRAMUSCULAR,
    "MMR": Route.SUBCUTANEOUS,
    "JE-L": Route.SUBCUTANEOUS,
    "JE-I": Route.INTRAMUSCULAR,
    "MPSV-A": Route.SUBCUTANEOUS,
    "MPSV-AC": Route.SUBCUTANEOUS,
    "HepA-L": Route.SUBCUTANEOUS,
    "HepA-I": Route.INTRAMUSCULAR,
}
