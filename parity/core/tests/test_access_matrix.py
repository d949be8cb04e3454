"""The access-control matrix: every role × every door of the URL configuration × a record
inside and one outside the user's scope.

``ROUTES`` (``access_routes``) lists every URL name Django resolves, with, per HTTP method,
a ``Door``: its kind, the permission action it needs and how to fill it for the records of
one ``Side`` (``access_world``). ``test_every_route_is_in_the_matrix`` fails when the
URLconf has a route the registry does not list.

What each case asserts:

- **list**: a user with the action gets 200; one without it 403/404; nobody ever sees the
  other side's names, masked or clear ID numbers (in the page, the JSON or the file).
- **read** (one record named in the URL): 200 inside for a user with the action; 403/404
  for the record outside the scope, or without the action.
- **write**: inside and allowed, it succeeds (2xx/3xx) and writes an audit event; outside or
  without the action it is refused (400/403/404, or a form shown again with its error) and
  no row of Parity's records, audit trail included, has changed.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parity.accounts.permissions import ROLE_ACTIONS
from parity.core.models import AuditEvent
from parity.core.tests.access_routes import (
    ADMIN_NAMESPACE,
    ADMIN_PAGES,
    PUBLIC,
    READ,
    REFUSED,
    ROUTES,
    WRITE,
    WRITE_REFUSED,
    Door,
)
from parity.core.tests.access_world import (
    CITY,
    OTHER_DISTRICT,
    ROLE_USERS,
    Side,
    World,
    body_text,
    build_world,
    state,
)

# --- the URL configuration ---------------------------------------------------------------


def url_names() -> set[str]:
    """Every named route Django resolves, namespaced (``api:person-list``)."""
    found: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                name = entry.name or f"<unnamed {entry.pattern}>"
                found.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_is_in_the_matrix():
    routes = {n for n in url_names() if not n.startswith(ADMIN_NAMESPACE + ":")}
    missing = sorted(routes - ROUTES.keys())
    assert not missing, (
        f"routes missing from the access matrix: {missing}. Add each to ROUTES in "
        "parity/core/tests/access_routes.py with its doors (list / read / write), the "
        "permission action it needs and how to fill it for a record inside and outside scope."
    )


def test_the_matrix_lists_no_route_that_is_gone():
    assert not sorted(ROUTES.keys() - url_names())


def test_the_admin_pages_under_test_exist():
    assert set(ADMIN_PAGES) <= url_names()


# --- the world, built once per module ----------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # The world's cached fragments stay in this process, like every test's.
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with django_db_blocker.unblock(), override_settings(CACHES=caches):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


VIEWERS = [
    # (role key, scope): the outsider's "inside" is its own grid, its "outside" ours.
    *((role, scope) for role in ROLE_USERS if role != "admin" for scope in ("inside", "outside")),
    ("admin", "inside"),
]


def _cases():
    for name, doors in ROUTES.items():
        for method, door in doors.items():
            if door.kind == PUBLIC:
                continue
            for role, scope in VIEWERS:
                if scope == "outside" and not door.sided:
                    continue
                yield pytest.param(role, scope, name, method, id=f"{role}-{name}-{scope}-{method}")


def _sides(world: World, role: str, scope: str) -> tuple[Side, Side | None]:
    """(the side asked about, the side the user may not see) for a viewer; an administrator
    sees the whole city."""
    area = world.users[role].area
    assert area is not None
    own_area = area.code if role != "admin" else CITY
    if role == "outsider":
        mine, theirs = world.outside, world.inside
        other_area = theirs.district
    else:
        mine, theirs = world.inside, world.outside
        other_area = OTHER_DISTRICT
    if role == "admin":
        return mine.seen_from(mine, own_area), None
    if scope == "inside":
        return mine.seen_from(mine, own_area), theirs
    return theirs.seen_from(mine, other_area), theirs


def allowed(role: str, action: str) -> bool:
    return role == "admin" or action in ROLE_ACTIONS[ROLE_USERS[role][0]]


def _request(client, method: str, name: str, door: Door, side: Side, world: World):
    url = reverse(name, kwargs=door.kw(side, world) if door.kw else None)
    if door.query:
        url += "?" + urlencode(door.query(side, world))
    data = door.data(side, world) if door.data else {}
    if method == "GET":
        return client.get(url)
    if name.startswith("api:"):
        return getattr(client, method.lower())(url, data, content_type="application/json")
    return client.post(url, data)


def _assert_no_leak(response, theirs: Side | None, label: str, sent: str) -> None:
    if theirs is None:
        return
    text = body_text(response)
    # A form shown again may echo what the user typed: that tells them nothing new.
    leaked = [secret for secret in theirs.secrets if secret in text and secret not in sent]
    assert not leaked, f"{label} shows out-of-scope {leaked}"


@pytest.mark.parametrize(("role", "scope", "name", "method"), list(_cases()))
def test_access(db, client, world, role, scope, name, method):
    door = ROUTES[name][method]
    user = world.users[role]
    side, theirs = _sides(world, role, scope)
    client.force_login(user)
    may = allowed(role, door.action) and ROLE_USERS[role][0] not in door.refused
    sent = repr(door.data(side, world)) if door.data else ""
    label = f"{role} {method} {name} ({scope})"

    if door.kind != WRITE:
        response = _request(client, method, name, door, side, world)
        if scope == "inside" and may:
            assert response.status_code in (200, *door.ok), label
        elif door.kind == READ or not may:
            assert response.status_code in REFUSED, f"{label}: {response.status_code}"
        else:
            assert response.status_code in (200, *REFUSED), label
        if response.status_code == 200:
            _assert_no_leak(response, theirs, label, sent)
        return

    before, events = state(), AuditEvent.objects.count()
    response = _request(client, method, name, door, side, world)
    status = response.status_code
    if scope == "inside" and may:
        assert status in (200, 201, 204, 302, *door.ok), (
            f"{label}: {status} {body_text(response)[:500]}"
        )
        if status not in door.ok and door.audited:
            assert AuditEvent.objects.count() > events, f"{label}: no audit event"
    else:
        refused = (*WRITE_REFUSED, 200) if not name.startswith("api:") else WRITE_REFUSED
        assert status in refused, f"{label}: {status}"
        after = state()
        changed = [table for table in before if before[table] != after[table]]
        if door.refusal_audited:
            changed = [table for table in changed if table != "core.AuditEvent"]
        assert not changed, f"{label} changed {changed}"
    if status in (200, 201, 400):
        _assert_no_leak(response, theirs, label, sent)


@pytest.mark.parametrize(
    "name", ["web:person_list", "api:person-list", "people_io:export", "api:key-group-members"]
)
def test_the_leak_check_reads_the_names_in_a_page_the_json_and_a_file(db, client, world, name):
    # The matrix's "shows nothing out of scope" is only as good as its reading of answers:
    # an administrator, who sees the whole city, must be seen to see both sides.
    door = ROUTES[name]["GET"]
    client.force_login(world.users["admin"])

    response = _request(
        client, "GET", name, door, world.inside.seen_from(world.inside, CITY), world
    )

    text = body_text(response)
    assert world.inside.names[0] in text
    assert world.outside.names[0] in text
    assert world.outside.woman.id_masked in text


def test_the_fingerprint_sees_a_changed_row_and_an_audit_event(db, world):
    # "changed nothing" is only as good as the fingerprint: a quiet UPDATE must show.
    from parity.people.models import Person

    before = state()
    Person.objects.filter(pk=world.outside.woman.pk).update(marital_status="divorced")
    AuditEvent.objects.create(action="test.touch", area_code=world.outside.district)

    after = state()

    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"people.Person", "core.AuditEvent"}


# --- anonymous visitors, public routes, the admin site -----------------------------------


def _anonymous_cases():
    for name, doors in ROUTES.items():
        for method, door in doors.items():
            if door.kind != PUBLIC:
                yield pytest.param(name, method, id=f"anonymous-{name}-{method}")


@pytest.mark.parametrize(("name", "method"), list(_anonymous_cases()))
def test_an_anonymous_visitor_is_refused_and_changes_nothing(db, client, world, name, method):
    door = ROUTES[name][method]
    before = state() if door.kind == WRITE else None

    response = _request(
        client, method, name, door, world.inside.seen_from(world.inside, CITY), world
    )

    if name.startswith("api:"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    if before is not None:
        assert state() == before


PUBLIC_ROUTES = [
    (n, m) for n, doors in ROUTES.items() for m, d in doors.items() if d.kind == PUBLIC
]


@pytest.mark.parametrize(("name", "method"), PUBLIC_ROUTES, ids=[n for n, _m in PUBLIC_ROUTES])
def test_a_public_route_shows_an_anonymous_visitor_no_record(db, client, world, name, method):
    before = state()

    response = getattr(client, method.lower())(reverse(name))

    assert response.status_code < 500
    _assert_no_leak(response, world.inside, name, "")
    _assert_no_leak(response, world.outside, name, "")
    assert state() == before


@pytest.mark.parametrize("role", list(ROLE_USERS))
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_only_a_superuser_enters_the_admin_site(db, client, world, role, name):
    client.force_login(world.users[role])

    response = client.get(reverse(name))

    if role == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
