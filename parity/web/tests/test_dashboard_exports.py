"""Every table of the dashboard downloads as .xlsx with Chinese headers; the people behind a
figure are masked."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

CITY, DISTRICT = "1502", "150203"


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_the_equalization_table_downloads_with_its_counts(login, city_official, snapshot):
    url = reverse("web:dashboard_equalization_xlsx", args=[DISTRICT])
    rows = _sheet(login(city_official).get(url))
    header = rows[0]
    assert header[:5] == ("指标类别", "指标代码", "指标", "流动人口分子", "流动人口分母")
    assert "差距(百分点)" in header
    health = next(r for r in rows if r[1] == "health_record")
    assert health[0] == "基本公共卫生"
    assert health[3:9] == (2, 4, 50.0, 3, 3, 100.0)
    assert rows[-1][0] == "均等化指数" and rows[-1][-1] == 50.0


def test_the_children_table_downloads_with_the_chosen_indicator(login, city_official, snapshot):
    url = reverse("web:dashboard_children_xlsx", args=[CITY])
    rows = _sheet(login(city_official).get(url, {"indicator": "health_record"}))
    assert rows[0][:4] == ("区划代码", "名称", "流动人口", "均等化指数")
    assert len(rows[0]) == 12
    kundulun = next(r for r in rows if r[0] == DISTRICT)
    assert kundulun[1:4] == ("昆都仑区", 6, 50.0)
    assert kundulun[4:6] == (2, 4)


def test_an_indicator_s_children_and_breakdowns_download(login, city_official, snapshot):
    client = login(city_official)
    url = reverse("web:dashboard_indicator_children_xlsx", args=[DISTRICT, "health_record"])
    rows = _sheet(client.get(url))
    assert rows[0][:3] == ("区划代码", "名称", "流动人口分子")
    counted = {r[0] for r in rows[1:] if len(r) > 2 and r[2] is not None}
    assert counted == {"150203001", "150203002"}
    url = reverse("web:dashboard_indicator_breakdown_xlsx", args=[DISTRICT, "health_record", "sex"])
    rows = _sheet(client.get(url))
    assert rows[0][0] == "性别"
    assert {r[0]: r[2] for r in rows[1:]} == {"男": 3, "女": 1}


def test_a_breakdown_the_indicator_does_not_keep_is_a_404(login, city_official, snapshot):
    url = reverse(
        "web:dashboard_indicator_breakdown_xlsx",
        args=[DISTRICT, "elderly_health", "origin_province"],
    )
    assert login(city_official).get(url).status_code == 404


def test_the_people_behind_a_figure_download_masked(login, city_official, snapshot, small_city):
    url = reverse("web:dashboard_people_xlsx", args=[DISTRICT, "health_record"])
    rows = _sheet(login(city_official).get(url, {"side": "floating", "part": "denominator"}))
    assert rows[0] == ("姓名", "身份证号码", "性别", "出生日期", "人口类别", "网格", "区划代码")
    assert len(rows) == 1 + 4
    by_name = {r[0]: r for r in rows[1:]}
    henan = small_city["henan"]
    assert by_name["henan"][1] == henan.id_masked
    assert all(henan.id_number not in str(cell) for row in rows for cell in row)


def test_exports_follow_the_language(login, city_official, snapshot):
    client = login(city_official)
    client.post(reverse("set_language"), {"language": "en"})
    rows = _sheet(client.get(reverse("web:dashboard_equalization_xlsx", args=[CITY])))
    assert rows[0][:3] == ("Category", "Indicator code", "Indicator")
