"""Large imports as background jobs: past ``PARITY_IMPORT_BACKGROUND_ROWS`` data rows the
import page's 检查 or 导入 only enqueues a job; the worker runs the importer with the
mapping the user confirmed, as the user who asked (re-checked), and the job's page shows
the result a small file shows in the request, to that user alone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.base import TaskResultStatus
from openpyxl import load_workbook

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.core import import_jobs
from parity.core.choices import ImportJobStatus, ImportKind
from parity.core.models import AuditEvent, ImportJob, ImportMapping
from parity.core.tests.test_export_jobs import run_queued_tasks
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import KUNDULUN, YEAR, make_indicator, write_xlsx
from parity.people.imports import HEADERS, import_people
from parity.people.models import Person
from parity.people.tests.test_import_registers import office_workbook
from parity.people.tests.test_import_views import upload
from parity.people.tests.web import web_import
from parity.services.models import ServiceEvent


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.PARITY_IMPORT_BACKGROUND_ROWS = 2
    return settings.IMPORT_DIR


def person_row(seq: int, **extra) -> dict[str, str]:
    return {
        "姓名": f"王{seq}",
        "身份证号码": make_id(seq=seq),
        "网格代码": GRID,
        "来本地日期": "2024-03-01",
        "住所类型": "出租房屋",
        **extra,
    }


GOOD_ROWS = [person_row(1), person_row(2), person_row(3)]
# Two good rows and two bad ones (a phone number, an ID number).
BAD_ROWS = [
    person_row(4),
    person_row(5, 联系电话="12345"),
    person_row(6),
    person_row(7, 身份证号码="4101021990"),
]


def queue(client, user, rows=GOOD_ROWS, action: str = "import", change=None) -> ImportJob:
    client.force_login(user)
    response = web_import(client, upload("人员.csv", rows), action=action, change=change)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:import_job", args=[job.pk])
    return job


def job_page(client, job: ImportJob) -> str:
    return client.get(reverse("web:import_job", args=[job.pk])).content.decode()


def error_file_rows(client, page: str) -> list[list]:
    """The rows of the .xlsx error file the page links to."""
    start = page.index('href="', page.index('id="error-file"')) + len('href="')
    response = client.get(page[start : page.index('"', start)])
    assert response.status_code == 200
    data = io.BytesIO(b"".join(response.streaming_content))
    return [[c.value for c in row] for row in load_workbook(data).worksheets[0].iter_rows()]


def test_every_kind_of_import_has_an_importer():
    assert {import_jobs.importer_for(kind).kind for kind in ImportKind} == set(ImportKind)


def test_a_file_over_the_threshold_is_queued_and_the_request_writes_nobody(
    client, owner, import_dir
):
    job = queue(client, owner)

    assert not Person.objects.exists()
    assert job.status == ImportJobStatus.QUEUED
    assert (job.requested_by, job.kind, job.check_only) == (owner, "people", False)
    assert job.rows_total == 3
    assert job.header_row == 1
    assert job.fields[:2] == ["姓名", "身份证号码"]
    assert job.file_name == "人员.csv"
    assert (job.area_code, job.role) == (GRID, owner.role)
    task = DBTaskResult.objects.get()
    assert task.task_path == "parity.core.tasks.import_run"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.task_id == str(task.id)
    assert AuditEvent.objects.filter(action="import.queued", actor=owner).count() == 1
    # The upload waits, sealed, for the worker; its name only, never the content, in the job.
    assert (import_dir / str(owner.pk) / job.token).is_file()
    assert "王1" not in job.token


def test_the_worker_imports_the_file_and_the_job_page_shows_the_result(client, owner):
    job = queue(client, owner)
    page = job_page(client, job)
    assert "排队中" in page
    assert 'hx-trigger="every 2s"' in page
    assert "import-result" not in page

    assert run_queued_tasks() == 1

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert (job.total_rows, job.created, job.updated, job.error_rows) == (3, 3, 0, 0)
    assert job.rows_done == 3
    assert sorted(Person.objects.values_list("name", flat=True)) == ["王1", "王2", "王3"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCEEDED
    page = job_page(client, job)
    fragment = client.get(reverse("web:import_job_progress", args=[job.pk])).content.decode()
    for shown in (page, fragment):
        assert "hx-trigger" not in shown
        assert "导入完成" in shown
        assert '<div class="stat-value" id="count-created">3</div>' in shown
        assert reverse("people_io:import") in shown  # 导入下一个文件
    # As after an import in the request: the mapping is kept, the upload deleted.
    assert ImportMapping.objects.filter(kind="people", area_code=GRID).count() == 1
    map_url = reverse("people_io:import_map", args=[job.token])
    assert client.get(map_url).status_code == 404
    assert map_url not in page


def test_a_check_over_the_threshold_runs_in_the_background_and_writes_nothing(client, owner):
    phone = HEADERS.index("联系电话")
    job = queue(client, owner, action="check", change={phone: ""})  # phones not imported

    run_queued_tasks()

    job.refresh_from_db()
    assert job.check_only
    assert (job.status, job.created) == (ImportJobStatus.DONE, 3)
    assert not Person.objects.exists()
    assert not ImportMapping.objects.exists()
    page = job_page(client, job)
    assert "检查结果(尚未写入)" in page
    assert "将新增" in page
    # The file still waits: back to the mapping step, with the columns the check used.
    map_url = reverse("people_io:import_map", args=[job.token])
    assert f'action="{map_url}"' in page
    back = client.post(map_url, {"header_row": 1, **columns(job)})
    assert back.status_code == 200
    assert back.context["page"].match.fields[phone] is None
    assert job.fields[phone] == ""
    # There, 导入 queues the import.
    response = client.post(map_url, {"header_row": 1, "action": "import", **columns(job)})
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("web:import_job", args=[second.pk])
    run_queued_tasks()
    assert Person.objects.count() == 3


def columns(job: ImportJob) -> dict[str, str]:
    return {f"col_{index}": field for index, field in enumerate(job.fields)}


def test_the_mapping_page_of_a_file_being_imported_sends_the_user_to_its_job(client, owner):
    job = queue(client, owner)
    map_url = reverse("people_io:import_map", args=[job.token])

    response = client.post(map_url, {"header_row": 1, "action": "import", **columns(job)})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:import_job", args=[job.pk])
    assert ImportJob.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_a_file_under_the_threshold_is_imported_in_the_request(client, owner, settings):
    settings.PARITY_IMPORT_BACKGROUND_ROWS = 3
    client.force_login(owner)

    response = web_import(client, upload("人员.csv", GOOD_ROWS))

    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert Person.objects.count() == 3
    assert not ImportJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_only_the_requester_sees_the_job(client, owner, colleague, outsider, admin_user):
    job = queue(client, owner)
    run_queued_tasks()
    urls = [reverse(name, args=[job.pk]) for name in ("web:import_job", "web:import_job_progress")]

    for other in (colleague, outsider, admin_user):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404], other

    client.force_login(owner)
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_a_job_of_a_user_deactivated_meanwhile_writes_nothing(client, owner):
    job = queue(client, owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJobStatus.FAILED, import_jobs.ACCESS_CHANGED)
    assert not Person.objects.exists()
    assert not ImportMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="people.import").exists()


def test_a_job_of_a_user_moved_out_of_the_area_writes_nothing_and_says_why(
    client, owner, areas, import_dir
):
    job = queue(client, owner)
    owner.area = areas[OTHER_GRID]
    owner.save(update_fields=["area"])

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJobStatus.FAILED, import_jobs.ACCESS_CHANGED)
    assert not Person.objects.exists()
    page = job_page(client, job)
    assert "您的账号或权限范围在导入前已变更,本次未写入任何数据。" in page
    assert "hx-trigger" not in page
    assert (import_dir / str(owner.pk) / job.token).is_file()  # nothing was done with it


def test_a_bad_file_in_the_background_gives_the_same_error_report_as_in_the_request(
    client, owner, settings
):
    settings.PARITY_IMPORT_BACKGROUND_ROWS = 100
    client.force_login(owner)
    in_request = web_import(client, upload("人员.csv", BAD_ROWS), action="check").content.decode()
    settings.PARITY_IMPORT_BACKGROUND_ROWS = 2
    job = queue(client, owner, rows=BAD_ROWS, action="check")

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.created, job.error_rows) == (ImportJobStatus.DONE, 2, 2)
    in_job = job_page(client, job)
    assert error_file_rows(client, in_job) == error_file_rows(client, in_request)
    for page in (in_request, in_job):
        assert "电话号码格式不正确" in page
        assert '<div class="stat-value" id="count-errors">2</div>' in page
    # The first errors are shown on the page, sealed in the job meanwhile (a name, an ID).
    assert "王5" in in_job
    assert "王5" not in job.details_sealed
    assert "4101021990" not in job.details_sealed


def test_an_import_that_fails_in_the_worker_marks_the_job_failed_and_writes_nothing(
    client, owner, monkeypatch
):
    job = queue(client, owner)

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr("parity.people.imports.engine._import", broken)
    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJobStatus.FAILED, "RuntimeError")
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert not Person.objects.exists()
    assert not ImportMapping.objects.exists()
    page = job_page(client, job)
    assert "处理文件时出错,已停止。" in page
    assert reverse("people_io:import_map", args=[job.token]) in page  # the file still waits


def test_a_job_whose_upload_is_gone_writes_nothing(client, owner, import_dir):
    job = queue(client, owner)
    (import_dir / str(owner.pk) / job.token).unlink()

    run_queued_tasks()

    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJobStatus.FAILED, import_jobs.FILE_GONE)
    assert not Person.objects.exists()
    assert "待导入的文件已不在" in job_page(client, job)


def test_a_job_runs_once(client, owner):
    job = queue(client, owner)
    run_queued_tasks()

    assert import_jobs.run(job.pk) == ImportJobStatus.DONE
    assert import_jobs.run(987654) == "missing"
    assert Person.objects.count() == 3
    assert AuditEvent.objects.filter(action="people.import").count() == 1


def test_the_people_import_reports_the_rows_read(owner, import_dir, tmp_path):
    path = tmp_path / "人员.csv"
    path.write_bytes(upload("人员.csv", GOOD_ROWS).getvalue())
    read: list[int] = []

    import_people(path, acting_user=owner, on_rows=read.append)

    assert read == [3]


def test_a_large_service_record_file_is_imported_by_the_worker_too(
    client, owner, register, make_service
):
    make_service("health_record", {"min_stay_months": 6}, name="居民健康档案")
    ids = [make_id(seq=seq) for seq in (101, 103, 105)]
    for n, id_number in enumerate(ids):
        register(name=f"甲{n}", id_number=id_number)
    content = "身份证号码,服务项目,服务日期\n"
    content += "".join(f"{id_number},health_record,2025-03-01\n" for id_number in ids)
    client.force_login(owner)

    response = web_import(
        client,
        SimpleUploadedFile("s.csv", content.encode("utf-8"), content_type="text/csv"),
        url="services:import",
    )

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("web:import_job", args=[job.pk])
    assert not ServiceEvent.objects.exists()
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.kind, job.created, job.error_rows) == (
        ImportJobStatus.DONE,
        "services",
        3,
        0,
    )
    assert ServiceEvent.objects.count() == 3
    assert reverse("services:import") in job_page(client, job)


def test_an_all_or_nothing_import_with_a_bad_row_writes_nothing_in_the_background(
    client, official, tmp_path
):
    make_indicator("vaccination", name="适龄儿童接种率", sort_order=1)
    make_indicator("records", name="健康档案建档率", sort_order=2)
    rows = [
        [YEAR, KUNDULUN, "vaccination", "流动人口比率", 95, 1, "区级"],
        [YEAR, KUNDULUN, "records", "流动人口比率", 90, 1, ""],
        [YEAR, KUNDULUN, "no_such_indicator", "流动人口比率", 90, 1, ""],
    ]
    path = write_xlsx(tmp_path / "targets.xlsx", rows)
    client.force_login(official)

    with open(path, "rb") as handle:
        web_import(client, handle, url="indicators:assessment_import")

    job = ImportJob.objects.get()
    assert (job.kind, job.all_or_nothing) == ("targets", True)
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.error_rows, job.created) == (ImportJobStatus.DONE, 1, 0)
    assert not Target.objects.exists()
    assert not ImportMapping.objects.exists()
    page = job_page(client, job)
    assert "有 1 行有错误,本次未导入任何数据。" in page
    # The file waits for a corrected try, as after the same refusal in the request.
    assert reverse("indicators:assessment_import_map", args=[job.token]) in page


def test_a_job_asked_for_in_english_runs_and_shows_in_english(client, owner, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    job = queue(client, owner, rows=BAD_ROWS)
    assert job.language == "en"
    assert "Queued" in job_page(client, job)

    run_queued_tasks()

    page = job_page(client, job)
    assert "Import: People" in page
    assert "Import done" in page
    assert "Import another file" in page
    assert "电话号码格式不正确" not in page  # the worker's errors in the asker's language


def test_the_upload_page_lists_the_users_own_recent_jobs_of_its_kind(client, owner, colleague):
    job = queue(client, owner)
    job_url = reverse("web:import_job", args=[job.pk])

    mine = client.get(reverse("people_io:import")).content.decode()
    services = client.get(reverse("services:import")).content.decode()
    client.force_login(colleague)
    theirs = client.get(reverse("people_io:import")).content.decode()

    assert job_url in mine
    assert "排队中" in mine
    assert job_url not in services
    assert job_url not in theirs


def test_an_office_register_run_by_the_worker_refuses_another_areas_person_as_the_request_does(
    client, owner, outsider, register, tmp_path
):
    # Given: another district's person, and the owner's office register (a title row, a
    # merged two-row header, other column names) that names that person again, with the ID
    # number typed in full-width digits and another name, beside two people of the owner's.
    theirs = register(
        id_number=make_id("410102", "19930715", 714),
        name="楚外人",
        grid=OTHER_GRID,
        by=outsider,
        arrived_on=dt.date(2023, 1, 5),
    )
    before = (theirs.name, theirs.area_code, theirs.updated_at)
    full_width = theirs.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    path = office_workbook(tmp_path / "登记表.xlsx")
    book = load_workbook(path)
    sheet = book.active
    sheet["C6"], sheet["D6"], sheet["K6"] = "冒名", full_width, GRID
    sheet["L6"], sheet["M6"] = dt.datetime(2024, 3, 1), "租房"
    sheet["P5"] = ""
    sheet["P7"] = "合计:3人"
    book.save(path)

    # When: the file (three data rows, over the threshold) is imported through the page
    # and the worker runs the job.
    client.force_login(owner)
    file = SimpleUploadedFile("登记表.xlsx", path.read_bytes())
    response = web_import(client, file)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("web:import_job", args=[job.pk])
    assert job.header_row == 2  # the header (rows 2–3) found below the title, as previewed
    assert run_queued_tasks() == 1

    # Then: the owner's two people are imported; the other area's person is refused as
    # outside the owner's area and left as they were, and the page says whom to ask.
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert (job.created, job.updated, job.error_rows) == (2, 0, 1)
    assert Person.objects.by_id_number(theirs.id_number).count() == 1
    theirs.refresh_from_db()
    assert (theirs.name, theirs.area_code, theirs.updated_at) == before
    page = job_page(client, job)
    assert "您的管辖区域以外(青山区)" in page
    # Nothing about the registered person is told: not their name, grid or arrival.
    assert [s for s in ("楚外人", OTHER_GRID, "2023-01-05") if s in page] == []
