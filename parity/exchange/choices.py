"""Choices of the exchange between Parity instances (区域协作)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageType(models.TextChoices):
    ARRIVAL = "arrival", _("流入通报")
    DEPARTURE = "departure", _("流出通报")
    PREGNANCY = "pregnancy", _("怀孕通报")
    BIRTH = "birth", _("出生通报")
    CERTIFICATE_ISSUED = "certificate_issued", _("婚育证明办理通报")
    CERTIFICATE_CHECKED = "certificate_checked", _("婚育证明查验通报")
    SERVICE = "service", _("避孕节育/孕前优生服务通报")
    VACCINATIONS = "vaccinations", _("儿童预防接种史")
    REQUEST = "request", _("协查请求")
    REQUEST_STATUS = "request_status", _("协查受理情况")
    FEEDBACK = "feedback", _("协查反馈")


# Notices: what counts in 通报率 (requests and their answers are counted as 协查).
NOTICE_TYPES = (
    MessageType.ARRIVAL,
    MessageType.DEPARTURE,
    MessageType.PREGNANCY,
    MessageType.BIRTH,
    MessageType.CERTIFICATE_ISSUED,
    MessageType.CERTIFICATE_CHECKED,
    MessageType.SERVICE,
    MessageType.VACCINATIONS,
)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    ACKNOWLEDGED = "acknowledged", _("对方已确认")
    REFUSED = "refused", _("对方拒收")


class InboxStatus(models.TextChoices):
    APPLIED = "applied", _("已处理")
    HELD = "held", _("等待前序消息")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急(现孕)")
    NORMAL = "normal", _("急")
    CERTIFICATE = "certificate", _("婚育证明核验")


class Direction(models.TextChoices):
    OUTGOING = "out", _("发出")
    INCOMING = "in", _("收到")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("已发出")
    RECEIVED = "received", _("已接收")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("已退回")
    ANSWERED = "answered", _("已反馈")


class DeadlineState(models.TextChoices):
    """A request's place against its deadline: the colours of the 协查 lists."""

    DONE = "done", _("已办结")
    OVERDUE = "overdue", _("已逾期")
    DUE_SOON = "due_soon", _("3天内到期")
    OPEN = "open", _("办理中")
