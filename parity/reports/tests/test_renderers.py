"""The report as Markdown, .xlsx and .docx, from the command line and from the web page."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from parity.core import fonts
from parity.reports.content import tables
from parity.reports.figures import figures
from parity.reports.renderers import render

pytestmark = pytest.mark.django_db


def test_the_markdown_has_the_reports_sentences_with_the_numbers(city, polio, as_of):
    text = render(figures(as_of=as_of, area="1502"), "md").decode()
    date = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    assert f"据统计,截至{date},我市流动人口已达10人,其中流入人口为9人,流出人口为1人" in text
    assert "流动人口中已婚育龄妇女2人" in text
    assert "是十年前同期(1人)的10倍" in text
    assert "来自4个省级地区" in text
    assert "应种儿童3人,实种儿童0人,接种率为0.00%" in text
    assert "## (一)计划生育基本公共服务情况" in text
    assert "| 流动人口 | 10 | 1 |" in text
    assert "### 统计口径" in text


def test_a_districts_markdown_names_the_district(city, as_of):
    text = render(figures(as_of=as_of, area="150204"), "md").decode()
    assert "青山区流动人口已达1人" in text


def test_the_workbook_has_one_sheet_per_table(city, polio, as_of):
    from openpyxl import load_workbook

    result = figures(as_of=as_of, area="1502")
    book = load_workbook(io.BytesIO(render(result, "xlsx")))
    assert book.sheetnames == [t.title for t in tables(result)]
    scale = book["流动人口规模"]
    assert [c.value for c in scale[4]] == ["流动人口", 10, 1]


def test_the_document_opens_and_holds_the_tables_and_charts(city, polio, as_of):
    from docx import Document

    result = figures(as_of=as_of, area="1502")
    document = Document(io.BytesIO(render(result, "docx")))
    assert len(document.tables) == len(tables(result))
    assert document.inline_shapes and len(document.inline_shapes) >= 1
    text = "\n".join(p.text for p in document.paragraphs)
    assert "据统计" in text and "(二)医疗卫生基本公共服务情况" in text


def test_a_missing_cjk_font_names_the_debian_package(city, as_of, monkeypatch):
    from matplotlib import font_manager

    fonts.cjk_font_path.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    try:
        with pytest.raises(ImproperlyConfigured, match="fonts-noto-cjk"):
            render(figures(as_of=as_of, area="1502"), "docx")
    finally:
        fonts.cjk_font_path.cache_clear()


def test_the_command_prints_markdown_and_writes_files(city, as_of, tmp_path):
    out = StringIO()
    call_command("report", as_of=as_of.isoformat(), area="150203", stdout=out)
    assert "流动人口已达6人" in out.getvalue()
    target = tmp_path / "r.xlsx"
    call_command(
        "report", as_of=as_of.isoformat(), fmt="xlsx", output=str(target), stderr=StringIO()
    )
    assert target.read_bytes()[:2] == b"PK"


def test_the_page_shows_the_report_and_downloads_each_format(client, admin_user, city, as_of):
    client.force_login(admin_user)
    url = reverse("reports:report")
    page = client.get(url, {"area": "1502", "as_of": as_of.isoformat()})
    assert page.status_code == 200
    assert "流动人口已达7人" in page.content.decode()
    for fmt, start in (("md", b"# "), ("xlsx", b"PK"), ("docx", b"PK")):
        response = client.get(url, {"area": "1502", "as_of": as_of.isoformat(), "format": fmt})
        assert response.status_code == 200
        assert f".{fmt}\"; filename*=UTF-8''" in response["Content-Disposition"]
        assert response.content.startswith(start)


def test_the_page_defaults_to_the_users_area_and_refuses_one_outside_it(
    client, official, city, as_of
):
    client.force_login(official)  # 昆都仑区
    url = reverse("reports:report")
    page = client.get(url, {"as_of": as_of.isoformat()})
    assert page.status_code == 200
    assert "昆都仑区流动人口已达6人" in page.content.decode()
    assert client.get(url, {"area": "150204"}).status_code == 404
    assert client.get(url, {"area": "1502", "format": "md"}).status_code == 404


def test_the_page_needs_a_login(client, db):
    response = client.get(reverse("reports:report"))
    assert response.status_code == 302


def test_the_document_is_in_the_official_format_of_gb_t_9704(city, as_of):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document(io.BytesIO(render(figures(as_of=as_of, area="1502"), "docx")))
    section = document.sections[0]
    sizes = (
        section.page_width, section.page_height, section.top_margin, section.bottom_margin,
        section.left_margin, section.right_margin,
    )  # fmt: skip
    # Stored in twentieths of a point: equal to a tenth of a millimetre.
    rounded = [None if value is None else round(value / Mm(1)) for value in sizes]
    assert rounded == [210, 297, 37, 35, 28, 26]

    def east_asian(style) -> str:
        return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    styles = document.styles
    assert east_asian(styles["Normal"]) == "仿宋" and styles["Normal"].font.size == Pt(16)
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体"
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer


def test_downloads_carry_a_chinese_file_name(client, admin_user, city, as_of):
    from urllib.parse import quote

    client.force_login(admin_user)
    response = client.get(
        reverse("reports:report"), {"area": "1502", "as_of": as_of.isoformat(), "format": "docx"}
    )
    assert quote("包头市流动人口基本公共服务均等化情况统计报告") in response["Content-Disposition"]
