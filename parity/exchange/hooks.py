"""Where the other apps' changes become messages: every action of theirs writes an audit
row inside its own transaction, and a ``post_save`` receiver on that row queues the
notice in the same transaction. So the outbox row commits, or rolls back, with the
change, and no other app had to be edited. A notice goes to the partner answering for
the person's place of household registration (and, on a departure, for the destination).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

from parity.exchange.choices import MessageType

logger = logging.getLogger(__name__)

FAMILY_PLANNING_SERVICES = ("contraception", "pre_pregnancy_check")
CHILD_YEARS = 7


def _who(person) -> dict[str, str]:
    return {"id_number": person.id_number, "name": person.name}


def _queue(person, partner, type_: str, body: dict, event_on) -> None:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.actions import message_queue

    message_queue(
        partner=partner,
        type=type_,
        subject=person.id_hash,
        body={**_who(person), **body},
        area_code=person.area_code,
        event_on=event_on,
        person=person,
    )


def _origin(person):
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.actions import partner_for

    return partner_for(person.hukou_code)


def on_person_register(person) -> None:
    origin = _origin(person)
    if origin is not None and person.arrived_city_on:
        _queue(
            person,
            origin,
            MessageType.ARRIVAL,
            {
                "arrived_on": person.arrived_city_on.isoformat(),
                "area_code": person.area_code[:6],
                "hukou_code": person.hukou_code,
            },
            person.arrived_city_on,
        )
    _doses_waiting(person)


def on_residence_close(residence) -> None:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.actions import partner_for

    person = residence.person
    destination = partner_for(residence.departed_to_code)
    targets = {p.pk: p for p in (_origin(person), destination) if p is not None}
    for partner in targets.values():
        _queue(
            person,
            partner,
            MessageType.DEPARTURE,
            {
                "departed_on": residence.departed_on.isoformat(),
                "destination_code": residence.departed_to_code or "00",
            },
            residence.departed_on,
        )
    if destination is not None:
        doses = vaccination_history(person)
        if doses:
            _queue(
                person,
                destination,
                MessageType.VACCINATIONS,
                {"birth_date": person.birth_date.isoformat(), "doses": doses},
                residence.departed_on,
            )


def on_pregnancy(pregnancy, type_: str) -> None:
    person = pregnancy.person
    origin = _origin(person)
    if origin is None:
        return
    if type_ == MessageType.PREGNANCY:
        body = {
            "lmp": pregnancy.lmp.isoformat(),
            "registered_on": pregnancy.registered_on.isoformat(),
        }
        on = pregnancy.registered_on
    else:
        if pregnancy.delivered_on is None:
            return
        body = {"delivered_on": pregnancy.delivered_on.isoformat()}
        on = pregnancy.delivered_on
    _queue(person, origin, type_, body, on)


def on_certificate(certificate, type_: str) -> None:
    person = certificate.person
    origin = _origin(person)
    on = (
        certificate.checked_on
        if type_ == MessageType.CERTIFICATE_CHECKED
        else certificate.issued_on
    )
    if origin is None or on is None:
        return
    body = {
        "number": certificate.number,
        "region_code": certificate.region_code,
        "on": on.isoformat(),
    }
    _queue(person, origin, type_, body, on)


def on_service(event) -> None:
    code = event.service_type.code
    if code not in FAMILY_PLANNING_SERVICES:
        return
    person = event.person
    origin = _origin(person)
    if origin is not None:
        _queue(
            person,
            origin,
            MessageType.SERVICE,
            {"service": code, "on": event.date.isoformat()},
            event.date,
        )


def vaccination_history(person) -> list[dict[str, Any]]:
    # deferred: another app's module, needed on this path only
    from parity.immunization.models import VaccinationRecord

    return [
        {"vaccine": code, "dose": dose, "date": date.isoformat()}
        for code, dose, date in VaccinationRecord.objects.filter(person=person, dose__isnull=False)
        .order_by("date", "id")
        .values_list("vaccine__code", "dose", "date")
    ]


def exchange_user():
    """The account under which doses received from a partner are recorded: it cannot log
    in (no usable password), and its records say where they came from."""
    # deferred: another app's module, needed on this path only
    from parity.accounts.choices import Role
    from parity.accounts.models import User
    from parity.areas.models import Area

    user = User.objects.filter(username="exchange").first()
    if user is None:
        user = User(username="exchange", role=Role.ADMIN, area=Area.objects.root(), is_active=True)
        user.set_unusable_password()
        user.save()
    return user


def import_doses(person, doses: list[dict[str, Any]]) -> int:
    """Record the doses a child was given elsewhere, oldest first, skipping those already
    on record and those the schedule refuses; the child's pending doses follow."""
    # deferred: needed on this path only
    import datetime as dt

    # deferred: needed on this path only
    from django.core.exceptions import ValidationError

    # deferred: another app's module, needed on this path only
    from parity.immunization.actions import vaccination_record
    from parity.immunization.models import VaccinationRecord, Vaccine

    user = exchange_user()
    vaccines = {v.code: v for v in Vaccine.objects.all()}
    added = 0
    for dose in sorted(doses, key=lambda d: d["date"]):
        vaccine = vaccines.get(dose["vaccine"])
        if vaccine is None or dose.get("dose") is None:
            continue
        if VaccinationRecord.objects.filter(
            person=person, vaccine=vaccine, dose=dose["dose"]
        ).exists():
            continue
        try:
            with transaction.atomic():
                vaccination_record(
                    acting_user=user,
                    person=person,
                    vaccine=vaccine,
                    dose=dose["dose"],
                    date=dt.date.fromisoformat(dose["date"]),
                )
            added += 1
        except ValidationError:
            logger.info("exchange dose not recorded", extra={"vaccine": vaccine.code})
    return added


def _doses_waiting(person) -> None:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import InboxMessage

    for message in InboxMessage.objects.filter(
        type=MessageType.VACCINATIONS, id_hash=person.id_hash, person__isnull=True
    ):
        import_doses(person, message.body()["doses"])
        message.person = person
        message.area_code = person.area_code
        message.save(update_fields=["person", "area_code"])


HANDLERS: dict[str, tuple[str, Callable[[Any], None]]] = {
    "person.register": ("people.person", on_person_register),
    "residence.close": ("people.residence", on_residence_close),
    "pregnancy.register": ("maternal.pregnancy", lambda p: on_pregnancy(p, MessageType.PREGNANCY)),
    "pregnancy.deliver": ("maternal.pregnancy", lambda p: on_pregnancy(p, MessageType.BIRTH)),
    "marriage_certificate.record": (
        "certificates.marriagecertificate",
        lambda c: on_certificate(c, MessageType.CERTIFICATE_ISSUED),
    ),
    "marriage_certificate.check": (
        "certificates.marriagecertificate",
        lambda c: on_certificate(c, MessageType.CERTIFICATE_CHECKED),
    ),
    "service.record": ("services.serviceevent", on_service),
}


def on_audit(sender, instance, created: bool, **kwargs) -> None:
    if not created or instance.action not in HANDLERS:
        return
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import Partner

    if not Partner.objects.filter(active=True).exists():
        return
    label, handler = HANDLERS[instance.action]
    obj = apps.get_model(label).objects.filter(pk=instance.object_id).first()
    if obj is None:
        return
    handler(obj)


def connect() -> None:
    # deferred: another app's module, needed on this path only
    from parity.core.models import AuditEvent

    post_save.connect(on_audit, sender=AuditEvent, dispatch_uid="exchange.on_audit")
