"""Forms as a clerk expects (issue 13): required fields marked before submitting, and no
Django 「---------」 in a choice list."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DASHES = "---------"


def test_the_registration_form_marks_required_fields_and_says_what_the_mark_means(login, owner):
    html = login(owner).get(reverse("web:person_register")).content.decode()
    assert 'class="field required"' in html
    assert "带 * 的为必填项" in html


@pytest.mark.parametrize("name", ["web:person_register", "web:audit_list", "web:person_list"])
def test_no_choice_list_offers_dashes(login, admin_user, name):
    html = login(admin_user).get(reverse(name)).content.decode()
    assert DASHES not in html


def test_the_empty_choice_reads_please_choose(login, owner):
    html = login(owner).get(reverse("web:person_register")).content.decode()
    assert '<option value="" selected>请选择</option>' in html or ">请选择</option>" in html
