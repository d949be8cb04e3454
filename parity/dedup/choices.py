"""Choices of the duplicates app (Chinese labels through gettext)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairStatus(models.TextChoices):
    """A candidate pair's review state (as DHIS2's potential-duplicate statuses)."""

    OPEN = "open", _("待核查")
    NOT_DUPLICATE = "not_duplicate", _("非同一人")
    MERGED = "merged", _("已合并")


class Reason(models.TextChoices):
    """Why two people may be one: each rule of ``rules.py`` that held for the pair."""

    ID_ONE_CHAR = "id_one_char", _("身份证号码仅一位不同")
    ID_TRANSPOSED = "id_transposed", _("身份证号码相邻两位颠倒")
    ID_FIFTEEN = "id_fifteen", _("一为另一的15位旧号码")
    SAME_NAME_BIRTH_SEX = "same_name_birth_sex", _("姓名、出生日期、性别相同而身份证号码不同")
    NAME_HOMOPHONE = "name_homophone", _("姓名同音")
    NAME_ONE_CHAR = "name_one_char", _("姓名仅一字不同")
    SAME_PHONE = "same_phone", _("联系电话相同")
    SAME_ORIGIN = "same_origin", _("户籍地相同")
    SAME_GRID = "same_grid", _("居住网格相同")
    MERGED_ID = "merged_id", _("该身份证号码的人员已合并至此人")


class MergeState(models.TextChoices):
    MERGED = "merged", _("已合并")
    UNMERGED = "unmerged", _("已撤销合并")
