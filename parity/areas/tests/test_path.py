"""Where a node lies (``Area.path``): lists show a grid as 街道 › 社区 › 网格, because the
demo city has the same community name in two districts (阳光社区 in 东河区 and 九原区)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file
from parity.areas.models import Area
from parity.conftest import GRID, make_id

pytestmark = pytest.mark.django_db


def test_a_grid_s_path_names_its_street_and_community_once(areas):
    assert areas["150202001001001"].path == "西脑包街道 › 阳光社区 › 第1网格"
    assert areas["150202001001"].path == "西脑包街道 › 阳光社区"
    assert areas["150202001"].path == "西脑包街道"
    assert areas["150202"].path == "东河区"


def test_the_same_grid_name_in_two_districts_has_two_paths(areas):
    grids = Area.objects.grids().filter(name="阳光社区第1网格")
    assert grids.count() > 1
    assert len({g.path for g in grids}) == grids.count()


def test_renaming_a_street_renames_the_paths_below_it(areas):
    tree = load_tree_file(BUNDLED_TREE)
    tree["children"][0]["children"][0]["name"] = "新街道"
    area_tree_load(acting_user=None, tree=tree)
    assert Area.objects.get(code="150202001001001").path == "新街道 › 阳光社区 › 第1网格"


def test_a_node_saved_on_its_own_gets_its_path(areas):
    grid = Area.objects.create(
        code="150202001001009", name="外来网格", level=5, parent=areas["150202001001"]
    )
    assert grid.path == "西脑包街道 › 阳光社区 › 外来网格"


def test_the_people_list_shows_the_grid_by_its_path(client, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    client.force_login(owner)
    html = client.get(reverse("web:person_list")).content.decode()
    assert Area.objects.get(code=GRID).path in html
