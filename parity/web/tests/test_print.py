"""Printing (issue 13): a 打印 button on person pages, the work list, the assessment and
the report, and a print style sheet that leaves the menus out."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from parity.conftest import make_id

pytestmark = pytest.mark.django_db


def test_person_pages_and_the_work_list_have_a_print_button(login, register, owner):
    person = register(name="李雷", id_number=make_id(seq=201))
    client = login(owner)
    for url in (reverse("web:person_detail", args=[person.pk]), reverse("services:worklist")):
        assert "data-print" in client.get(url).content.decode(), url


def test_the_assessment_and_the_report_have_a_print_button(login, admin_user, areas):
    client = login(admin_user)
    for name in ("indicators:assessment", "reports:report"):
        assert "data-print" in client.get(reverse(name)).content.decode(), name


def test_the_style_sheet_prints_without_the_menus():
    css = (Path(settings.BASE_DIR) / "parity/web/static/web/parity.css").read_text()
    printed = css[css.index("@media print") :]
    assert ".topbar" in printed and ".filters" in printed
