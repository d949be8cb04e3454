"""Audit events in words: what each ``AuditEvent.action`` and ``object_type`` means, for
the audit log page and its filters (the stored codes stay as they are)."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, object] = {
    "antenatal_visit.record": _("记录产前检查"),
    "api_token.create": _("创建接口令牌"),
    "api_token.reset": _("重置接口令牌"),
    "area.admin_change": _("后台修改区划"),
    "area.load": _("导入区划"),
    "catalog.load": _("导入服务目录"),
    "child_check.record": _("记录儿童健康检查"),
    "demo.generate": _("生成演示数据"),
    "demo.seed": _("生成示例人员"),
    "department.register": _("登记服务机构"),
    "dwelling.register": _("登记房屋"),
    "dwelling.update": _("修改房屋"),
    "employment.record": _("登记就业"),
    "export.download": _("下载导出文件"),
    "export.queued": _("排队导出"),
    "household.add_member": _("添加家庭成员"),
    "household.create": _("建立家庭户"),
    "household.remove_member": _("移出家庭成员"),
    "immunization.campaign_create": _("创建强化免疫活动"),
    "immunization.campaign_draw_targets": _("生成强化免疫应种名单"),
    "immunization.refresh": _("重算待种剂次"),
    "immunization.schedule_load": _("导入免疫程序"),
    "immunization.vaccination_record": _("记录预防接种"),
    "indicator.define": _("定义指标"),
    "indicator.set_active": _("启用或停用指标"),
    "indicators.refresh": _("重新计算指标"),
    "indicators.refresh_requested": _("请求重新计算指标"),
    "keygroup.save": _("保存重点对象分组"),
    "marriage_certificate.check": _("查验婚育证明"),
    "marriage_certificate.record": _("登记婚育证明"),
    "people.import": _("导入人员"),
    "people.import_chunk": _("导入人员(分批)"),
    "people.import_refused": _("拒绝导入人员"),
    "person.id_conflict": _("身份证号冲突"),
    "person.id_normalise": _("规范身份证号"),
    "person.register": _("登记人员"),
    "person.reveal": _("查看完整证件号或电话"),
    "person.reveal_refused": _("拒绝查看完整证件号或电话"),
    "person.update": _("修改人员"),
    "postpartum_visit.record": _("记录产后访视"),
    "pregnancy.deliver": _("登记分娩"),
    "pregnancy.end": _("结束妊娠"),
    "pregnancy.register": _("登记孕情"),
    "residence.close": _("登记离开"),
    "residence.move": _("登记迁居"),
    "residence_permit.apply": _("申请居住证"),
    "residence_permit.endorse": _("居住证签注"),
    "residence_permit.issue": _("发放居住证"),
    "security.2fa_enrolled": _("启用两步验证"),
    "security.lockout": _("登录锁定"),
    "service.import": _("导入服务记录"),
    "service.record": _("记录服务"),
    "servicetype.admin_add": _("后台新增服务项目"),
    "servicetype.admin_change": _("后台修改服务项目"),
    "staff.register": _("登记服务人员"),
    "target.delete": _("删除考核目标"),
    "target.import": _("导入考核目标"),
    "target.set": _("设定考核目标"),
    "transfer.accept": _("接收迁入申请"),
    "transfer.request": _("提出迁入申请"),
    "visit.record": _("记录入户走访"),
}
ADMIN_VERBS = {
    "admin_add": _("后台新增"),
    "admin_change": _("后台修改"),
    "admin_delete": _("后台删除"),
}


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    """The action in words; an admin change of any model by its name; else the code."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    noun, _dot, verb = action.partition(".")
    if verb in ADMIN_VERBS:
        for model in apps.get_models():
            if model._meta.model_name == noun:
                return f"{ADMIN_VERBS[verb]}{model._meta.verbose_name}"
    return action


def object_label(object_type: str) -> str:
    """The kind of object in words (the model's name), else the code."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[1])


def object_choices() -> list[tuple[str, str]]:
    found = {
        model._meta.label_lower: str(model._meta.verbose_name)
        for model in apps.get_models()
        if model._meta.app_label in {c.label for c in apps.get_app_configs()}
        and model.__module__.startswith("parity.")
    }
    return sorted(found.items(), key=lambda c: c[1])
