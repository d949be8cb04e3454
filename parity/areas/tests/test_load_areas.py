import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from parity.areas.actions import area_tree_load
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.models import AuditEvent


def test_the_demo_tree_has_the_ten_districts_of_the_report(areas):
    districts = dict(Area.objects.filter(level=Level.DISTRICT).values_list("code", "name"))
    assert districts == {
        "150202": "东河区",
        "150203": "昆都仑区",
        "150204": "青山区",
        "150205": "石拐区",
        "150206": "白云鄂博矿区",
        "150207": "九原区",
        "150221": "土默特右旗",
        "150222": "固阳县",
        "150223": "达尔罕茂明安联合旗",
        "150271": "稀土高新区",
    }


def test_every_child_code_starts_with_its_parents(areas):
    for area in Area.objects.select_related("parent").exclude(parent=None):
        assert area.parent is not None
        assert area.code.startswith(area.parent.code)
        assert area.level == area.parent.level + 1


@pytest.mark.django_db
def test_loading_twice_creates_nothing_the_second_time(capsys):
    call_command("load_areas")
    count = Area.objects.count()
    call_command("load_areas")
    assert Area.objects.count() == count
    assert "0 new, 0 updated" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="area.load").count() == 1


@pytest.mark.django_db
def test_a_tree_with_a_child_code_outside_its_parent_is_rejected_whole():
    tree = {
        "code": "1502",
        "name": "包头市",
        "children": [
            {"code": "150203", "name": "昆都仑区"},
            {"code": "140203", "name": "错区"},
        ],
    }
    with pytest.raises(ValidationError, match="140203"):
        area_tree_load(acting_user=None, tree=tree)
    assert not Area.objects.exists()


def test_a_subtree_is_a_code_prefix(areas):
    district = areas["150203"]
    assert Area.objects.within(district.code).grids().count() == 5 * 2 * 3
