from django.db import models
from django.utils.translation import gettext_lazy as _


class PregnancyStatus(models.TextChoices):
    OPEN = "open", _("孕期中")
    DELIVERED = "delivered", _("已分娩")
    ENDED = "ended", _("已终止")


class EndReason(models.TextChoices):
    MISCARRIAGE = "miscarriage", _("自然流产")
    TERMINATION = "termination", _("人工终止妊娠")
    ECTOPIC = "ectopic", _("异位妊娠")
    OTHER = "other", _("其他")


class DeliveryPlace(models.TextChoices):
    HOSPITAL = "hospital", _("医院")
    HOME = "home", _("家中")
    OTHER = "other", _("其他")


class BirthOutcome(models.TextChoices):
    LIVE_BIRTH = "live_birth", _("活产")
    STILLBIRTH = "stillbirth", _("死胎/死产")
    MULTIPLE_LIVE = "multiple_live", _("多胎活产")
    NEONATAL_DEATH = "neonatal_death", _("活产后新生儿死亡")


class AntenatalPoint(models.TextChoices):
    """The five antenatal visits of the national basic public health specification."""

    FIRST = "first", _("第1次(孕13周前)")
    W16_20 = "w16_20", _("第2次(孕16–20周)")
    W21_24 = "w21_24", _("第3次(孕21–24周)")
    W28_36 = "w28_36", _("第4次(孕28–36周)")
    W37_40 = "w37_40", _("第5次(孕37–40周)")


class PostpartumKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("产后访视(出院后7天内)")
    CHECK_42D = "check_42d", _("产后42天健康检查")


class ChildCheckPoint(models.TextChoices):
    """Child health 0–6: the newborn home visit and the scheduled checks."""

    NEWBORN = "newborn", _("新生儿家庭访视")
    D28_30 = "d28_30", _("满月(28–30天)")
    M3 = "m3", _("3月龄")
    M6 = "m6", _("6月龄")
    M8 = "m8", _("8月龄")
    M12 = "m12", _("12月龄")
    M18 = "m18", _("18月龄")
    M24 = "m24", _("24月龄")
    M30 = "m30", _("30月龄")
    M36 = "m36", _("36月龄")
    Y4 = "y4", _("4岁")
    Y5 = "y5", _("5岁")
    Y6 = "y6", _("6岁")


class ScheduleState(models.TextChoices):
    DONE = "done", _("已完成")
    UPCOMING = "upcoming", _("未到期")
    DUE = "due", _("应做")
    OVERDUE = "overdue", _("逾期")
    MISSED = "missed", _("已错过")
    NOT_APPLICABLE = "n_a", _("不适用")
