"""Large exports as background jobs: past the threshold the request only enqueues a job;
the worker writes the file as the user who asked (re-checked), 0600, for them alone."""

from __future__ import annotations

import csv
import io
import stat
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks.backends.database.management.commands.db_worker import Worker
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.base import TaskResultStatus
from openpyxl import load_workbook

from parity.conftest import OTHER_GRID, make_id
from parity.core.choices import ExportStatus
from parity.core.export_jobs import job_file
from parity.core.models import AuditEvent, ExportJob
from parity.core.tasks import export_run
from parity.core.uploads import purge_uploads

EXPORT_URL = "/people/io/export/"


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "media" / "exports"
    settings.IMPORT_DIR = tmp_path / "media" / "imports"
    settings.PARITY_EXPORT_INLINE_MAX_ROWS = 2
    return settings.EXPORT_DIR


@pytest.fixture
def people(register, admin_user):
    """Three people in the owner's grid (one whose name starts like a formula) and one in
    another grid."""
    register(id_number=make_id(seq=1), name="张三")
    register(id_number=make_id(seq=2), name="李四")
    register(id_number=make_id(seq=3), name="=HYPERLINK()")
    register(id_number=make_id(seq=9), name="外人", grid=OTHER_GRID, by=admin_user)


def run_queued_tasks() -> int:
    """What ``parity worker`` does with each task waiting in the queue: claim it, run it,
    record its result (without the worker's locking loop, which needs its own
    transaction)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )
    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def ask(client, user, query: str = "format=xlsx"):
    client.force_login(user)
    return client.get(f"{EXPORT_URL}?{query}")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_an_export_under_the_threshold_is_sent_at_once_and_audited(client, owner, people, settings):
    settings.PARITY_EXPORT_INLINE_MAX_ROWS = 10

    response = ask(client, owner, "format=csv")

    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))
    assert sorted(r[0] for r in rows[1:]) == ["'=HYPERLINK()", "张三", "李四"]
    assert not ExportJob.objects.exists()
    assert not DBTaskResult.objects.exists()
    event = AuditEvent.objects.get(action="export.download")
    assert event.actor == owner
    assert event.after == {"format": "csv", "rows": 3}


def test_an_export_over_the_threshold_is_enqueued_not_written_in_the_request(
    client, owner, people, export_dir
):
    response = ask(client, owner)

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:export_detail", args=[job.pk])
    assert job.status == ExportStatus.QUEUED
    assert job.requested_by == owner
    assert job.rows_total == 3  # counted up to the threshold + 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "parity.core.tasks.export_run"
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.task_id == str(task.id)
    assert not export_dir.exists()  # nothing written yet
    assert AuditEvent.objects.filter(action="export.queued", actor=owner).count() == 1


def test_the_job_page_shows_the_progress_and_polls_until_the_job_ends(client, owner, people):
    ask(client, owner)
    job = ExportJob.objects.get()

    page = client.get(reverse("web:export_detail", args=[job.pk]))
    fragment = client.get(reverse("web:export_progress", args=[job.pk]))

    assert page.status_code == 200
    assert "排队中" in page.text
    assert 'hx-trigger="every 2s"' in fragment.text
    assert "<progress" in fragment.text
    assert reverse("web:export_download", args=[job.pk]) not in fragment.text

    run_queued_tasks()
    fragment = client.get(reverse("web:export_progress", args=[job.pk]))

    assert "hx-trigger" not in fragment.text
    assert 'value="100"' in fragment.text
    assert reverse("web:export_download", args=[job.pk]) in fragment.text


def test_the_worker_writes_the_users_rows_only_into_a_private_file(
    client, owner, people, export_dir
):
    ask(client, owner)

    assert run_queued_tasks() == 1

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    assert (job.rows_done, job.rows_total) == (3, 3)
    path = export_dir / str(owner.pk) / job.file_name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    sheet = load_workbook(path, read_only=True).worksheets[0]
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["'=HYPERLINK()", "张三", "李四"]  # 外人 is outside the owner's grid
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCEEDED


def test_a_csv_job_keeps_the_searched_text(client, owner, people, settings):
    client.force_login(owner)
    session = client.session
    session["parity_searches"] = {"k1": "张三"}
    session.save()
    settings.PARITY_EXPORT_INLINE_MAX_ROWS = 0  # the search matches one person

    client.get(f"{EXPORT_URL}?format=csv&s=k1")
    run_queued_tasks()

    job = ExportJob.objects.get()
    assert "张三" not in job.query_sealed  # the searched text is sealed
    response = client.get(reverse("web:export_download", args=[job.pk]))
    rows = csv_rows(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == ["张三"]
    assert response["Content-Type"].startswith("text/csv")


def test_only_the_requester_downloads_the_file_and_the_download_is_audited(
    client, owner, colleague, outsider, admin_user, people
):
    ask(client, owner)
    job = ExportJob.objects.get()
    run_queued_tasks()
    urls = [
        reverse(name, args=[job.pk])
        for name in ("web:export_detail", "web:export_progress", "web:export_download")
    ]

    for other in (colleague, outsider, admin_user):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], other
    assert not AuditEvent.objects.filter(action="export.download").exists()

    client.force_login(owner)
    response = client.get(urls[2])

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert len(b"".join(response.streaming_content)) > 0
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.object_id) == (owner, str(job.pk))
    assert event.after == {"format": "xlsx", "rows": 3}


def test_the_users_recent_exports_are_listed_for_them_only(client, owner, outsider, people):
    ask(client, owner)

    mine = client.get(reverse("web:export_list"))
    client.force_login(outsider)
    theirs = client.get(reverse("web:export_list"))

    assert "人员信息" in mine.text
    assert "人员信息" not in theirs.text


@pytest.mark.parametrize(
    "name", ["web:export_detail", "web:export_progress", "web:export_download"]
)
def test_an_unknown_job_is_a_404(client, owner, name):
    client.force_login(owner)

    assert client.get(reverse(name, args=[987654])).status_code == 404


def test_a_job_of_a_user_deactivated_meanwhile_writes_nothing(client, owner, people, export_dir):
    ask(client, owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    run_queued_tasks()

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.REFUSED
    assert job.file_name == ""
    assert not export_dir.exists() or not any(p.is_file() for p in export_dir.rglob("*"))


def test_a_job_of_a_user_moved_to_another_area_writes_nothing(
    client, owner, people, areas, export_dir
):
    ask(client, owner)
    owner.area = areas[OTHER_GRID]
    owner.save(update_fields=["area"])

    run_queued_tasks()

    job = ExportJob.objects.get()
    assert (job.status, job.error) == (ExportStatus.REFUSED, "access_changed")
    assert not export_dir.exists() or not any(p.is_file() for p in export_dir.rglob("*"))
    client.force_login(owner)
    assert client.get(reverse("web:export_download", args=[job.pk])).status_code == 404
    assert "未生成文件" in client.get(reverse("web:export_progress", args=[job.pk])).text


def test_a_job_whose_page_writes_no_file_fails_without_a_file(owner, export_dir):
    job = ExportJob.objects.create(
        requested_by=owner,
        title="x",
        path=reverse("web:person_list"),
        language="zh-hans",
        fmt="xlsx",
        area_code=owner.area_code,
        role=owner.role,
    )

    assert export_run.call(job.pk) == ExportStatus.FAILED

    job.refresh_from_db()
    assert (job.error, job.file_name) == ("no_file", "")
    assert job.finished_at is not None


def test_another_export_goes_through_the_same_queue(client, owner, people):
    """Any page's export, here the key groups' members, becomes a job the same way."""
    client.force_login(owner)
    url = reverse("services:keygroup_members", args=["no_health_record"])

    response = client.get(url, {"format": "xlsx", "on": "2025-06-01"})
    run_queued_tasks()

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.rows_done) == (ExportStatus.DONE, 3)
    path = job_file(job)
    assert path is not None
    sheet = load_workbook(path, read_only=True).worksheets[0]
    assert sheet.title == "居住半年以上未建健康档案"


def test_job_files_are_purged_after_the_retention(client, owner, people, export_dir):
    ask(client, owner)
    run_queued_tasks()
    job = ExportJob.objects.get()
    path = export_dir / str(owner.pk) / job.file_name

    assert purge_uploads(now=time.time()) == 0
    assert purge_uploads(now=time.time() + 8 * 86400) == 1

    assert not path.exists()
    client.force_login(owner)
    assert client.get(reverse("web:export_download", args=[job.pk])).status_code == 404
    assert "过保存期限" in client.get(reverse("web:export_detail", args=[job.pk])).text


@pytest.mark.django_db(transaction=True)
def test_parity_worker_runs_the_queue_and_touches_the_heartbeat(
    client, owner, people, settings, tmp_path
):
    heartbeat = tmp_path / "run" / "worker.heartbeat"
    settings.PARITY_WORKER_HEARTBEAT_FILE = str(heartbeat)
    ask(client, owner)

    call_command("worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    assert ExportJob.objects.get().status == ExportStatus.DONE
    assert heartbeat.is_file()
