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
