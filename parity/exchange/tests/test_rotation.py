"""Rotating our own signing key loses no message: a key is staged and given to the partner
before it signs anything; tokens already signed with the old key verify at the partner
until the partner retires it there; and a partner that does not know the new key yet
refuses our messages without losing them (they stay pending and go through, once and in
order, when it registers the key)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.exchange import actions, delivery, signing
from parity.exchange.choices import InboxStatus, OutboxStatus
from parity.exchange.models import InboxMessage, OutboxMessage, OwnKey, Partner, PartnerKey
from parity.exchange.tests.conftest import message
from parity.exchange.tests.loopback import PARTNER_CODE, Loopback


@pytest.fixture
def loop(db, monkeypatch, settings):
    settings.PARITY_EXCHANGE_BATCH = 3
    loopback = Loopback()
    monkeypatch.setattr(delivery.requests, "post", loopback.post)
    return loopback


def _arrivals(register, n: int, start: int = 1):
    return [
        register(
            id_number=make_id("410102", "19900101", start + i),
            name=f"人{i}",
            arrived_on=dt.date(2026, 3, 1),
        )
        for i in range(n)
    ]


def _us_at_partner() -> Partner:
    """How the partner knows us (the loopback partner shares our tables)."""
    return Partner.objects.get(code=signing.own_code())


def _partner_receives(loop, token: str) -> dict:
    """POST one token to the partner's inbox, as the partner answers it."""
    with override_settings(PARITY_EXCHANGE_CODE=PARTNER_CODE, PARITY_EXCHANGE_KEY=loop.seed):
        response = Client().post(
            "/api/v1/exchange/inbox/", {"messages": [token]}, content_type="application/json"
        )
    from joserfc import jws

    return json.loads(jws.extract_compact(response.json()["receipt"].encode()).payload)["results"][
        0
    ]


def _claims(type_="arrival", seq=1, subject="rot-1"):
    body = {
        "id_number": make_id("410102", "19900101", 90 + seq),
        "name": "王芳",
        "arrived_on": "2026-03-01",
        "area_code": "150203",
        "hukou_code": "410102",
    }
    return {"aud": PARTNER_CODE, **message(type_, body, subject=subject, seq=seq)}


def test_a_staged_key_signs_nothing_until_activated_and_then_signs_everything(loop):
    old_kid = signing.signer().kid
    staged = actions.own_key_new(acting_user=None)
    assert actions.own_key_new(acting_user=None) == staged  # staged once, not replaced
    assert signing.signer().kid == old_kid
    assert staged.seed and json.loads(json.dumps(actions.own_key_public(staged)))["x"]
    assert actions.own_key_public(staged)["x"] not in staged.seed  # the seed is sealed
    actions.own_key_activate(acting_user=None)
    assert signing.signer().kid == f"{signing.own_code()}:{staged.kid}" != old_kid
    assert signing.own_public_jwk() == actions.own_key_public(staged)
    assert AuditEvent.objects.filter(action="exchange.own_key_activate").count() == 1
    # A second rotation retires the first rotated key on our side.
    second = actions.own_key_new(acting_user=None)
    actions.own_key_activate(acting_user=None)
    staged.refresh_from_db()
    assert staged.retired_at is not None
    assert signing.signer().kid.endswith(second.kid)


def test_activating_with_nothing_staged_is_refused(loop):
    with pytest.raises(ValidationError, match="没有待启用的新密钥"):
        actions.own_key_activate(acting_user=None)


def test_a_district_administrator_may_not_rotate_the_city_s_key(loop, django_user_model, areas):
    from django.core.exceptions import PermissionDenied

    from parity.accounts.choices import Role

    user = django_user_model.objects.create_user(
        username="da", password="pw-da-123", role=Role.ADMIN, area=areas["150203"]
    )
    with pytest.raises(PermissionDenied):
        actions.own_key_new(acting_user=user)
    assert not OwnKey.objects.exists()


def test_tokens_signed_with_the_old_key_verify_until_the_partner_retires_it(loop):
    in_flight = signing.sign(_claims(seq=1))  # signed, not yet delivered
    staged = actions.own_key_new(acting_user=None)
    # The partner's administrator registers our new key beside the old one.
    actions.partner_add(
        acting_user=None,
        code=signing.own_code(),
        url="http://us.invalid",
        key=json.dumps(actions.own_key_public(staged)),
    )
    actions.own_key_activate(acting_user=None)
    fresh = signing.sign(_claims(seq=2))
    assert _partner_receives(loop, in_flight)["status"] == "applied"
    assert _partner_receives(loop, fresh)["status"] == "applied"
    # Rotation settled: the partner retires our old key; an old token is refused now,
    # new ones still go through.
    old = PartnerKey.objects.exclude(kid=staged.kid).get(partner=_us_at_partner())
    actions.partner_key_retire(acting_user=None, partner=_us_at_partner(), kid=old.kid)
    late = signing.sign(_claims(seq=3), key=signing.key_from_seed(loop_settings_seed()))
    assert _partner_receives(loop, late) == {
        "status": "refused",
        "code": "exchange_unknown_key",
        "id": json.loads(_payload(late))["id"],
    }
    assert _partner_receives(loop, signing.sign(_claims(seq=3)))["status"] == "applied"
    assert InboxMessage.objects.filter(sender__code=signing.own_code()).count() == 3


def loop_settings_seed() -> str:
    from django.conf import settings

    return settings.PARITY_EXCHANGE_KEY


def _payload(token: str) -> bytes:
    from joserfc import jws

    return jws.extract_compact(token.encode()).payload


def test_a_batch_resent_after_the_rotation_is_acknowledged_as_already_applied(loop, register):
    staged = actions.own_key_new(acting_user=None)
    actions.partner_add(
        acting_user=None,
        code=signing.own_code(),
        url="http://us.invalid",
        key=json.dumps(actions.own_key_public(staged)),
    )
    _arrivals(register, 3)
    loop.lost_after_store = 1  # stored there under the old key, the receipt lost
    assert delivery.deliver(loop.partner.pk, force=True).sent == 0
    actions.own_key_activate(acting_user=None)
    assert delivery.deliver(loop.partner.pk, force=True).sent == 3  # resent, new key
    inbox = InboxMessage.objects.filter(sender__code=signing.own_code())
    assert inbox.count() == 3
    assert set(inbox.values_list("status", flat=True)) == {InboxStatus.APPLIED}


def test_a_partner_that_does_not_know_the_new_key_yet_loses_nothing(loop, register):
    people = _arrivals(register, 4)
    actions.own_key_new(acting_user=None)
    actions.own_key_activate(acting_user=None)  # too early: the partner was not told
    result = delivery.deliver(loop.partner.pk, force=True)
    assert result.sent == 0
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 4
    assert not OutboxMessage.objects.filter(status=OutboxStatus.REFUSED).exists()
    partner = Partner.objects.get(pk=loop.partner.pk)
    assert "exchange_unknown_key" in partner.last_error and partner.failures == 1
    assert partner.next_attempt_at is not None
    assert not InboxMessage.objects.filter(sender__code=signing.own_code()).exists()
    assert AuditEvent.objects.filter(action="exchange.refused").exists()  # audited there
    # The partner's administrator registers our new key (read with `parity exchange key
    # list` / `parity partner own-key` here): everything arrives, once.
    actions.partner_add(
        acting_user=None,
        code=signing.own_code(),
        url="http://us.invalid",
        key=json.dumps(signing.own_public_jwk()),
    )
    assert delivery.deliver(loop.partner.pk, force=True).sent == 4
    assert delivery.deliver(loop.partner.pk, force=True).sent == 0
    inbox = InboxMessage.objects.filter(sender__code=signing.own_code())
    sent_ids = {str(m.id) for m in OutboxMessage.objects.filter(person__in=people)}
    assert {str(m) for m in inbox.values_list("message_id", flat=True)} == sent_ids
    assert len(sent_ids) == 4
    assert set(inbox.values_list("status", flat=True)) == {InboxStatus.APPLIED}
    assert Partner.objects.get(pk=loop.partner.pk).failures == 0


def test_a_message_the_partner_can_never_take_is_still_marked_refused(loop, register):
    # A schema refusal is about the message itself: retrying it would block the queue.
    _arrivals(register, 1)
    queued = OutboxMessage.objects.get()
    body = queued.body()
    body["phone"] = "13800000000"  # not in the arrival schema
    queued.set_body(body)
    queued.save()
    delivery.deliver(loop.partner.pk, force=True)
    queued.refresh_from_db()
    assert queued.status == OutboxStatus.REFUSED and queued.last_error == "exchange_schema"


def test_the_key_command_stages_activates_and_lists(loop, capsys):
    call_command("exchange", "key", "new")
    public = json.loads(capsys.readouterr().out)
    assert public["crv"] == "Ed25519" and "d" not in public
    call_command("exchange", "key", "activate")
    out = capsys.readouterr().out
    assert "signing with" in out
    assert signing.own_public_jwk() == public
    call_command("exchange", "key", "list")
    listed = capsys.readouterr().out
    assert "active" in listed
