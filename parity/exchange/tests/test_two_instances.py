"""Two Parity instances, two databases, two live servers: Baotou (1502, this test's own
live server and database) and a county of Zhengzhou in Henan (410102: a second Django
process under gunicorn, on its own SQLite file, its own key and region code). Every
message crosses the real HTTP stack both ways, signed and checked.

The second instance is driven through its console (``parity ...`` in a subprocess with its
environment): its migrations, its partner registration, its officer's answer, its
``parity exchange send-pending``."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from parity.conftest import make_id
from parity.exchange import delivery, selectors, signing
from parity.exchange.actions import partner_add, request_send
from parity.exchange.choices import InboxStatus, MessageType, OutboxStatus, RequestStatus
from parity.exchange.models import InboxMessage, OutboxMessage, Partner

PARITY = str(Path(sys.executable).with_name("parity"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HENAN = "410102"

HENAN_TREE = {
    "code": "4101",
    "name": "郑州市",
    "children": [
        {
            "code": HENAN,
            "name": "中原区",
            "children": [
                {
                    "code": "410102001",
                    "name": "林山寨街道",
                    "children": [
                        {
                            "code": "410102001001",
                            "name": "建设路社区",
                            "children": [{"code": "410102001001001", "name": "第一网格"}],
                        }
                    ],
                }
            ],
        }
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    """The Henan instance: its environment, its console and its server."""

    key: str  # its own public key, set by the fixture
    partner: Partner  # Baotou's record of it, set by the fixture

    def __init__(self, root: Path, baotou_url: str):
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith("PARITY_") and k != "DATABASE_URL"
            },
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{root / 'henan.sqlite3'}",
            "DATABASE_CONN_MAX_AGE": "0",
            "PARITY_VAR_DIR": str(root / "var"),
            "PARITY_CITY_CODE": "4101",
            "PARITY_CITY_NAME": "郑州市",
            "PARITY_EXCHANGE_CODE": HENAN,
            "PARITY_EXCHANGE_RETRY_BASE_SECONDS": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        self.server: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [PARITY, *args], env=self.env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def python(self, code: str) -> str:
        return self.run("shell", "--no-imports", "-c", code)

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "1",
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                requests.get(self.url + "/health/", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("the Henan instance did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None


SETUP = """
import json
from parity.areas.actions import area_tree_load
from parity.accounts.models import User
from parity.accounts.choices import Role
area_tree_load(acting_user=None, tree=json.loads({tree!r}))
User.objects.create_superuser(username="henan-admin", password="x-henan-admin-1", role=Role.ADMIN)
"""

HENAN_CHILD = """
import datetime as dt
from parity.accounts.models import User
from parity.areas.models import Area
from parity.people.actions import person_register, residence_close
from parity.immunization.actions import vaccination_record
from parity.immunization.models import Vaccine
admin = User.objects.get(username="henan-admin")
child = person_register(acting_user=admin, id_number={id!r}, name="小明",
    grid=Area.objects.get(code="410102001001001"), arrived_on=dt.date(2025, 6, 1),
    housing_type="own")
for code, dose, day in [("HepB", 1, dt.date(2025, 6, 1)), ("BCG", 1, dt.date(2025, 6, 1)),
                        ("HepB", 2, dt.date(2025, 7, 1))]:
    vaccination_record(acting_user=admin, person=child, vaccine=Vaccine.objects.get(code=code),
        dose=dose, date=day)
residence_close(acting_user=admin, person=child, departed_on=dt.date(2025, 8, 1),
    destination_code="150203")
"""

HENAN_OUTFLOW = """
import datetime as dt
from parity.accounts.models import User
from parity.areas.models import Area
from parity.people.actions import person_register
person_register(acting_user=User.objects.get(username="henan-admin"), id_number={id!r},
    name="刘丽", grid=Area.objects.get(code="410102001001001"), outflow_region_code="150000",
    outflow_since=dt.date(2026, 2, 20))
"""

HENAN_PERSON = """
from parity.people.models import Person
p = Person.objects.by_id_number({id!r}).get()
print(p.status, p.outflow_region_code, p.outflow_since.isoformat())
"""

ANSWER = """
import datetime as dt
from django.utils import timezone
from parity.accounts.models import User
from parity.exchange.actions import request_answer
from parity.exchange.models import VerificationRequest
from parity.exchange.rules import cycle_month
req = VerificationRequest.objects.get(request_id={rid!r}, direction="in")
if {late!r}:
    # Received 40 days ago: the answer today is late (time passing, simulated here).
    req.received_on = timezone.localdate() - dt.timedelta(days=40)
    req.due_on = req.received_on + dt.timedelta(days=15)
    req.cycle = cycle_month(req.received_on)
    req.save()
request_answer(acting_user=User.objects.get(username="henan-admin"), request=req,
    facts="现孕16周,已在户籍地建册", checked_by="郑州市中原区 李芳")
print(req.pk)
"""

TWO_WAY = """
import datetime as dt, json
from parity.exchange import selectors
from parity.exchange.rules import cycle_month
rows = selectors.two_way(dt.date.fromisoformat({month!r}))
print(json.dumps([[r.partner.code, r.received, r.answered, r.answered_on_time] for r in rows]))
"""


@pytest.fixture
def henan(live_server, tmp_path, areas):
    instance = Instance(tmp_path, live_server.url)
    instance.run("migrate", "--noinput", "-v", "0")
    instance.python(SETUP.format(tree=json.dumps(HENAN_TREE)))
    instance.run("load_catalog")
    instance.run("load_schedule")
    instance.run(
        "partner",
        "add",
        "--code",
        "1502",
        "--url",
        live_server.url,
        "--key",
        json.dumps(signing.own_public_jwk()),
    )
    instance.key = instance.run("partner", "own-key").strip()
    instance.partner = partner_add(acting_user=None, code=HENAN, url=instance.url, key=instance.key)
    instance.start()
    yield instance
    instance.stop()


def _henan_count(henan, expr: str) -> str:
    return henan.python(f"from parity.exchange.models import *; print({expr})").strip()


@pytest.mark.django_db(transaction=True)
def test_two_instances_exchange_notices_requests_and_a_child_s_vaccinations(
    henan, register, owner, catalog
):
    from parity.immunization.actions import schedule_load
    from parity.immunization.models import DoseDue

    schedule_load(acting_user=None)
    # 1. An arrival registered in Baotou produces a notice the origin receives; there she
    # is one of their outflow people, known to have gone to Inner Mongolia: her record
    # now names the district she lives in.
    woman_id = make_id(HENAN, "19960510", 22)
    henan.python(HENAN_OUTFLOW.format(id=woman_id))
    woman = register(id_number=woman_id, name="刘丽", arrived_on=dt.date(2026, 3, 2))
    notice = OutboxMessage.objects.get(type=MessageType.ARRIVAL, person=woman)
    assert delivery.deliver(henan.partner.pk).sent == 1
    notice.refresh_from_db()
    assert notice.status == OutboxStatus.ACKNOWLEDGED
    assert (
        _henan_count(henan, "InboxMessage.objects.filter(type='arrival', status='applied').count()")
        == "1"
    )
    assert henan.python(HENAN_PERSON.format(id=woman_id)).split() == [
        "outflow",
        woman.area_code[:6],
        "2026-02-20",
    ]

    # 2. Two 协查 about her: one answered in time, one late.
    urgent = request_send(
        acting_user=owner, person=woman, question="核实现孕情况", urgency="urgent"
    )
    late = request_send(
        acting_user=owner, person=woman, question="核实现孕情况(二)", urgency="urgent"
    )
    assert delivery.deliver(henan.partner.pk).sent == 2
    urgent.refresh_from_db()
    assert urgent.status == RequestStatus.RECEIVED and urgent.due_on is not None
    henan.python(ANSWER.format(rid=str(urgent.request_id), late=False))
    henan.python(ANSWER.format(rid=str(late.request_id), late=True))
    assert "sent 2" in henan.run("exchange", "send-pending")
    urgent.refresh_from_db()
    late.refresh_from_db()
    assert urgent.status == RequestStatus.ANSWERED and urgent.on_time is True
    assert urgent.checked_by == "郑州市中原区 李芳"
    assert late.status == RequestStatus.ANSWERED and late.on_time is False
    # Counted the same on both sides: Baotou's score of Henan, Henan's own.
    assert urgent.cycle is not None and late.cycle is not None
    baotou_rows = {(r.partner.code): r for r in selectors.two_way(urgent.cycle)}
    assert (baotou_rows[HENAN].asked_answered, baotou_rows[HENAN].asked_on_time) == (1, 1)
    late_row = {r.partner.code: r for r in selectors.two_way(late.cycle)}[HENAN]
    assert late_row.asked_answered - late_row.asked_on_time >= 1
    henan_urgent = json.loads(henan.python(TWO_WAY.format(month=urgent.cycle.isoformat())))
    henan_late = json.loads(henan.python(TWO_WAY.format(month=late.cycle.isoformat())))
    assert ["1502", 1, 1, 1] in henan_urgent
    assert ["1502", 1, 1, 0] in henan_late

    # 3. A child's vaccinations follow the family from Henan to Baotou.
    child_id = make_id(HENAN, "20250601", 31)
    henan.python(HENAN_CHILD.format(id=child_id))
    assert "sent" in henan.run("exchange", "send-pending")
    waiting = InboxMessage.objects.get(type=MessageType.VACCINATIONS)
    assert waiting.person is None  # not registered here yet: kept for registration
    child = register(id_number=child_id, name="小明", arrived_on=dt.date(2025, 8, 2))
    given = set(child.vaccinations.values_list("vaccine__code", "dose"))
    assert given == {("HepB", 1), ("BCG", 1), ("HepB", 2)}
    pending = set(DoseDue.objects.filter(person=child).values_list("vaccine__code", "dose"))
    assert ("HepB", 1) not in pending and ("HepB", 2) not in pending
    assert ("HepB", 3) in pending
    assert InboxMessage.objects.filter(status=InboxStatus.HELD).count() == 0
    assert timezone.now()
