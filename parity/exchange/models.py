"""Partner regions, their keys, the outbox and inbox of signed messages, and 协查.

Personal data inside a message (an ID number, a name) is kept sealed at rest
(``parity.core.crypto``) on both sides: ``payload`` holds ``crypto.encrypt(json)``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parity.core import crypto
from parity.core.models import RestrictedQuerySet, area_code_index
from parity.exchange.choices import (
    Direction,
    InboxStatus,
    MessageType,
    OutboxStatus,
    RequestStatus,
    Urgency,
)


class Partner(models.Model):
    """Another Parity instance (a city or a county) this one exchanges with, answering for
    every area code that starts with ``code``."""

    code = models.CharField(_("地区代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    url = models.URLField(_("接收地址"), max_length=300)
    active = models.BooleanField(_("启用"), default=True)
    # The queue's health: set by the delivery worker.
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    # One delivery run per partner at a time (a lease, so no transaction spans the HTTP
    # call), and at most one delivery task waiting in the queue.
    lease_until = models.DateTimeField(_("发送租约到期"), null=True, blank=True)
    wake_queued = models.BooleanField(_("已排队发送"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作地区")
        verbose_name_plural = _("合作地区")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class PartnerKey(models.Model):
    """A partner's Ed25519 public key. Several may be current at once, so that a partner
    rotating its key loses no message signed with the old one; a retired key verifies
    nothing."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作地区"), on_delete=models.CASCADE, related_name="keys"
    )
    kid = models.CharField(_("密钥标识"), max_length=64)
    jwk = models.JSONField(_("公钥"))
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合作地区公钥")
        verbose_name_plural = _("合作地区公钥")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kid"], name="%(app_label)s_%(class)s_unique_kid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner.code}:{self.kid}"


class OwnKey(models.Model):
    """Our own signing key after a rotation (``parity exchange key new`` / ``activate``).
    The 32-byte Ed25519 seed is sealed at rest. A staged key (``activated_at`` empty) is
    published to partners but signs nothing yet; the newest active key signs everything;
    without any active row the configured ``PARITY_EXCHANGE_KEY`` signs. Rows belong to
    the region ``code`` they sign for."""

    code = models.CharField(_("本方地区代码"), max_length=6)
    kid = models.CharField(_("密钥标识"), max_length=64)
    seed = models.TextField(_("私钥(加密)"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("本方签名密钥")
        verbose_name_plural = _("本方签名密钥")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "kid"], name="%(app_label)s_%(class)s_unique_kid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}:{self.kid}"


class Sealed(models.Model):
    """A message body sealed at rest."""

    payload = models.TextField(_("内容(加密)"))

    class Meta:
        abstract = True

    def set_body(self, body: dict[str, Any]) -> None:
        self.payload = crypto.encrypt(json.dumps(body, ensure_ascii=False, sort_keys=True))

    def body(self) -> dict[str, Any]:
        return json.loads(crypto.decrypt(self.payload))


class OutboxMessageQuerySet(RestrictedQuerySet):
    def pending(self) -> OutboxMessageQuerySet:
        return self.filter(status=OutboxStatus.PENDING)


class OutboxMessage(Sealed):
    """A message to a partner, written in the same transaction as the change it tells
    of, delivered by the worker until the partner acknowledges it. ``subject`` is an
    opaque key of the person (our blind index) and ``seq`` its number among the
    messages about that person to that partner: the partner applies them in that order."""

    id = models.UUIDField(_("消息编号"), primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(
        Partner, verbose_name=_("合作地区"), on_delete=models.PROTECT, related_name="outbox"
    )
    type = models.CharField(_("类型"), max_length=24, choices=MessageType.choices)
    subject = models.CharField(_("对象标识"), max_length=64)
    seq = models.PositiveIntegerField(_("序号"))
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    event_on = models.DateField(_("事项日期"))
    due_on = models.DateField(_("应通报日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱消息")
        ordering = ["created_at", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "subject", "seq"], name="%(app_label)s_%(class)s_unique_seq"
            )
        ]
        indexes = [
            models.Index(fields=["partner", "status", "created_at"], name="exchange_outbox_queue"),
            models.Index(fields=["subject"], name="exchange_outbox_subject"),
            area_code_index("exchange_outbox_area"),
        ]

    def __str__(self) -> str:
        return f"{self.type} → {self.partner_id} #{self.id}"


class InboxMessage(Sealed):
    """A message received from a partner: stored once per (sender, message id), applied
    once, in the sender's per-person order (held until its predecessor is applied)."""

    sender = models.ForeignKey(
        Partner, verbose_name=_("发送方"), on_delete=models.PROTECT, related_name="inbox"
    )
    message_id = models.UUIDField(_("消息编号"))
    type = models.CharField(_("类型"), max_length=24, choices=MessageType.choices)
    subject = models.CharField(_("对象标识"), max_length=64)
    seq = models.PositiveIntegerField(_("序号"))
    digest = models.CharField(_("内容摘要"), max_length=64)
    # Our blind index of the person's ID number: finds the message when the person is
    # registered here after it arrived.
    id_hash = models.CharField(_("身份证号码索引"), max_length=64, blank=True, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area_code = models.CharField(_("区划代码"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=InboxStatus.choices)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("收件箱消息")
        verbose_name_plural = _("收件箱消息")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "message_id"], name="%(app_label)s_%(class)s_unique_message"
            ),
            models.UniqueConstraint(
                fields=["sender", "subject", "seq"], name="%(app_label)s_%(class)s_unique_seq"
            ),
        ]
        indexes = [area_code_index("exchange_inbox_area")]

    def __str__(self) -> str:
        return f"{self.type} ← {self.sender_id} #{self.message_id}"


class VerificationRequestQuerySet(RestrictedQuerySet):
    def incoming(self) -> VerificationRequestQuerySet:
        return self.filter(direction=Direction.INCOMING)

    def outgoing(self) -> VerificationRequestQuerySet:
        return self.filter(direction=Direction.OUTGOING)

    def open(self) -> VerificationRequestQuerySet:
        return self.exclude(status__in=[RequestStatus.ANSWERED, RequestStatus.REJECTED])

    def overdue_on(self, today) -> VerificationRequestQuerySet:
        return self.open().filter(due_on__lt=today)


class VerificationRequest(Sealed):
    """A 协查: a question about a person one side asks the other, with its deadline. Both
    sides keep a row under the same ``request_id``: ours is ``direction`` out when we ask,
    in when we answer. ``payload`` holds the person's identity as the asker sent it."""

    request_id = models.UUIDField(_("协查编号"), default=uuid.uuid4)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("合作地区"), on_delete=models.PROTECT, related_name="requests"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    question = models.CharField(_("协查事项"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_on = models.DateField(_("发出日期"))
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    due_on = models.DateField(_("反馈期限"), null=True, blank=True)
    cycle = models.DateField(_("统计月份"), null=True, blank=True)
    answered_on = models.DateField(_("反馈日期"), null=True, blank=True)
    facts = models.TextField(_("核查事实"), blank=True)
    checked_by = models.CharField(_("核查人"), max_length=100, blank=True)
    reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = VerificationRequestQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("协查")
        verbose_name_plural = _("协查")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "request_id", "direction"],
                name="%(app_label)s_%(class)s_unique_request",
            )
        ]
        indexes = [
            models.Index(fields=["direction", "status", "due_on"], name="exchange_request_queue"),
            area_code_index("exchange_request_area"),
        ]

    def __str__(self) -> str:
        return f"协查 {self.request_id}"

    @property
    def on_time(self) -> bool | None:
        if self.answered_on is None or self.due_on is None:
            return None
        return self.answered_on <= self.due_on
