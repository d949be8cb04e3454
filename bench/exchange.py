"""Benchmark: 10,000 notices from one Parity instance to another, the receiver restarted
once in the middle; 0 lost, 0 applied twice; beside a baseline of plain inserts.

Two instances on this machine, each on its own SQLite file, key and region code: the
sender (Baotou, 1502) is this process; the receiver (a Henan county, 410102) is gunicorn
in a subprocess. The sender writes N arrival notices to its outbox (as the people actions
do, one ``message_queue`` each, in one transaction) and delivers them with the delivery
worker's own function (``delivery.deliver``: batches of ``PARITY_EXCHANGE_BATCH``, each
message signed, each checked, stored, applied and acknowledged by a signed receipt). When
half are acknowledged, the receiver is stopped and started again; delivery meanwhile
fails, backs off and resumes. At the end it counts, on the receiver, the distinct
messages stored and applied, and on the sender the messages acknowledged.

The baseline: the same N rows inserted straight into the receiver's inbox table, one
insert per row in its own transaction, no HTTP, no signature, no checks.

    .venv/bin/python bench/exchange.py [--messages 10000] [--batch 100]

Writes only under a temporary directory. Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(root: Path, name: str, city: str, code: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PARITY_")}
    base.pop("DATABASE_URL", None)
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{root / (name + '.sqlite3')}",
        "DATABASE_CONN_MAX_AGE": "0",
        "PARITY_VAR_DIR": str(root / name),
        "PARITY_CITY_CODE": city,
        "PARITY_EXCHANGE_CODE": code,
        "PARITY_EXCHANGE_KEY": secrets.token_urlsafe(32),
        "PARITY_EXCHANGE_RETRY_BASE_SECONDS": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }


def parity(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "parity"), *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return done.stdout


class Receiver:
    def __init__(self, env: dict[str, str], port: int, workers: int):
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import requests

        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--log-level",
                "error",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        for _ in range(300):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/health/", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise SystemExit("receiver did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="parity-bench-exchange-"))
    sender_env = env_for(root, "baotou", "1502", "1502")
    receiver_env = env_for(root, "henan", "4101", "410102")
    # One migration, two copies: the same schema, two databases.
    parity(sender_env, "migrate", "--noinput", "-v", "0")
    import shutil

    shutil.copy(root / "baotou.sqlite3", root / "henan.sqlite3")
    port = free_port()
    receiver = Receiver(receiver_env, port, args.workers)
    sender_key = parity(sender_env, "partner", "own-key").strip()
    receiver_key = parity(receiver_env, "partner", "own-key").strip()
    parity(
        receiver_env,
        "partner",
        "add",
        "--code",
        "1502",
        "--url",
        "http://127.0.0.1:9",
        "--key",
        sender_key,
    )

    os.environ.update(sender_env)
    os.environ["PARITY_EXCHANGE_BATCH"] = str(args.batch)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from parity.exchange import delivery
    from parity.exchange.actions import message_queue, partner_add
    from parity.exchange.choices import MessageType, OutboxStatus
    from parity.exchange.models import OutboxMessage
    from parity.people.idnumber import with_check_digit

    partner = partner_add(
        acting_user=None, code="410102", url=f"http://127.0.0.1:{port}", key=receiver_key
    )
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(args.messages):
            number = with_check_digit(f"41010219{i // 1000 + 50:02d}0101{i % 1000:03d}")
            message_queue(
                partner=partner,
                type=MessageType.ARRIVAL,
                subject=f"bench-{i}",
                body={
                    "id_number": number,
                    "name": f"人{i}",
                    "arrived_on": "2026-03-02",
                    "area_code": "150203",
                    "hukou_code": "410102",
                },
                area_code="150203001001001",
                event_on=__import__("datetime").date(2026, 3, 2),
            )
    queued = time.perf_counter() - started

    receiver.start()
    restarted = False
    failures = 0
    started = time.perf_counter()
    while True:
        result = delivery.deliver(partner.pk, max_batches=1, force=True)
        if result.failed:
            failures += 1
            time.sleep(0.2)
        acked = OutboxMessage.objects.filter(status=OutboxStatus.ACKNOWLEDGED).count()
        if not restarted and acked >= args.messages // 2:
            receiver.stop()
            # Down for a moment: the sender's attempts fail and back off meanwhile.
            for _ in range(3):
                delivery.deliver(partner.pk, max_batches=1, force=True)
            receiver.start()
            restarted = True
        if not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists():
            break
    delivered = time.perf_counter() - started
    receiver.stop()

    counts = json.loads(
        parity(
            receiver_env,
            "shell",
            "--no-imports",
            "-c",
            (
                "import json; from parity.exchange.models import InboxMessage as M; "
                "print(json.dumps([M.objects.count(),"
                " M.objects.values('message_id').distinct().count(),"
                " M.objects.filter(status='applied').count()]))"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    acknowledged = OutboxMessage.objects.filter(status=OutboxStatus.ACKNOWLEDGED).count()

    baseline = (
        parity(
            receiver_env,
            "shell",
            "--no-imports",
            "-c",
            (
                "import time, uuid\n"
                "from parity.exchange.models import InboxMessage as M, Partner as P\n"
                "p = P.objects.get(code='1502'); t = time.perf_counter()\n"
                f"for i in range({args.messages}):\n"
                "    M.objects.create(sender=p, message_id=uuid.uuid4(), type='arrival', "
                "subject=f'base-{i}', seq=1, digest='x', status='applied', payload='x')\n"
                "print(time.perf_counter() - t)"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    baseline_s = float(baseline)

    n = args.messages
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, SQLite, gunicorn -w {args.workers}"
    )
    print(f"queued {n} notices in the sender's outbox: {queued:.1f} s")
    print(
        f"delivered: {delivered:.1f} s, {n / delivered:.0f} msgs/s (receiver restarted once, "
        f"{failures} failed attempts)"
    )
    print(
        f"receiver: {counts[0]} stored, {counts[1]} distinct ids, {counts[2]} applied; "
        f"sender: {acknowledged} acknowledged"
    )
    print(f"lost: {n - counts[1]}, applied twice: {counts[0] - counts[1]}")
    print(
        f"baseline, plain inserts of the same rows: {baseline_s:.1f} s, {n / baseline_s:.0f} rows/s"
    )
    print(f"(temporary files under {root})")


if __name__ == "__main__":
    main()
