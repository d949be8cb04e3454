from parity.areas.origins import lookup, province_names


def test_it_names_province_prefecture_and_county():
    origin = lookup("440305")
    assert (origin.province, origin.prefecture, origin.county) == ("广东省", "深圳市", "南山区")
    assert origin.label == "广东省深圳市南山区"


def test_it_resolves_a_retired_code():
    origin = lookup("110103")
    assert origin.known
    assert origin.county == "崇文区"


def test_it_picks_the_name_in_force_in_a_given_year():
    assert lookup("150205", 1990).county == "石拐矿区"
    assert lookup("150205").county == "石拐区"


def test_it_knows_the_functional_district_missing_from_the_national_table():
    assert lookup("150271").known
    assert "稀土" in lookup("150271").county


def test_it_marks_an_unknown_code_as_unknown_without_failing():
    assert not lookup("999999").known
    assert "999999" in lookup("999999").label


def test_it_resolves_hong_kong_macao_and_taiwan_permit_codes():
    assert lookup("810000").province == "香港特别行政区"
    assert lookup("830000").province == "台湾省"


def test_it_lists_every_provincial_level_region():
    names = province_names()
    assert names["15"] == "内蒙古自治区"
    assert len(names) == 34
