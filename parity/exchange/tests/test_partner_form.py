"""An administrator registers and edits partner instances on a page, besides ``parity
partner add``: the rules' errors in Chinese (a bad code, a bad key, a bad address), keys
added beside the old one and retired; nobody but a city-wide administrator gets in."""

import json

import pytest
from joserfc.jwk import OKPKey

from parity.accounts.choices import Role
from parity.conftest import DISTRICT
from parity.core.models import AuditEvent
from parity.exchange.models import Partner, PartnerKey


def _public() -> str:
    return json.dumps(OKPKey.generate_key("Ed25519").as_dict(private=False))


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_administrator_registers_a_partner_with_its_key(admin):
    key = _public()
    response = admin.post(
        "/exchange/partners/new/",
        {"code": "410102", "name": "郑州市中原区", "url": "https://zy.example.cn/", "key": key},
    )
    partner = Partner.objects.get(code="410102")
    assert response.status_code == 302 and response.url == f"/exchange/partners/{partner.pk}/"
    assert partner.url == "https://zy.example.cn" and partner.name == "郑州市中原区"
    assert partner.active
    stored = PartnerKey.objects.get(partner=partner)
    assert stored.jwk["x"] == json.loads(key)["x"] and stored.retired_at is None
    assert AuditEvent.objects.filter(action="exchange.partner_add", object_id=str(partner.pk))
    listing = admin.get("/exchange/partners/").content.decode()
    assert f"/exchange/partners/{partner.pk}/" in listing and "登记合作地区" in listing


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("code", "41A102", "合作地区代码应为2、4或6位 GB/T 2260 行政区划代码"),
        ("code", "41010", "合作地区代码应为2、4或6位 GB/T 2260 行政区划代码"),
        ("key", "not-a-key", "公钥无效:应为 Ed25519 公钥(JWK、PEM 或 base64url)"),
        ("key", json.dumps({"kty": "OKP", "crv": "X25519", "x": "A" * 43}), "公钥无效"),
        ("url", "ftp://zy.example.cn", "合作地区地址应为 http:// 或 https:// 开头的网址"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(admin, field, value, error):
    data = {"code": "410102", "url": "https://zy.example.cn", "key": _public(), field: value}
    response = admin.post("/exchange/partners/new/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Partner.objects.exists() and not PartnerKey.objects.exists()


def test_an_empty_form_names_every_missing_field(admin):
    response = admin.post("/exchange/partners/new/", {})
    assert response.status_code == 200
    assert response.content.decode().count("该字段是必填项") == 3  # code, url, key
    assert not Partner.objects.exists()


def test_editing_changes_the_address_adds_a_rotated_key_and_retires_the_old_one(admin):
    old = _public()
    admin.post(
        "/exchange/partners/new/", {"code": "410102", "url": "https://a.example.cn", "key": old}
    )
    partner = Partner.objects.get()
    page = f"/exchange/partners/{partner.pk}/"
    assert "410102" in admin.get(page).content.decode()
    new = _public()
    # The code is the partner's identity: a posted one is ignored.
    response = admin.post(
        page, {"code": "999999", "url": "https://b.example.cn", "key": new, "active": "on"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.code, partner.url, partner.active) == ("410102", "https://b.example.cn", True)
    keys = {k.jwk["x"]: k for k in PartnerKey.objects.filter(partner=partner)}
    assert set(keys) == {json.loads(old)["x"], json.loads(new)["x"]}
    assert all(k.retired_at is None for k in keys.values())  # both verify during rotation
    old_kid = keys[json.loads(old)["x"]].kid
    admin.post(page, {"verb": "retire", "kid": old_kid})
    assert PartnerKey.objects.get(kid=old_kid).retired_at is not None
    assert PartnerKey.objects.get(jwk__x=json.loads(new)["x"]).retired_at is None
    # A bad key on edit is refused, the partner unchanged.
    response = admin.post(page, {"url": "https://c.example.cn", "key": "xyz", "active": "on"})
    assert "公钥无效" in response.content.decode()
    partner.refresh_from_db()
    assert partner.url == "https://b.example.cn"
    # Switched off: nothing is sent to it and nothing from it is accepted.
    admin.post(page, {"url": "https://b.example.cn"})
    partner.refresh_from_db()
    assert partner.active is False


def test_only_a_city_wide_administrator_gets_in(
    client, admin_user, official, outsider, owner, django_user_model, areas
):
    admin_client = client
    admin_client.force_login(admin_user)
    admin_client.post(
        "/exchange/partners/new/",
        {"code": "410102", "url": "https://a.example.cn", "key": _public()},
    )
    partner = Partner.objects.get()
    district_admin = django_user_model.objects.create_user(
        username="district-admin", password="pw-da-123", role=Role.ADMIN, area=areas[DISTRICT]
    )
    for user in (outsider, owner, official, district_admin):
        client.force_login(user)
        data = {"code": "420102", "url": "https://x.example.cn", "key": _public()}
        assert client.get("/exchange/partners/new/").status_code == 403
        assert client.post("/exchange/partners/new/", data).status_code == 403
        assert client.get(f"/exchange/partners/{partner.pk}/").status_code == 403
        posted = client.post(f"/exchange/partners/{partner.pk}/", {"url": "https://evil.cn"})
        assert posted.status_code == 403
        retire = {"verb": "retire", "kid": partner.keys.get().kid}
        assert client.post(f"/exchange/partners/{partner.pk}/", retire).status_code == 403
    client.logout()
    assert client.get("/exchange/partners/new/").status_code == 302  # to the sign-in page
    partner.refresh_from_db()
    assert partner.url == "https://a.example.cn"
    assert Partner.objects.count() == 1 and not partner.keys.filter(retired_at__isnull=False)
