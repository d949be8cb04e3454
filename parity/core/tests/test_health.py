import datetime as dt
import os
import time

import pytest
from django.utils import timezone
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from parity.core.jobs import heartbeat_touch
from parity.core.models import AuditEvent
from parity.indicators.choices import RefreshStatus
from parity.indicators.models import Snapshot

pytestmark = pytest.mark.django_db


def refreshed(hours_ago: float = 2) -> None:
    """Both nightly refreshes of the whole city finished ``hours_ago``."""
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    Snapshot.objects.create(
        as_of=timezone.localdate(), status=RefreshStatus.DONE, started_at=at, finished_at=at
    )
    event = AuditEvent.objects.create(action="immunization.refresh", object_type="x")
    AuditEvent.objects.filter(pk=event.pk).update(at=at)


@pytest.fixture(autouse=True)
def _directories(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.PARITY_HEALTH_MIN_FREE_MB = 0
    settings.PARITY_WORKER_HEARTBEAT_FILE = ""


def checks_of(response) -> dict[str, dict]:
    return {check["check"]: check for check in response.json()["checks"]}


def test_health_answers_ok_without_login_and_says_nothing_more(client):
    refreshed()
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_staff_see_every_check_and_what_it_found(client, admin_user):
    refreshed(hours_ago=3)
    client.force_login(admin_user)
    checks = checks_of(client.get("/health/"))
    assert set(checks) == {
        "Database(alias='default')",
        "WritableDirectory(kind='cache')",
        "WritableDirectory(kind='media')",
        "NightlyRefresh()",
        "WorkerHeartbeat()",
    }
    assert all(check["status"] == "ok" for check in checks.values())
    assert "refresh_indicators" in checks["NightlyRefresh()"]["message"]
    assert "MB" in checks["WritableDirectory(kind='cache')"]["message"]


def test_other_users_get_only_the_status(client, owner):
    refreshed()
    client.force_login(owner)
    assert client.get("/health/").json() == {"status": "ok"}


def test_a_stale_nightly_refresh_is_a_warning_not_an_outage(client, admin_user, settings):
    settings.PARITY_HEALTH_REFRESH_MAX_AGE_HOURS = 36
    refreshed(hours_ago=40)
    client.force_login(admin_user)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "warning"
    nightly = checks_of(response)["NightlyRefresh()"]
    assert nightly["status"] == "warning"
    assert "超过 36 小时" in nightly["message"]


def test_a_refresh_that_never_ran_is_a_warning(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "warning"
    assert "从未成功运行" in checks_of(response)["NightlyRefresh()"]["message"]


def test_a_refresh_of_one_area_does_not_count_as_the_nightly_one(client, admin_user):
    refreshed()
    AuditEvent.objects.filter(action="immunization.refresh").update(area_code="150203")
    client.force_login(admin_user)
    message = checks_of(client.get("/health/"))["NightlyRefresh()"]["message"]
    assert "refresh_immunization 从未成功运行" in message


def test_an_unwritable_cache_directory_takes_the_node_out(client, settings, tmp_path):
    refreshed()
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CACHES["default"]["LOCATION"] = str(blocker / "cache")
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_a_database_that_does_not_answer_takes_the_node_out(client, admin_user, monkeypatch):
    refreshed()

    def unavailable(self):
        raise ServiceUnavailable("connection refused")

    monkeypatch.setattr(Database, "run", unavailable)
    client.force_login(admin_user)
    response = client.get("/health/")
    assert response.status_code == 503
    assert checks_of(response)["Database(alias='default')"]["status"] == "error"


def test_low_disk_space_is_a_warning(client, admin_user, settings):
    refreshed()
    settings.PARITY_HEALTH_MIN_FREE_MB = 10**12
    client.force_login(admin_user)
    response = client.get("/health/")
    assert response.status_code == 200
    assert checks_of(response)["WritableDirectory(kind='media')"]["status"] == "warning"


def test_the_worker_heartbeat_is_skipped_when_no_worker_is_configured(client, admin_user):
    refreshed()
    client.force_login(admin_user)
    heartbeat = checks_of(client.get("/health/"))["WorkerHeartbeat()"]
    assert heartbeat["status"] == "ok"
    assert "跳过" in heartbeat["message"]


def test_a_fresh_worker_heartbeat_is_ok(client, admin_user, settings, tmp_path):
    refreshed()
    settings.PARITY_WORKER_HEARTBEAT_FILE = str(tmp_path / "run" / "worker.heartbeat")
    heartbeat_touch()
    client.force_login(admin_user)
    assert checks_of(client.get("/health/"))["WorkerHeartbeat()"]["status"] == "ok"


def test_a_stale_or_missing_worker_heartbeat_is_a_warning(client, admin_user, settings, tmp_path):
    refreshed()
    path = tmp_path / "worker.heartbeat"
    settings.PARITY_WORKER_HEARTBEAT_FILE = str(path)
    settings.PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 300
    client.force_login(admin_user)
    response = client.get("/health/")
    assert response.status_code == 200
    assert checks_of(response)["WorkerHeartbeat()"]["message"] == "后台任务进程从未报告心跳"

    heartbeat_touch()
    ten_minutes_ago = time.time() - 600
    os.utime(path, (ten_minutes_ago, ten_minutes_ago))
    heartbeat = checks_of(client.get("/health/"))["WorkerHeartbeat()"]
    assert heartbeat["status"] == "warning"
    assert "超过 300 秒" in heartbeat["message"]


def test_a_staff_session_that_cannot_be_read_gets_the_status_not_a_500(
    client, admin_user, monkeypatch
):
    from django.db import OperationalError

    refreshed()
    client.force_login(admin_user)

    async def failing_auser():
        raise OperationalError("the database is gone")

    monkeypatch.setattr("django.contrib.auth.middleware.auser", lambda request: failing_auser())
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
