"""Area codes follow their level's structure, so no scope prefix reaches another's grids."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from parity.areas.actions import area_tree_load
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.areas.rules import area_code_problems, check_area_code
from parity.core.error_codes import ErrorCode


def _codes(exc: ValidationError) -> list[str | None]:
    return [e.code for errors in exc.error_dict.values() for e in errors]


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("1502", Level.CITY, None),
        ("150203", Level.DISTRICT, "1502"),
        ("150203001", Level.STREET, "150203"),
        ("150203001001", Level.COMMUNITY, "150203001"),
        ("150203001001004", Level.GRID, "150203001001"),
    ],
)
def test_a_code_of_the_right_length_under_its_parent_is_accepted(db, code, level, parent):
    check_area_code(code, level=level, parent_code=parent)


@pytest.mark.parametrize(
    ("code", "level", "parent", "error", "words"),
    [
        ("15020300100", Level.COMMUNITY, "150203001", ErrorCode.AREA_CODE_FORMAT, "12 位"),
        ("1502030010011", Level.COMMUNITY, "150203001", ErrorCode.AREA_CODE_FORMAT, "12 位"),
        ("150204001", Level.STREET, "150203", ErrorCode.AREA_CODE_PARENT, "150203"),
        ("15020300１", Level.STREET, "150203", ErrorCode.AREA_CODE_FORMAT, "数字"),
        ("150203000", Level.STREET, "150203", ErrorCode.AREA_CODE_FORMAT, "全为 0"),
        ("150200", Level.DISTRICT, "1502", ErrorCode.AREA_CODE_FORMAT, "全为 0"),
        ("15020", Level.CITY, None, ErrorCode.AREA_CODE_FORMAT, "4 位"),
    ],
)
def test_a_malformed_code_is_refused_naming_the_level_and_length(
    db, code, level, parent, error, words
):
    with pytest.raises(ValidationError) as refused:
        check_area_code(code, level=level, parent_code=parent)

    assert _codes(refused.value) == [error]
    message = refused.value.messages[0]
    assert str(Level(level).label) in message and words in message


def test_the_admin_refuses_a_prefix_sibling_code_under_a_street(staff_admin, areas):
    street = areas["150203001"]

    response = staff_admin.post(
        "/admin/areas/area/add/", {"parent": street.pk, "code": "15020300100", "name": "重叠社区"}
    )

    assert response.status_code == 200
    assert "社区/村代码应为 12 位数字" in response.content.decode()
    assert not Area.objects.filter(code="15020300100").exists()


def test_the_admin_accepts_a_valid_grid_code(staff_admin, areas):
    community = areas["150203001001"]

    response = staff_admin.post(
        "/admin/areas/area/add/",
        {"parent": community.pk, "code": "150203001001004", "name": "第4网格"},
    )

    assert response.status_code == 302
    assert Area.objects.get(code="150203001001004").level == Level.GRID


def test_the_loader_refuses_a_prefix_sibling_code_and_writes_nothing(db):
    tree = {
        "code": "1502",
        "name": "包头市",
        "children": [
            {
                "code": "150203",
                "name": "昆都仑区",
                "children": [
                    {
                        "code": "150203001",
                        "name": "沼潭街道",
                        "children": [
                            {"code": "150203001001", "name": "社区甲"},
                            {"code": "15020300100", "name": "重叠社区"},
                        ],
                    }
                ],
            }
        ],
    }

    with pytest.raises(ValidationError, match="15020300100"):
        area_tree_load(acting_user=None, tree=tree)
    assert not Area.objects.exists()


def test_the_bundled_tree_still_loads_and_breaks_no_rule(areas):
    assert len(areas) > 200
    assert area_code_problems() == []


def _legacy(code: str, parent: str, level: int) -> Area:
    # Written as older versions could, before the rule: no clean().
    return Area.objects.create(
        code=code, name="旧数据", level=level, parent=Area.objects.get(code=parent)
    )


def test_a_new_code_overlapping_a_stored_legacy_node_is_refused(areas):
    _legacy("15020300100", "150203001", Level.COMMUNITY)

    with pytest.raises(ValidationError) as refused:
        check_area_code("150203001009", level=Level.COMMUNITY, parent_code="150203001")

    assert _codes(refused.value) == [ErrorCode.AREA_CODE_OVERLAP]
    assert "15020300100" in refused.value.messages[0]


def test_the_check_lists_stored_codes_that_break_the_rule(areas, capsys):
    _legacy("15020300100", "150203001", Level.COMMUNITY)

    with pytest.raises(CommandError, match="^1 area code"):
        call_command("check_area_codes")

    out = capsys.readouterr().out
    assert "15020300100\t旧数据\t" in out and "12 位" in out


def test_the_check_passes_on_a_clean_tree(areas, capsys):
    call_command("check_area_codes")

    assert "all follow the rule" in capsys.readouterr().out
