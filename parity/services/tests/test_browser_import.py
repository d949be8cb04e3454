"""A grid worker on a phone, in Debian's Chromium, imports the service register the health
station keeps, through the same steps as the people import: upload, the preview with the
proposed mapping (one column mapped by hand), the check (nothing written), the import; the
warnings and the error file."""

import pytest

from parity.conftest import browser_log_in, make_id
from parity.people.tests.web import browser_error_rows, browser_upload, workbook
from parity.services.models import ServiceEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register_file(path):
    return workbook(
        path,
        [
            ["沼潭街道卫生服务站服务登记"],
            ["序号", "姓名", "号码", "服务内容", "服务时间", "病种", "随访医生"],
            [1, "周梅", make_id(seq=521), "建档", "2025-03-01", "高血压", "李医生"],
            [2, "王五", make_id(seq=523), "建档", "2099-03-01", "", "李医生"],
        ],
    )


def test_a_grid_worker_on_a_phone_maps_checks_and_imports_a_service_register(
    browser_page, owner, register, health_record, followup, tmp_path, settings
):
    settings.IMPORT_DIR = tmp_path / "imports"
    register(name="周梅", id_number=make_id(seq=521))
    register(name="王五", id_number=make_id(seq=523))
    page = browser_page
    browser_log_in(page, "owner", "pw-owner-123")

    browser_upload(page, "/services/import/", register_file(tmp_path / "服务台账.xlsx"))

    # The header was found on row 2 under the title; 号码 is no known name: map it by hand.
    assert page.input_value("select[name=header_row]") == "2"
    assert "还缺少必填的列:身份证号码" in page.inner_text("#mapping")
    assert "这些列不会导入:号码、随访医生" in page.inner_text("#unknown-columns")
    assert page.input_value("select[name=col_3]") == "服务项目"
    page.select_option("select[name=col_2]", "身份证号码")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("button[value=check]")
    page.wait_for_selector("#check-result")
    assert "检查结果(尚未写入)" in page.inner_text("#check-result")
    assert page.inner_text("#count-created") == "1"
    assert not ServiceEvent.objects.exists()

    page.click("button[value=import]")
    page.wait_for_selector("#import-result")
    assert page.inner_text("#count-created") == "1"
    assert "没有“病种”这一明细,该值未导入" in page.inner_text("#warnings")
    assert "第4行" in page.inner_text("#errors")
    assert list(ServiceEvent.objects.values_list("person__name", "service_type__code")) == [
        ("周梅", "health_record")
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    rows = browser_error_rows(page)
    assert rows[1][:3] == [3, "周梅", "病种"] and rows[1][5] == "提醒"
    assert rows[2][:3] == [4, "王五", "服务日期"] and rows[2][5] == "错误"
