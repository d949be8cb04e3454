"""Writes of the exchange: partners and keys, messages queued in the outbox (inside the
transaction of the change they tell of), messages received and applied once, and the
协查 a community officer sends, accepts, rejects or answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.core.actions import ensure_can
from parity.core.models import audit
from parity.exchange import rules, schemas, signing
from parity.exchange.choices import (
    Direction,
    InboxStatus,
    MessageType,
    OutboxStatus,
    RequestStatus,
    Urgency,
)
from parity.exchange.error_codes import ExchangeError
from parity.exchange.models import (
    InboxMessage,
    OutboxMessage,
    OwnKey,
    Partner,
    PartnerKey,
    VerificationRequest,
)

logger = logging.getLogger(__name__)


# --- partners -------------------------------------------------------------------------------


def can_manage_partners(user) -> bool:
    """Partners answer for the whole city: only a city-wide administrator registers them."""
    # deferred: another app's module, needed on this path only
    from parity.accounts.permissions import DEFINE, city_wide

    return city_wide(user, DEFINE)


def _ensure_admin(acting_user) -> None:
    if acting_user is not None and not can_manage_partners(acting_user):
        raise PermissionDenied(_("只有管理员可以登记合作地区"))


@transaction.atomic
def partner_add(*, acting_user, code: str, url: str, key: str, name: str = "") -> Partner:
    """Register a partner instance with its public key (an administrator's act; the
    console command passes ``acting_user=None``). Registering a known code again updates
    its address and adds the key (a rotation)."""
    _ensure_admin(acting_user)
    errors: dict[str, ValidationError] = {}
    try:
        code = rules.clean_partner_code(code)
    except ValidationError as exc:
        errors["code"] = exc
    try:
        url = rules.clean_partner_url(url)
    except ValidationError as exc:
        errors["url"] = exc
    try:
        jwk = rules.clean_public_key(key)
    except ValidationError as exc:
        errors["key"] = exc
    if errors:
        raise ValidationError(errors)
    partner, created = Partner.objects.update_or_create(
        code=code, defaults={"url": url, "name": name.strip()[:100], "active": True}
    )
    partner_key_add(acting_user=acting_user, partner=partner, jwk=jwk)
    audit(
        acting_user=acting_user,
        action="exchange.partner_add" if created else "exchange.partner_update",
        obj=partner,
        after={"code": code, "url": url},
    )
    return partner


@transaction.atomic
def partner_update(
    *, acting_user, partner: Partner, url: str, name: str = "", active: bool = True, key: str = ""
) -> Partner:
    """Change a partner's address, name or state; a key given is added beside the current
    ones (the partner rotated its key: both verify until the old one is retired). The
    code is the partner's identity and is not changed."""
    _ensure_admin(acting_user)
    errors: dict[str, ValidationError] = {}
    try:
        url = rules.clean_partner_url(url)
    except ValidationError as exc:
        errors["url"] = exc
    jwk = None
    if (key or "").strip():
        try:
            jwk = rules.clean_public_key(key)
        except ValidationError as exc:
            errors["key"] = exc
    if errors:
        raise ValidationError(errors)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = {"url": partner.url, "name": partner.name, "active": partner.active}
    partner.url, partner.name, partner.active = url, name.strip()[:100], active
    partner.save(update_fields=["url", "name", "active"])
    after = {"url": url, "name": partner.name, "active": active}
    if jwk is not None:
        after["kid"] = partner_key_add(acting_user=acting_user, partner=partner, jwk=jwk).kid
    audit(
        acting_user=acting_user,
        action="exchange.partner_update",
        obj=partner,
        before=before,
        after=after,
    )
    return partner


def partner_key_add(*, acting_user, partner: Partner, jwk: dict) -> PartnerKey:
    _ensure_admin(acting_user)
    kid = signing.thumbprint(jwk)
    row, _created = PartnerKey.objects.get_or_create(
        partner=partner, kid=kid, defaults={"jwk": jwk}
    )
    if row.retired_at is not None:
        row.retired_at = None
        row.save(update_fields=["retired_at"])
    return row


@transaction.atomic
def partner_key_retire(*, acting_user, partner: Partner, kid: str) -> int:
    """Stop accepting a partner's old key (after its rotation has settled)."""
    _ensure_admin(acting_user)
    count = PartnerKey.objects.filter(partner=partner, kid=kid, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    audit(acting_user=acting_user, action="exchange.key_retire", obj=partner, note=kid[:64])
    return count


# --- our own key ---------------------------------------------------------------------------


@transaction.atomic
def own_key_new(*, acting_user) -> OwnKey:
    """Stage a new signing key of ours: give its public key (``public_jwk``) to every
    partner's administrator; it signs nothing until ``own_key_activate``. A key already
    staged is returned again, not replaced (its public key may be out already)."""
    # deferred: needed on this path only
    import base64
    import secrets

    # deferred: another app's module, needed on this path only
    from parity.core import crypto

    _ensure_admin(acting_user)
    staged = OwnKey.objects.filter(
        code=signing.own_code(), activated_at__isnull=True, retired_at__isnull=True
    ).first()
    if staged is not None:
        return staged
    seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    row = OwnKey(code=signing.own_code(), kid=signing.key_from_seed(seed).thumbprint(), seed="")
    row.seed = crypto.encrypt(seed)
    row.save()
    audit(acting_user=acting_user, action="exchange.own_key_new", obj=row, note=row.kid)
    return row


@transaction.atomic
def own_key_activate(*, acting_user) -> OwnKey:
    """Sign with the staged key from now on; the key that signed until now signs nothing
    more (tokens already signed with it verify at a partner until the partner retires
    it there)."""
    _ensure_admin(acting_user)
    code = signing.own_code()
    staged = (
        OwnKey.objects.select_for_update()
        .filter(code=code, activated_at__isnull=True, retired_at__isnull=True)
        .first()
    )
    if staged is None:
        raise ValidationError(
            _("没有待启用的新密钥:请先生成新密钥并交给各合作地区登记"),
            code=ExchangeError.PARTNER_KEY,
        )
    previous = signing.own_key().thumbprint()
    now = timezone.now()
    OwnKey.objects.filter(code=code, activated_at__isnull=False, retired_at__isnull=True).update(
        retired_at=now
    )
    staged.activated_at = now
    staged.save(update_fields=["activated_at"])
    audit(
        acting_user=acting_user,
        action="exchange.own_key_activate",
        obj=staged,
        before={"kid": previous},
        after={"kid": staged.kid},
    )
    return staged


def own_key_public(row: OwnKey) -> dict[str, str]:
    # deferred: another app's module, needed on this path only
    from parity.core import crypto

    return signing.public_jwk(signing.key_from_seed(crypto.decrypt(row.seed)))


def partner_for(code: str) -> Partner | None:
    """The active partner answering for the region ``code`` (the longest matching code);
    none for our own region."""
    if not code or code.startswith(signing.own_code()):
        return None
    candidates = [code[:n] for n in (6, 4, 2) if len(code) >= n]
    partners = {p.code: p for p in Partner.objects.filter(code__in=candidates, active=True)}
    for candidate in candidates:
        if candidate in partners:
            return partners[candidate]
    return None


# --- outbox ---------------------------------------------------------------------------------


def _next_seq(partner: Partner, subject: str) -> int:
    top = OutboxMessage.objects.filter(partner=partner, subject=subject).aggregate(m=Max("seq"))
    return (top["m"] or 0) + 1


def message_queue(
    *,
    partner: Partner,
    type: str,
    subject: str,
    body: dict[str, Any],
    area_code: str,
    event_on: dt.date,
    person=None,
) -> OutboxMessage:
    """Write a message to the outbox, in the caller's transaction, and wake the delivery
    worker once that transaction commits."""
    claims: dict[str, Any] = {"id": str(uuid.uuid4()), "type": str(type), "aud": partner.code}
    claims.update({"iss": signing.own_code(), "iat": 0, "subject": subject, "seq": 1})
    problems = schemas.errors({**claims, "body": body})
    if problems:
        raise ValueError(f"exchange message {type} breaks its schema: {problems[0]}")
    message = OutboxMessage(
        id=claims["id"],
        partner=partner,
        type=type,
        subject=subject,
        seq=_next_seq(partner, subject),
        person=person,
        area_code=area_code,
        event_on=event_on,
        due_on=rules.notice_due_on(event_on, our_code=area_code, partner_code=partner.code),
    )
    message.set_body(body)
    message.save()
    transaction.on_commit(lambda: wake(partner.pk))
    return message


def wake(partner_id: int) -> None:
    """Enqueue the delivery task for a partner, unless one is already waiting."""
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.tasks import exchange_deliver

    if Partner.objects.filter(pk=partner_id, wake_queued=False).update(wake_queued=True):
        try:
            exchange_deliver.enqueue(partner_id)
        except Exception:  # the queue down must not fail the change; send-pending catches up
            Partner.objects.filter(pk=partner_id).update(wake_queued=False)
            logger.exception("exchange wake failed", extra={"partner": partner_id})


# --- inbox ----------------------------------------------------------------------------------


def digest_of(claims: dict[str, Any]) -> str:
    """The message's content without its signing time: a redelivery has the same digest."""
    content = {k: claims[k] for k in ("id", "type", "subject", "seq", "body")}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def refusal_audit(refused: signing.Refused) -> None:
    """A refused message leaves a row in the audit log, nothing else."""
    audit(
        acting_user=None,
        action="exchange.refused",
        object_type="exchange.message",
        object_id=refused.sender_code[:64],
        note=f"{refused.code} {refused.detail}"[:255],
    )
    logger.warning(
        "exchange message refused", extra={"code": refused.code, "sender": refused.sender_code}
    )


def inbox_receive(token: str) -> dict[str, str]:
    """Verify, store and (in order) apply one message; returns its receipt. A message seen
    before (same sender, id and content) is acknowledged again and not applied again; the
    same id with other content is refused. Refusals are audited and nothing is stored."""
    try:
        verified = signing.verify(token)
        claims = verified.claims
        problems = schemas.errors(claims)
        if problems:
            raise signing.Refused(ExchangeError.SCHEMA, problems[0][:120], verified.partner.code)
        return _store(verified.partner, claims)
    except signing.Refused as refused:
        refusal_audit(refused)
        result = {"status": "refused", "code": refused.code}
        if isinstance(token, str) and token.count(".") == 2:
            message_id = _unverified_id(token)
            if message_id:
                result["id"] = message_id
        return result


def _unverified_id(token: str) -> str:
    # deferred: needed on this path only
    from joserfc import jws

    try:
        claims = json.loads(jws.extract_compact(token.encode()).payload)
        return str(claims.get("id", ""))[:36]
    except Exception:
        return ""


def _store(partner: Partner, claims: dict[str, Any]) -> dict[str, str]:
    digest = digest_of(claims)
    existing = InboxMessage.objects.filter(sender=partner, message_id=claims["id"]).first()
    if existing is not None:
        if existing.digest != digest:
            raise signing.Refused(ExchangeError.REUSED_ID, claims["id"], partner.code)
        return {"id": claims["id"], "status": "duplicate"}
    try:
        with transaction.atomic():
            message = InboxMessage(
                sender=partner,
                message_id=claims["id"],
                type=claims["type"],
                subject=claims["subject"],
                seq=claims["seq"],
                digest=digest,
                status=InboxStatus.HELD,
                area_code=settings.PARITY_CITY_CODE,
                id_hash=_id_hash(claims["body"]),
            )
            message.set_body(claims["body"])
            message.save()
            status = _apply_in_order(message)
    except IntegrityError:
        # Another delivery of the same message won the race, or a different message
        # claims the same place in the sender's order.
        again = InboxMessage.objects.filter(sender=partner, message_id=claims["id"]).first()
        if again is not None and again.digest == digest:
            return {"id": claims["id"], "status": "duplicate"}
        raise signing.Refused(ExchangeError.REUSED_ID, claims["id"], partner.code) from None
    return {"id": claims["id"], "status": status}


def _id_hash(body: dict) -> str:
    # deferred: another app's module, needed on this path only
    from parity.core import crypto
    from parity.people import idnumber

    number = body.get("id_number")
    return crypto.blind_index(idnumber.normalize(number)) if number else ""


def _apply_in_order(message: InboxMessage) -> str:
    if (
        message.seq > 1
        and not InboxMessage.objects.filter(
            sender=message.sender_id,
            subject=message.subject,
            seq=message.seq - 1,
            status=InboxStatus.APPLIED,
        ).exists()
    ):
        return InboxStatus.HELD
    current: InboxMessage | None = message
    while current is not None:
        _apply(current)
        current = InboxMessage.objects.filter(
            sender=current.sender_id,
            subject=current.subject,
            seq=current.seq + 1,
            status=InboxStatus.HELD,
        ).first()
    return InboxStatus.APPLIED


def _person_by_id(number: str):
    # deferred: another app's module, needed on this path only
    from parity.people.models import Person

    return Person.objects.by_id_number(number).first()


def _apply(message: InboxMessage) -> None:
    body = message.body()
    person = _person_by_id(body["id_number"]) if "id_number" in body else None
    if person is not None:
        message.person = person
        message.area_code = person.area_code
    handler = APPLY.get(message.type)
    if handler is not None:
        message.note = handler(message, body, person)[:200]
    message.status = InboxStatus.APPLIED
    message.applied_at = timezone.now()
    message.save(update_fields=["person", "area_code", "note", "status", "applied_at"])


def _apply_request(message: InboxMessage, body: dict, person) -> str:
    received_on = timezone.localdate()
    request = VerificationRequest(
        request_id=body["request_id"],
        direction=Direction.INCOMING,
        partner=message.sender,
        person=person,
        person_name=body["name"],
        urgency=body["urgency"],
        question=body["question"],
        status=RequestStatus.RECEIVED,
        requested_on=dt.date.fromisoformat(body["requested_on"]),
        received_on=received_on,
        due_on=rules.request_due_on(received_on, body["urgency"]),
        cycle=rules.cycle_month(received_on),
        area_code=person.area_code if person else settings.PARITY_CITY_CODE,
    )
    request.set_body({"id_number": body["id_number"], "name": body["name"]})
    request.save()
    return "" if person else _("本地未找到该人员")


def _outgoing(message: InboxMessage, body: dict) -> VerificationRequest | None:
    return (
        VerificationRequest.objects.select_for_update()
        .filter(partner=message.sender, request_id=body["request_id"], direction=Direction.OUTGOING)
        .first()
    )


def _apply_status(message: InboxMessage, body: dict, person) -> str:
    request = _outgoing(message, body)
    if request is None:
        return _("未找到对应的协查")
    request.status = body["status"]
    request.reason = body.get("reason", "")
    if body["status"] == RequestStatus.REJECTED:
        request.answered_on = None
    request.save(update_fields=["status", "reason", "answered_on", "updated_at"])
    return ""


def _apply_feedback(message: InboxMessage, body: dict, person) -> str:
    request = _outgoing(message, body)
    if request is None:
        return _("未找到对应的协查")
    request.status = RequestStatus.ANSWERED
    request.facts = body["facts"]
    request.checked_by = body["checked_by"]
    request.answered_on = dt.date.fromisoformat(body["answered_on"])
    request.received_on = dt.date.fromisoformat(body["received_on"])
    request.due_on = rules.request_due_on(request.received_on, request.urgency)
    request.cycle = rules.cycle_month(request.received_on)
    request.save(
        update_fields=[
            "status",
            "facts",
            "checked_by",
            "answered_on",
            "received_on",
            "due_on",
            "cycle",
            "updated_at",
        ]
    )
    return ""


def _outflow_destination(message: InboxMessage, person, code: str, on: dt.date) -> str:
    """The origin's side of an arrival (or onward departure) notice about one of its own
    people: an outflow person gets the place they live now recorded (流向地, and since when
    if unknown). A person still recorded as living here is not changed by a message: the
    note asks the officer to check (the notices feed on the person's page shows it)."""
    # deferred: another app's module, needed on this path only
    from parity.people.choices import Status

    if person is None:
        return _("本地未找到该人员")
    code = (code or "")[:6].ljust(6, "0")
    if code == "000000" or code.startswith(settings.PARITY_CITY_CODE):
        return ""
    if person.status != Status.OUTFLOW:
        if person.status == Status.REGISTERED:
            return _("本地登记为户籍常住人口,对方通报其已在 %(code)s 居住,请核实是否流出") % {
                "code": code
            }
        return ""
    # deferred: another app's module, needed on this path only
    from parity.people.models import Person

    person = Person.objects.select_for_update().get(pk=person.pk)
    before = {"outflow_region_code": person.outflow_region_code}
    if person.outflow_since:
        before["outflow_since"] = person.outflow_since.isoformat()
    if person.outflow_region_code == code and person.outflow_since is not None:
        return ""
    person.outflow_region_code = code
    if person.outflow_since is None:
        person.outflow_since = on
    person.save(update_fields=["outflow_region_code", "outflow_since", "updated_at"])
    audit(
        acting_user=None,
        action="exchange.outflow_destination",
        obj=person,
        area_code=person.area_code,
        before=before,
        after={
            "outflow_region_code": code,
            "outflow_since": person.outflow_since.isoformat(),
        },
        note=f"{message.sender.code} {message.message_id}"[:255],
    )
    return _("已记录流向地 %(code)s") % {"code": code}


def _apply_arrival(message: InboxMessage, body: dict, person) -> str:
    return _outflow_destination(
        message, person, body["area_code"], dt.date.fromisoformat(body["arrived_on"])
    )


def _apply_departure(message: InboxMessage, body: dict, person) -> str:
    return _outflow_destination(
        message, person, body["destination_code"], dt.date.fromisoformat(body["departed_on"])
    )


def _apply_vaccinations(message: InboxMessage, body: dict, person) -> str:
    if person is None:
        return _("本地尚未登记该儿童,登记后补录")
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.hooks import import_doses

    added = import_doses(person, body["doses"])
    return _("补录接种 %(n)d 剂") % {"n": added}


APPLY: dict[str, Any] = {
    MessageType.ARRIVAL: _apply_arrival,
    MessageType.DEPARTURE: _apply_departure,
    MessageType.REQUEST: _apply_request,
    MessageType.REQUEST_STATUS: _apply_status,
    MessageType.FEEDBACK: _apply_feedback,
    MessageType.VACCINATIONS: _apply_vaccinations,
}


# --- 协查 -----------------------------------------------------------------------------------


@transaction.atomic
def request_send(
    *, acting_user, person, question: str, urgency: str, on: dt.date | None = None
) -> VerificationRequest:
    """Ask the person's place of household registration to verify something."""
    ensure_can(acting_user, "change", person.area_code)
    question = (question or "").strip()
    if not question:
        raise ValidationError(
            {"question": ValidationError(_("请填写协查事项"), code=ExchangeError.FACTS_REQUIRED)}
        )
    if urgency not in Urgency.values:
        raise ValidationError(
            {"urgency": ValidationError(_("紧急程度无效"), code="invalid_choice")}
        )
    partner = partner_for(person.hukou_code)
    if partner is None:
        raise ValidationError(
            {
                "person": ValidationError(
                    _("该人员户籍地(%(code)s)尚未登记为合作地区") % {"code": person.hukou_code},
                    code=ExchangeError.NO_PARTNER,
                )
            }
        )
    on = on or timezone.localdate()
    request = VerificationRequest(
        direction=Direction.OUTGOING,
        partner=partner,
        person=person,
        person_name=person.name,
        urgency=urgency,
        question=question[:500],
        requested_on=on,
        area_code=person.area_code,
    )
    request.set_body({"id_number": person.id_number, "name": person.name})
    request.save()
    message_queue(
        partner=partner,
        type=MessageType.REQUEST,
        subject=f"req:{request.request_id}",
        body={
            "request_id": str(request.request_id),
            "id_number": person.id_number,
            "name": person.name,
            "urgency": urgency,
            "question": request.question,
            "requested_on": on.isoformat(),
        },
        area_code=person.area_code,
        event_on=on,
        person=person,
    )
    audit(
        acting_user=acting_user,
        action="exchange.request_send",
        obj=request,
        area_code=request.area_code,
        after={"urgency": urgency},
    )
    return request


def _incoming_for_update(acting_user, request: VerificationRequest) -> VerificationRequest:
    ensure_can(acting_user, "change", request.area_code)
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if request.direction != Direction.INCOMING:
        raise ValidationError(_("只能办理收到的协查"), code=ExchangeError.REQUEST_STATE)
    return request


def _reply(request: VerificationRequest, type: str, body: dict, on: dt.date) -> None:
    message_queue(
        partner=request.partner,
        type=type,
        subject=f"req:{request.request_id}",
        body={"request_id": str(request.request_id), **body},
        area_code=request.area_code,
        event_on=on,
        person=request.person,
    )


@transaction.atomic
def request_accept(*, acting_user, request: VerificationRequest) -> VerificationRequest:
    request = _incoming_for_update(acting_user, request)
    if request.status != RequestStatus.RECEIVED:
        raise ValidationError(_("该协查已受理或办结"), code=ExchangeError.REQUEST_STATE)
    on = timezone.localdate()
    request.status = RequestStatus.ACCEPTED
    request.save(update_fields=["status", "updated_at"])
    _reply(
        request,
        MessageType.REQUEST_STATUS,
        {"status": "accepted", "reason": "", "on": on.isoformat()},
        on,
    )
    audit(
        acting_user=acting_user,
        action="exchange.request_accept",
        obj=request,
        area_code=request.area_code,
    )
    return request


@transaction.atomic
def request_reject(
    *, acting_user, request: VerificationRequest, reason: str
) -> VerificationRequest:
    request = _incoming_for_update(acting_user, request)
    reason = rules.clean_reason(reason)
    if request.status not in (RequestStatus.RECEIVED, RequestStatus.ACCEPTED):
        raise ValidationError(_("该协查已办结"), code=ExchangeError.REQUEST_STATE)
    on = timezone.localdate()
    request.status = RequestStatus.REJECTED
    request.reason = reason
    request.save(update_fields=["status", "reason", "updated_at"])
    _reply(
        request,
        MessageType.REQUEST_STATUS,
        {"status": "rejected", "reason": reason, "on": on.isoformat()},
        on,
    )
    audit(
        acting_user=acting_user,
        action="exchange.request_reject",
        obj=request,
        area_code=request.area_code,
        after={"reason": reason},
    )
    return request


@transaction.atomic
def request_answer(
    *,
    acting_user,
    request: VerificationRequest,
    facts: str,
    checked_by: str,
    on: dt.date | None = None,
) -> VerificationRequest:
    """Answer a 协查 with the facts checked and who checked them; on time when ``on`` is
    not after its deadline."""
    request = _incoming_for_update(acting_user, request)
    facts, checked_by = rules.clean_answer(facts=facts, checked_by=checked_by)
    if request.status not in (RequestStatus.RECEIVED, RequestStatus.ACCEPTED):
        raise ValidationError(_("该协查已办结"), code=ExchangeError.REQUEST_STATE)
    on = on or timezone.localdate()
    request.status = RequestStatus.ANSWERED
    request.facts, request.checked_by, request.answered_on = facts, checked_by, on
    request.save(update_fields=["status", "facts", "checked_by", "answered_on", "updated_at"])
    _reply(
        request,
        MessageType.FEEDBACK,
        {
            "facts": facts,
            "checked_by": checked_by,
            "answered_on": on.isoformat(),
            "received_on": (request.received_on or on).isoformat(),
        },
        on,
    )
    audit(
        acting_user=acting_user,
        action="exchange.request_answer",
        obj=request,
        area_code=request.area_code,
        after={"on_time": request.on_time},
    )
    return request


def outbox_mark(message_ids: list[str], **fields: Any) -> int:
    return OutboxMessage.objects.filter(pk__in=message_ids).update(**fields)


def attempts_bump(message_ids: list[str], error: str) -> int:
    return OutboxMessage.objects.filter(pk__in=message_ids).update(
        attempts=F("attempts") + 1, last_error=error[:300]
    )


__all__ = ["OutboxStatus"]
