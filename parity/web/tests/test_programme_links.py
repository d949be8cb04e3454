import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.conftest import make_id

pytestmark = pytest.mark.django_db


def links(client, person) -> str:
    html = client.get(reverse("web:person_detail", args=[person.pk])).content.decode()
    start = html.find('class="card programme-links"')
    return html[start : html.find("</nav>", start)] if start >= 0 else ""


def test_a_small_child_s_page_links_to_vaccination_and_child_health_checks(login, owner, register):
    born = timezone.localdate() - dt.timedelta(days=400)
    child = register(id_number=make_id("410102", born.strftime("%Y%m%d"), 11), arrived_on=born)
    html = links(login(owner), child)
    assert reverse("immunization:person", args=[child.pk]) in html
    assert reverse("maternal:child_checks", args=[child.pk]) in html
    assert "婚育证明" not in html


def test_a_migrant_woman_s_page_links_to_maternal_care_certificate_and_permit(
    login, owner, register
):
    woman = register(id_number=make_id("410102", "19950101", 12))
    html = links(login(owner), woman)
    for name in ("maternal:person", "certificates:person", "certificates:permit"):
        assert reverse(name, args=[woman.pk]) in html
    assert reverse("immunization:person", args=[woman.pk]) not in html


def test_a_registered_man_s_page_has_no_programme_links(login, owner, register):
    man = register(id_number=make_id("150203", "19700101", 13))
    assert links(login(owner), man) == ""
