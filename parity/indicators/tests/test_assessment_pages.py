"""The assessment pages: the ranking and targets of a year and area, the add/edit form,
the downloads (.xlsx and .docx), the import page, and who sees what."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import (
    CITY,
    DONGHE,
    KUNDULUN,
    QINGSHAN,
    STREET,
    YEAR,
    make_indicator,
    make_snapshot,
    put,
    xlsx_bytes,
)
from parity.people.tests.web import web_import

pytestmark = pytest.mark.django_db


def page(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": YEAR, **params}.items())
    return reverse("indicators:assessment") + "?" + query


def download(fmt: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": YEAR, **params}.items())
    return reverse("indicators:assessment_download", args=[fmt]) + "?" + query


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def city(areas):
    """Targets and values for three districts and a street of 昆都仑区."""
    vaccination = make_indicator("vaccination", name="适龄儿童接种率", sort_order=1)
    records = make_indicator("records", name="健康档案建档率", sort_order=2)
    snapshot = make_snapshot()
    values = {
        KUNDULUN: ((95, 100), (80, 100)),
        QINGSHAN: ((50, 100), (0, 0)),
        DONGHE: ((90, 100), (90, 100)),
        STREET: ((60, 100), (60, 100)),
    }
    for code, (v, r) in values.items():
        put(snapshot, vaccination, code, v, (95, 100))
        put(snapshot, records, code, r, (90, 100))
        Target.objects.create(year=YEAR, area=areas[code], indicator=vaccination, value=90)
        Target.objects.create(
            year=YEAR, area=areas[code], indicator=records, value=80, note=f"备注{code}"
        )
    return {"vaccination": vaccination, "records": records, "snapshot": snapshot}


def test_the_city_page_ranks_the_districts_with_their_targets(login, admin_user, city):
    response = login(admin_user).get(page(area=CITY))
    assert response.status_code == 200
    ranking = response.context["a"].ranking
    assert [(i.area.code, i.rank, i.score) for i in ranking[:3]] == [
        (DONGHE, 1, Decimal("100.00")),
        (KUNDULUN, 1, Decimal("100.00")),
        (QINGSHAN, 3, Decimal("55.56")),
    ]
    html = response.content.decode()
    assert "下级区域得分排名" in html and "昆都仑区" in html and "青山区" in html
    assert "无数据" in html  # 青山区's records target has no denominator
    assert "考核口径:得分、完成度与均等化指数的定义" in html
    assert 'id="target-form"' in html


def test_a_district_official_sees_the_district_and_its_streets_only(login, official, city):
    client = login(official)
    response = client.get(reverse("indicators:assessment") + f"?year={YEAR}")
    assert response.status_code == 200
    assert response.context["area"].code == KUNDULUN
    assert all(i.area.code.startswith(KUNDULUN) for i in response.context["a"].ranking)
    html = response.content.decode()
    assert "备注150203001" in html and "备注150204" not in html and "青山区" not in html
    for code in (QINGSHAN, CITY):
        assert client.get(page(area=code)).status_code == 404
        assert client.get(download("xlsx", area=code)).status_code == 404


def test_an_outsider_sees_nothing_of_the_district_and_cannot_set_targets(login, outsider, city):
    client = login(outsider)
    assert client.get(page(area=KUNDULUN)).status_code == 404
    assert client.get(download("docx", area=KUNDULUN)).status_code == 404
    own = client.get(page())
    assert own.status_code == 200 and own.context["form"] is None
    assert "备注" + KUNDULUN not in own.content.decode()
    data = {"year": YEAR, "area": "150204001001001", "indicator": "vaccination", "value": "90"}
    assert client.post(page(), data).status_code == 403
    assert client.get(reverse("indicators:assessment_import")).status_code == 403
    assert not Target.objects.filter(area__code__startswith="150204001").exists()


def test_an_official_adds_and_edits_a_target_from_the_page(login, official, city, areas):
    client = login(official)
    data = {
        "year": YEAR,
        "area": STREET,
        "indicator": "vaccination",
        "measure": "ratio",
        "value": "85",
        "weight": "2",
        "note": "改",
    }
    response = client.post(page(area=KUNDULUN), data)
    assert response.status_code == 302
    target = Target.objects.get(area__code=STREET, indicator__code="vaccination")
    assert (target.measure, target.value, target.weight) == ("ratio", Decimal(85), Decimal(2))
    # The edit link fills the form with the target.
    edit = client.get(page(area=KUNDULUN, edit=target.pk))
    assert edit.context["form"].initial["value"] == Decimal(85)
    assert edit.context["form"].initial["area"] == STREET


def test_a_bad_target_is_shown_next_to_its_field_and_not_saved(login, official, city):
    data = {"year": YEAR, "area": QINGSHAN, "indicator": "records", "value": "150"}
    response = login(official).post(page(area=KUNDULUN), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "不在您的考核管辖范围内" in errors["area"][0]
    assert "目标值应在0到100之间" in errors["value"][0]
    assert not Target.objects.filter(area__code=QINGSHAN, value=150).exists()


def test_an_official_deletes_a_target_inside_the_district_only(login, official, city):
    client = login(official)
    own = Target.objects.get(area__code=STREET, indicator__code="records")
    other = Target.objects.get(area__code=QINGSHAN, indicator__code="records")
    assert client.post(reverse("indicators:target_delete", args=[other.pk])).status_code == 404
    response = client.post(reverse("indicators:target_delete", args=[own.pk]))
    assert response.status_code == 302
    assert not Target.objects.filter(pk=own.pk).exists()
    assert Target.objects.filter(pk=other.pk).exists()


def test_the_workbook_has_the_ranking_and_a_sheet_per_district(login, admin_user, city):
    from openpyxl import load_workbook

    response = login(admin_user).get(download("xlsx", area=CITY))
    assert response.status_code == 200
    assert f'filename="assessment-{CITY}-{YEAR}.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "得分排名"
    assert "昆都仑区(150203)" in book.sheetnames and "口径说明" in book.sheetnames
    rows = list(book["得分排名"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:6] == (1, DONGHE, "东河区", 100, 2, 2)
    assert rows[1][:6] == (1, KUNDULUN, "昆都仑区", 100, 2, 2)
    assert rows[2][:4] == (3, QINGSHAN, "青山区", 55.56)
    assert rows[3][0] == "—"


def test_the_document_is_a_chinese_report_with_the_ranking_and_a_chart(login, admin_user, city):
    from docx import Document

    response = login(admin_user).get(download("docx", area=CITY))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"包头市{YEAR}年度基本公共服务均等化目标考核" in text
    assert "一、考核口径" in text and "得分:" in text and "均等化指数:" in text
    assert "二、得分排名" in text and "最高为东河区、昆都仑区(100.00分)" in text
    ranking = document.tables[0]
    assert [c.text for c in ranking.rows[0].cells][:4] == ["名次", "区划代码", "区划", "得分"]
    assert [c.text for c in ranking.rows[2].cells][:4] == ["1", KUNDULUN, "昆都仑区", "100.00"]
    assert len(document.inline_shapes) == 1
    # One table per district with targets (昆都仑区, 东河区, 青山区) after the ranking.
    assert len(document.tables) == 4
    headings = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert any(h.startswith("青山区(得分 55.56,达标 0/2)") for h in headings)


def test_the_import_page_shows_errors_by_row_and_column_and_saves_nothing(
    login, official, city, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path  # uploads are kept per user: not in the real var/
    client = login(official)
    bad = [YEAR, "150204", "vaccination", "", 95, 1, ""]
    good = [YEAR, STREET, "vaccination", "", 70, 1, ""]
    upload = SimpleUploadedFile("targets.xlsx", xlsx_bytes([good, bad]))
    before = Target.objects.count()
    response = web_import(client, upload, url="indicators:assessment_import")
    html = response.content.decode()
    assert response.status_code == 200
    assert "有 1 行有错误,本次未导入任何数据。" in html
    assert "青山区(150204)不在您的考核管辖范围内" in html
    assert Target.objects.count() == before
    assert Target.objects.get(area__code=STREET, indicator__code="vaccination").value == 90
    error_file = response.context["error_file"]
    assert client.get(reverse("people_io:error_file", args=[error_file])).status_code == 200

    upload = SimpleUploadedFile("targets.xlsx", xlsx_bytes([good]))
    response = web_import(client, upload, url="indicators:assessment_import")
    assert response.context["result"].updated == 1
    assert Target.objects.get(area__code=STREET, indicator__code="vaccination").value == 70


def test_the_template_downloads_for_an_assessor(login, official, city):
    from openpyxl import load_workbook

    response = login(official).get(reverse("indicators:assessment_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.worksheets[0][2]][1] == KUNDULUN


def test_the_page_reads_a_fixed_number_of_queries(
    login, admin_user, city, areas, django_assert_max_num_queries
):
    client = login(admin_user)
    client.get(page(area=CITY))  # warm the session and the user
    with django_assert_max_num_queries(30) as few:
        client.get(page(area=CITY))
    for code in ("150205", "150206", "150207", "150221"):
        put(city["snapshot"], city["vaccination"], code, (80, 100))
        Target.objects.create(year=YEAR, area=areas[code], indicator=city["vaccination"], value=90)
        Target.objects.create(year=YEAR, area=areas[code], indicator=city["records"], value=90)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page(area=CITY))


def test_the_page_reads_in_english_when_chosen(login, admin_user, city, settings):
    client = login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(page(area=CITY)).content.decode()
    assert "Ranking of the areas below" in html and "Definitions: score, achievement" in html
    assert "Set a target" in html and "No data" in html


def test_a_year_without_a_computation_says_so_and_still_downloads(login, official, city):
    client = login(official)
    html = client.get(page(year=2025)).content.decode()
    assert "2025年尚无已完成的指标计算" in html
    from docx import Document

    document = Document(io.BytesIO(client.get(download("docx", year=2025)).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "该年度尚无已完成的指标计算" in text and "该年度尚未设定考核目标。" in text
    assert not document.inline_shapes


def _open_target(user, target) -> dict:
    """The edit form of ``target`` as ``user``'s browser holds it: the data it would post."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    initial = client.get(page(area=KUNDULUN, edit=target.pk)).context["form"].initial
    data = {key: value for key, value in initial.items() if value is not None}
    return {"client": client, "data": data}


def test_a_second_edit_of_the_same_target_is_refused_and_names_the_first(
    official, admin_user, city
):
    target = Target.objects.get(area__code=STREET, indicator__code="vaccination")
    first, second = _open_target(official, target), _open_target(admin_user, target)
    url = page(area=KUNDULUN, edit=target.pk)
    assert first["client"].post(url, {**first["data"], "value": "85"}).status_code == 302

    response = second["client"].post(url, {**second["data"], "value": "70"})

    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert "已被他人修改" in message and "official" in message and "85" in message
    assert response.context["form"].initial["value"] == Decimal(85)
    target.refresh_from_db()
    assert target.value == Decimal(85)


def test_an_edit_form_switched_to_another_indicator_saves_that_target_without_a_conflict(
    official, admin_user, city
):
    target = Target.objects.get(area__code=STREET, indicator__code="vaccination")
    opened = _open_target(official, target)
    _open_target(admin_user, target)["client"].post(
        page(area=KUNDULUN, edit=target.pk),
        {**_open_target(admin_user, target)["data"], "value": "85"},
    )

    response = opened["client"].post(
        page(area=KUNDULUN, edit=target.pk),
        {**opened["data"], "indicator": "records", "value": "70"},
    )

    assert response.status_code == 302
    assert Target.objects.get(area__code=STREET, indicator__code="records").value == Decimal(70)
