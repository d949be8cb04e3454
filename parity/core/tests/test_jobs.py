import csv
import io

import pytest
from django.core.management import call_command
from prometheus_client import REGISTRY

from parity.conftest import GRID, make_id
from parity.core import jobs
from parity.core.jobs import job
from parity.people.imports import HEADERS


def runs(name: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "parity_job_duration_seconds_count", {"job": name, "outcome": outcome}
    )
    return value or 0.0


def test_a_job_is_timed_counted_and_logged_with_its_counts(log_lines):
    before = runs("unit_job", "done")
    with job("unit_job", file="people.csv") as summary:
        summary["rows"] = 3
    assert runs("unit_job", "done") == before + 1
    assert REGISTRY.get_sample_value(
        "parity_job_last_success_timestamp_seconds", {"job": "unit_job"}
    )
    started, finished = [line for line in log_lines() if line["logger"] == "parity.core.jobs"]
    assert started["message"] == "job started"
    assert finished["message"] == "job finished"
    assert finished["job"] == "unit_job"
    assert finished["file"] == "people.csv"
    assert finished["rows"] == 3
    assert finished["seconds"] >= 0


def test_a_failed_job_is_counted_as_failed_and_its_error_goes_on(log_lines):
    before = runs("failing_job", "failed")
    with pytest.raises(RuntimeError), job("failing_job"):
        raise RuntimeError("boom")
    assert runs("failing_job", "failed") == before + 1
    [failed] = [line for line in log_lines() if line["message"] == "job failed"]
    assert failed["level"] == "ERROR"
    assert failed["error"] == "RuntimeError"


def test_a_job_goes_on_when_its_metrics_cannot_be_written(monkeypatch, log_lines):
    def unwritable(**labels):
        raise PermissionError("metrics directory")

    monkeypatch.setattr(jobs.JOB_SECONDS, "labels", unwritable)
    with job("unmeasured_job") as summary:
        summary["rows"] = 1
    messages = [line["message"] for line in log_lines()]
    assert messages == ["job started", "job metrics not recorded", "job finished"]


@pytest.mark.django_db
def test_the_nightly_commands_observe_their_duration(areas, log_lines):
    immunization = runs("refresh_immunization", "done")
    indicators = runs("refresh_indicators", "done")
    call_command("refresh_immunization", verbosity=0)
    call_command("refresh_indicators", stdout=io.StringIO())
    assert runs("refresh_immunization", "done") == immunization + 1
    assert runs("refresh_indicators", "done") == indicators + 1
    messages = {line["message"] for line in log_lines()}
    assert {"pending doses refreshed", "indicators refreshed"} <= messages


@pytest.mark.django_db
def test_the_import_command_observes_its_duration_and_logs_counts_not_rows(
    owner, tmp_path, log_lines
):
    id_number = make_id("410102", "19900101", 321)
    path = tmp_path / "people.csv"
    values = {"姓名": "王五", "身份证号码": id_number, "网格代码": GRID, "来本地日期": "2024-03-01",
              "住所类型": "出租房屋", "联系电话": "13812345678"}  # fmt: skip
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        out.writerow([values.get(h, "") for h in HEADERS])
    before = runs("import_people", "done")
    call_command("import", "people", str(path), "--user", "owner", verbosity=0)
    assert runs("import_people", "done") == before + 1
    [imported] = [line for line in log_lines() if line["message"] == "people imported"]
    assert imported["file"] == "people.csv"
    assert imported["user_id"] == owner.pk
    assert (imported["rows"], imported["rows_created"], imported["rows_with_errors"]) == (1, 1, 0)
    assert id_number not in log_lines.text()
    assert "13812345678" not in log_lines.text()
    assert "王五" not in log_lines.text()
