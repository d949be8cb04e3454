"""The main menu: five groups instead of twenty links in a row (issue 13)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

GROUPS = ["人口登记", "公共服务", "重点人群", "统计考核", "系统"]


def test_the_menu_has_five_groups_and_no_loose_links_but_home(login, admin_user):
    html = login(admin_user).get(reverse("web:home")).content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>", html.index("mainnav"))]
    assert re.findall(r"<summary>([^<]+)</summary>", nav) == GROUPS
    loose = re.sub(r"<details.*?</details>", "", nav, flags=re.S)
    assert len(re.findall(r"<a ", loose)) == 1  # 首页


def test_the_group_of_the_page_is_marked_active(login, admin_user):
    html = login(admin_user).get(reverse("web:person_list")).content.decode()
    assert re.search(r'<details name="mainnav" class="navgroup active">\s*<summary>人口登记', html)
    assert html.count("navgroup active") == 1
