from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICIAL = "official", _("市/区官员")
    COMMUNITY_OFFICER = "community_officer", _("社区/街道工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    SERVICE_PROVIDER = "service_provider", _("服务提供者")
    AUDITOR = "auditor", _("审计员")


class DepartmentKind(models.TextChoices):
    HEALTH_COMMISSION = "health_commission", _("卫生健康委员会")
    HEALTH_CENTRE = "health_centre", _("社区卫生服务中心")
    HEALTH_STATION = "health_station", _("社区卫生服务站")
    TOWNSHIP_HOSPITAL = "township_hospital", _("乡镇卫生院")
    VILLAGE_CLINIC = "village_clinic", _("村卫生室")
    FAMILY_PLANNING = "family_planning", _("计划生育服务站")
    SCHOOL = "school", _("学校")
    EMPLOYMENT = "employment", _("就业服务机构")
    SOCIAL_SECURITY = "social_security", _("社会保障机构")
    PUBLIC_SECURITY = "public_security", _("公安派出所")
    STREET_OFFICE = "street_office", _("街道办事处")
    OTHER = "other", _("其他")


# Community, township and village health service sites (the report's 697 sites).
HEALTH_SITE_KINDS = (
    DepartmentKind.HEALTH_CENTRE,
    DepartmentKind.HEALTH_STATION,
    DepartmentKind.TOWNSHIP_HOSPITAL,
    DepartmentKind.VILLAGE_CLINIC,
)
