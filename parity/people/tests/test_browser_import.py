"""A grid worker on a phone, in Debian's Chromium, imports the register the community
keeps: upload, the preview with the proposed mapping (one column changed by hand), the
check of the whole file (nothing written), the import; the warnings and the error file."""

import pytest

from parity.conftest import GRID, browser_log_in, make_id
from parity.people.models import Person
from parity.people.tests.web import browser_error_rows, browser_upload, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register_file(path):
    return workbook(
        path,
        [
            ["XX社区流动人口登记表"],
            ["序号", "人名", "公民身份号码", "所属网格", "来包时间", "居住方式", "手机号码"],
            [1, "周梅", make_id(seq=521), GRID, "2024-01-01", "租房", "138 1234 5678"],
            [2, "老人", make_id(birth="19050101", seq=11), GRID, "2024-01-01", "租住", ""],
            [3, "错号", make_id(seq=523), GRID, "2024-01-01", "租房", "12345"],
        ],
    )


def test_a_grid_worker_on_a_phone_maps_checks_and_imports_a_register(
    browser_page, owner, tmp_path, settings
):
    settings.IMPORT_DIR = tmp_path / "imports"
    page = browser_page
    browser_log_in(page, "owner", "pw-owner-123")

    browser_upload(page, "/people/io/import/", register_file(tmp_path / "台账.xlsx"))

    # The header was found on row 2 under the title; 人名 is no known name: map it by hand.
    assert page.input_value("select[name=header_row]") == "2"
    assert "还缺少必填的列:姓名" in page.inner_text("#mapping")
    assert page.input_value("select[name=col_2]") == "身份证号码"
    assert page.input_value("select[name=col_5]") == "住所类型"
    page.select_option("select[name=col_1]", "姓名")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("button[value=check]")
    page.wait_for_selector("#check-result")
    assert "检查结果(尚未写入)" in page.inner_text("#check-result")
    assert page.inner_text("#count-created") == "2"
    assert "电话号码" in page.inner_text("#errors")
    assert not Person.objects.exists()
    assert page.input_value("select[name=col_1]") == "姓名"  # the changed mapping is kept

    page.click("button[value=import]")
    page.wait_for_selector("#import-result")
    assert page.inner_text("#count-created") == "2"
    warnings = page.inner_text("#warnings")
    assert "老人" in warnings and "超过110岁" in warnings
    assert "第5行" in page.inner_text("#errors")
    assert sorted(Person.objects.values_list("name", flat=True)) == ["周梅", "老人"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    rows = browser_error_rows(page)
    assert rows[0] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert rows[1][:2] == [4, "老人"] and rows[1][5] == "提醒"
    assert rows[2][:4] == [5, "错号", "联系电话", "12345"]
