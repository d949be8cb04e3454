import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_by_default(login, owner):
    html = login(owner).get(reverse("web:home")).content.decode()
    assert "流动人口" in html
    assert 'lang="zh-Hans"' in html


def test_english_is_served_once_the_language_is_switched(login, owner):
    client = login(owner)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/people/"})
    assert response.status_code == 302
    home = client.get(reverse("web:home")).content.decode()
    search = client.get(reverse("web:person_list")).content.decode()
    assert "Floating population" in home
    assert 'lang="en"' in home
    assert "Search" in search
    assert "Inflow population" in search
    assert "人员查询" not in search


def test_the_login_page_switches_language_too(client, areas):
    client.post(reverse("set_language"), {"language": "en"})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(login, owner):
    html = login(owner).get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-Hans"' in html.content.decode()
