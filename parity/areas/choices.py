from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    CITY = 1, _("市")
    DISTRICT = 2, _("区/县/旗")
    STREET = 3, _("街道/乡镇")
    COMMUNITY = 4, _("社区/村")
    GRID = 5, _("网格")
