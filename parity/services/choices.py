from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FAMILY_PLANNING = "family_planning", _("计划生育")
    HEALTH = "health", _("医疗卫生")
    EDUCATION = "education", _("教育")
    EMPLOYMENT = "employment", _("就业")
    SOCIAL_SECURITY = "social_security", _("社会保障")
    HOUSING = "housing", _("住房")
    LEGAL_AID = "legal_aid", _("法律援助")
    RESIDENCE_PERMIT = "residence_permit", _("居住证")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("已完成")
    REFERRED = "referred", _("已转诊/转介")
    REFUSED = "refused", _("本人拒绝")
    NOT_FOUND = "not_found", _("未找到本人")
    OTHER = "other", _("其他")


# Outcomes that count as the service having been delivered.
DELIVERED_OUTCOMES = (Outcome.COMPLETED, Outcome.REFERRED)


class StaffRole(models.TextChoices):
    HEALTH_SUPERVISION_ASSISTANT = "health_supervision_assistant", _("卫生监督协管员")
    DOCTOR = "doctor", _("医生")
    NURSE = "nurse", _("护士")
    VACCINATOR = "vaccinator", _("接种人员")
    FAMILY_PLANNING_WORKER = "family_planning_worker", _("计生专干")
    OTHER = "other", _("其他")


class DetailType(models.TextChoices):
    TEXT = "text", _("文本")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    BOOLEAN = "boolean", _("是/否")


class VisitOutcome(models.TextChoices):
    MET = "met", _("见到本人")
    FAMILY = "family", _("见到家人")
    NOT_HOME = "not_home", _("无人在家")
    MOVED_AWAY = "moved_away", _("已搬离")
    REFUSED = "refused", _("拒绝访问")
    OTHER = "other", _("其他")
