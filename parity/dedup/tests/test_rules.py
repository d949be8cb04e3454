"""Each candidate rule, with cases where it holds and where it does not."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from parity.conftest import make_id
from parity.dedup import rules
from parity.dedup.choices import Reason
from parity.dedup.rules import Facts

BORN = dt.date(1990, 1, 1)
ID = make_id("150203", "19900101", 123)  # 150203199001011230 + check


def facts(pk: int, name: str = "王小明", **extra) -> Facts:
    values: dict[str, Any] = {
        "sex": "M",
        "birth_date": BORN,
        "hukou_code": "150203",
        "id_number": ID,
    }
    values.update(extra)
    return Facts(pk=pk, name=name, **values)


def one_char_typo(number: str, position: int) -> str:
    digit = str((int(number[position]) + 1) % 10)
    return number[:position] + digit + number[position + 1 :]


def transpose(number: str, position: int) -> str:
    return number[:position] + number[position + 1] + number[position] + number[position + 2 :]


def test_a_one_digit_typo_in_the_body_is_one_character():
    assert rules.id_one_char(ID, one_char_typo(ID, 10))
    assert rules.id_one_char(ID, make_id("150203", "19900101", 124))  # check recomputed


def test_a_different_check_character_alone_is_one_character():
    assert rules.id_one_char(ID, ID[:17] + ("X" if ID[17] != "X" else "0"))


def test_two_digits_different_are_not_one_character():
    assert not rules.id_one_char(ID, one_char_typo(one_char_typo(ID, 3), 12))
    assert not rules.id_one_char(ID, ID)


def test_adjacent_digits_swapped_are_a_transposition():
    number = make_id("150203", "19900101", 123)
    swapped = transpose(number, 14)  # sequence 123 -> 213
    assert number[14] != number[15]
    assert rules.id_transposed(number, swapped)
    assert not rules.id_one_char(number, swapped)


def test_digits_swapped_apart_or_changed_are_no_transposition():
    number = make_id("150203", "19900101", 123)
    far = number[:14] + number[16] + number[15] + number[14] + number[17:]  # 1 and 3 swapped
    assert not rules.id_transposed(number, far)
    assert not rules.id_transposed(number, one_char_typo(number, 14))


def test_a_fifteen_digit_number_is_the_old_form_of_its_eighteen_digit_one():
    old = "150203900101123"
    assert rules.id_fifteen(old, make_id("150203", "19900101", 123))
    assert rules.id_fifteen(make_id("150203", "19900101", 123), old)


def test_a_fifteen_digit_number_of_someone_else_is_not_the_old_form():
    assert not rules.id_fifteen("150203900101124", make_id("150203", "19900101", 123))
    assert not rules.id_fifteen("150203900101123", "150203900101123")


def test_names_read_alike_are_homophones():
    assert rules.name_homophone("王小明", "王晓明")
    assert rules.name_homophone("李丽", "黎莉")


def test_surnames_with_several_readings_match_each_reading():
    assert rules.name_homophone("单伟", "善伟")  # 单 read shan
    assert rules.name_homophone("单伟", "丹伟")  # 单 read dan
    assert rules.name_homophone("曾红", "增红")  # 曾 read zeng


def test_rare_readings_of_characters_make_no_homophones():
    """Seen on the demo city with every reading of every character: 王 read yu made 王军浩
    and 余军浩 homophones, 郝 read shi and 俊 read jun/dun made 史俊俊 and 郝军俊 one."""
    for a, b in (
        ("王军浩", "余军浩"),
        ("史俊俊", "郝军俊"),
        ("白萍", "潘萍"),
        ("韦琳娜", "于琳娜"),
    ):
        assert not rules.name_homophone(a, b), (a, b)
    # A surname's readings still count where they are a surname's (单 / 善, 曾 / 增).
    assert "shan wei" in rules.name_readings("单伟") and "dan wei" in rules.name_readings("单伟")


def test_names_read_differently_are_no_homophones():
    assert not rules.name_homophone("王小明", "王大明")
    assert not rules.name_homophone("王小明", "王小明")
    assert not rules.name_homophone("单伟", "田伟")


def test_three_character_names_one_character_apart():
    assert rules.name_one_char("王小明", "王大明")
    assert not rules.name_one_char("王伟", "王强")  # only the surname left in common
    assert not rules.name_one_char("王小明", "李大明")


def test_a_typo_in_the_id_number_with_the_same_name_is_a_candidate():
    found = rules.match(facts(1), facts(2, id_number=one_char_typo(ID, 8)))
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.ID_ONE_CHAR in found.reasons


def test_a_typo_in_the_place_or_date_part_needs_no_more_evidence():
    for position in (3, 8, 13):
        found = rules.match(facts(1), facts(2, id_number=one_char_typo(ID, position)))
        assert rules.is_candidate(found), position


def test_namesakes_numbered_one_apart_in_the_same_county_are_not_queued():
    """Same common name, day, sex and place of registration; sequence 123 / 124 (or 133):
    common among different people, so the one-digit difference alone does not queue them."""
    for other in (make_id("150203", "19900101", 125), one_char_typo(ID, 15)):
        found = rules.match(held(1, 500), held(2, 500, id_number=other))
        assert found is not None and Reason.ID_ONE_CHAR in found.reasons
        assert Reason.SAME_ORIGIN in found.reasons
        assert not rules.is_candidate(found)


def test_a_sequence_typo_under_a_rare_name_is_queued_anywhere():
    """A name few people hold: its holders born the same day in one county are rare, so a
    copy registered in another district without a phone is still found."""
    for other in (make_id("150203", "19900101", 125), one_char_typo(ID, 15)):
        found = rules.match(
            held(1, 3, area_code="150203001001001", grid_id=1),
            held(2, 3, id_number=other, area_code="150204001001001", grid_id=2),
        )
        assert rules.is_candidate(found)
        assert found is not None
        assert Reason.SAME_GRID not in found.reasons


def test_a_sequence_typo_with_the_same_phone_is_queued():
    found = rules.match(
        held(1, 500, phone_hash="p1"),
        held(2, 500, id_number=one_char_typo(ID, 15), phone_hash="p1"),
    )
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.SAME_PHONE in found.reasons


def test_a_sequence_typo_in_the_same_grid_is_queued():
    found = rules.match(
        held(1, 500, grid_id=7), held(2, 500, id_number=one_char_typo(ID, 16), grid_id=7)
    )
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.SAME_GRID in found.reasons
    # Another grid (even of the same district), or phones that differ, is no corroboration.
    apart = rules.match(
        held(1, 500, grid_id=7, area_code="150203001001001"),
        held(2, 500, id_number=one_char_typo(ID, 16), grid_id=8, area_code="150203002001001"),
    )
    assert not rules.is_candidate(apart)
    phones = rules.match(
        held(1, 500, phone_hash="p1"),
        held(2, 500, id_number=one_char_typo(ID, 15), phone_hash="p2"),
    )
    assert not rules.is_candidate(phones)


def test_where_namesakes_numbers_differ():
    """The units or tens of the sequence code, or one digit of the birth date: where the
    numbers of namesakes from one county differ. Not the hundreds of the code, a swap or
    the place part: there a typo is likelier."""
    for position in (15, 16, 6, 9, 12, 13):
        assert rules.id_namesake_difference(ID, one_char_typo(ID, position)), position
    for position in (0, 5, 14):
        assert not rules.id_namesake_difference(ID, one_char_typo(ID, position)), position
    assert not rules.id_namesake_difference(ID, transpose(ID, 15))
    assert not rules.id_namesake_difference(ID, ID[:17] + "X")  # the check character only


def test_a_hundreds_digit_typo_or_a_swap_under_a_common_name_is_queued_anywhere():
    for other in (one_char_typo(ID, 14), transpose(ID, 15), transpose(ID, 12)):
        found = rules.match(held(1, 500, grid_id=1), held(2, 500, id_number=other, grid_id=2))
        assert rules.is_candidate(found), other


def test_a_place_typo_needs_the_same_origin_or_corroboration():
    """The number's place part differs: queued when the origin recorded agrees; when it
    differs too, only with the same phone or grid."""
    typo = one_char_typo(ID, 3)
    assert rules.is_candidate(rules.match(held(1, 3), held(2, 3, id_number=typo)))
    elsewhere = {"id_number": typo, "hukou_code": "410102"}
    assert not rules.is_candidate(rules.match(held(1, 3), held(2, 3, **elsewhere)))
    assert rules.is_candidate(
        rules.match(held(1, 3, grid_id=4), held(2, 3, grid_id=4, **elsewhere))
    )


def held(pk: int, holders: int, **extra) -> Facts:
    """``facts`` with the name held by ``holders`` people of the registry (as swept)."""
    return facts(pk, name_holders=holders, **extra)


def test_a_name_is_common_by_how_many_hold_it_when_counted():
    many, few = rules.COMMON_NAME_HOLDERS, rules.COMMON_NAME_HOLDERS - 1
    # Three characters held by many people: common; two characters held by few: not.
    assert rules.common_name(held(1, many), held(2, 1))
    assert not rules.common_name(held(1, few), held(2, few))
    assert not rules.common_name(facts(1, "欧阳", name_holders=2), facts(2, "欧阳", name_holders=2))
    # Not counted (the registration check): two characters stand for a common name.
    assert rules.common_name(facts(1, "李娜"), facts(2, "李娜"))
    assert not rules.common_name(facts(1), facts(2))


def test_a_common_three_character_name_needs_corroboration():
    """王小明 held by thousands: namesakes numbered one after another are to be expected."""
    other = one_char_typo(ID, 16)
    lone = rules.match(held(1, 4000), held(2, 4000, id_number=other))
    assert lone is not None and Reason.ID_ONE_CHAR in lone.reasons
    assert not rules.is_candidate(lone)
    rare = rules.match(held(1, 4), held(2, 4, id_number=other))
    assert rules.is_candidate(rare)


COMMON = "范飞"  # surname and one character: a name many people share
COMMON_ID = make_id("150205", "20040630", 77)


def common(pk: int, name: str = COMMON, **extra) -> Facts:
    values: dict[str, Any] = {
        "birth_date": dt.date(2004, 6, 30),
        "hukou_code": "150205",
        "id_number": COMMON_ID,
    }
    values.update(extra)
    return facts(pk, name, **values)


def test_namesakes_with_a_common_name_born_days_apart_are_not_queued():
    """Seen on the demo city: 范飞 born 2004-06-30 and 范飞 born 2004-06-10 in one county,
    both with sequence 077 (a county numbers each day from the start): one digit apart."""
    other_day = make_id("150205", "20040610", 77)
    assert rules.id_one_char(COMMON_ID, other_day)
    found = rules.match(common(1), common(2, id_number=other_day, birth_date=dt.date(2004, 6, 10)))
    assert found is not None and Reason.ID_ONE_CHAR in found.reasons
    assert not rules.is_candidate(found)
    # Two digits swapped (0630 / 0603) is likelier a typo (44 of 58 such pairs on the
    # scale-1 city): queued.
    swapped = make_id("150205", "20040603", 77)
    assert rules.id_transposed(COMMON_ID, swapped)
    found = rules.match(common(1), common(2, id_number=swapped, birth_date=dt.date(2004, 6, 3)))
    assert rules.is_candidate(found)


def test_a_typo_with_a_common_name_is_queued_with_corroboration():
    other_day = make_id("150205", "20040610", 77)
    moved: dict[str, Any] = {"id_number": other_day, "birth_date": dt.date(2004, 6, 10)}
    grid = rules.match(common(1, grid_id=3), common(2, grid_id=3, **moved))
    assert rules.is_candidate(grid)
    assert grid is not None and Reason.SAME_GRID in grid.reasons
    phone = rules.match(common(1, phone_hash="h"), common(2, phone_hash="h", **moved))
    assert rules.is_candidate(phone)
    assert phone is not None and Reason.SAME_PHONE in phone.reasons
    # A longer name is rarer: the typo and the name suffice.
    long = rules.match(common(1, name="范小飞"), common(2, name="范小飞", **moved))
    assert rules.is_candidate(long)


def test_namesakes_with_a_common_name_born_the_same_day_in_one_county_are_queued():
    """李娜 and 李娜 (or 李那), born the same day in the same county under other numbers: a
    copy registered elsewhere after a move looks just so, so they are queued for a
    reviewer to ask; from another county, or with phones that differ, they are not."""
    other = make_id("150205", "20040630", 555)
    for name_b in ("李娜", "李那"):  # the same name, a homophone
        found = rules.match(
            common(1, name="李娜", grid_id=1), common(2, name=name_b, id_number=other, grid_id=2)
        )
        assert found is not None and Reason.SAME_ORIGIN in found.reasons
        assert rules.is_candidate(found), name_b
        elsewhere = common(2, name=name_b, id_number=other, hukou_code="410102")
        assert not rules.is_candidate(rules.match(common(1, name="李娜"), elsewhere))
        phones = rules.match(
            common(1, name="李娜", phone_hash="p1"),
            common(2, name=name_b, id_number=other, phone_hash="p2"),
        )
        assert not rules.is_candidate(phones)


def test_a_typo_between_names_one_character_apart_needs_corroboration():
    """王小明 / 王大明 with numbers one digit apart: two errors at once, or two people."""
    typo = one_char_typo(ID, 8)
    found = rules.match(facts(1), facts(2, name="王大明", id_number=typo))
    assert found is not None and Reason.ID_ONE_CHAR in found.reasons
    assert not rules.is_candidate(found)
    assert rules.is_candidate(
        rules.match(facts(1, grid_id=5), facts(2, name="王大明", id_number=typo, grid_id=5))
    )


def test_twins_are_not_queued_even_in_one_grid_with_one_phone():
    """Seen on the demo city: 方晶璐 / 方莉璐, born the same day in the same place, numbered
    one after another, in one grid: twins, not a typo."""
    sister = {"name": "王大明", "id_number": make_id("150203", "19900101", 125)}
    found = rules.match(
        facts(1, grid_id=4, phone_hash="h"), facts(2, grid_id=4, phone_hash="h", **sister)
    )
    assert found is not None and Reason.ID_ONE_CHAR in found.reasons
    assert not rules.is_candidate(found)
    # The same name in one grid is still queued (a sequence typo, corroborated).
    same = rules.match(facts(1, grid_id=4), facts(2, grid_id=4, id_number=sister["id_number"]))
    assert rules.is_candidate(same)


def test_a_typo_in_the_id_number_of_someone_else_is_not_a_candidate():
    other = facts(2, name="李强", id_number=one_char_typo(ID, 15), hukou_code="410102")
    assert not rules.is_candidate(rules.match(facts(1), other))


def test_a_transposed_id_number_with_the_same_name_is_a_candidate():
    found = rules.match(facts(1), facts(2, id_number=transpose(ID, 14)))
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.ID_TRANSPOSED in found.reasons


def test_the_fifteen_digit_form_is_a_strong_candidate():
    found = rules.match(facts(1), facts(2, id_number="150203900101123"))
    assert found is not None and found.score >= 0.9
    assert Reason.ID_FIFTEEN in found.reasons


def test_same_name_birth_and_sex_from_the_same_origin_is_a_candidate():
    found = rules.match(facts(1), facts(2, id_number=make_id("150203", "19900101", 555)))
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.SAME_NAME_BIRTH_SEX in found.reasons


def test_same_name_birth_and_sex_with_the_id_missing_is_a_candidate():
    assert rules.is_candidate(rules.match(facts(1), facts(2, id_number="")))


def test_namesakes_born_the_same_day_elsewhere_with_other_phones_are_not_candidates():
    a = facts(1, phone_hash="p1", hukou_code="410102")
    b = facts(2, id_number=make_id("150203", "19900101", 555), phone_hash="p2")
    assert not rules.is_candidate(rules.match(a, b))


def test_same_name_and_birth_but_other_sex_is_not_a_candidate():
    other = facts(2, sex="F", id_number=make_id("150203", "19900101", 556))
    assert rules.match(facts(1), other) is None


def test_homophone_names_with_birth_sex_and_origin_agreeing_are_candidates():
    found = rules.match(facts(1), facts(2, name="王晓明", id_number=""))
    assert rules.is_candidate(found)
    assert found is not None
    assert Reason.NAME_HOMOPHONE in found.reasons


def test_homophone_names_from_another_origin_are_not_candidates():
    other = facts(2, name="王晓明", id_number="", hukou_code="410102")
    assert not rules.is_candidate(rules.match(facts(1), other))


def test_homophone_names_born_on_another_day_are_not_candidates():
    other = facts(2, name="王晓明", id_number="", birth_date=dt.date(1990, 1, 2))
    assert rules.match(facts(1), other) is None


def test_one_character_apart_alone_is_below_the_queue():
    found = rules.match(facts(1), facts(2, name="王大明", id_number=""))
    assert found is not None and Reason.NAME_ONE_CHAR in found.reasons
    assert not rules.is_candidate(found)


def test_the_same_phone_number_with_the_name_is_a_candidate():
    """Born on another day (or a date mistyped), no ID number: the phone and the name."""
    a = facts(1, phone_hash="h")
    b = facts(2, birth_date=dt.date(1991, 5, 5), id_number="", phone_hash="h")
    found = rules.match(a, b)
    assert rules.is_candidate(found)
    assert found is not None
    assert found.reasons[0] == Reason.SAME_PHONE
    homophone = facts(2, name="王晓明", birth_date=dt.date(1970, 5, 5), phone_hash="h")
    assert rules.is_candidate(rules.match(a, replace(homophone, id_number="")))


def test_a_phone_shared_by_a_family_is_not_a_candidate():
    """One number for the whole family: the same phone and origin, other names."""
    a = facts(1, phone_hash="h")
    b = facts(2, name="赵四", sex="F", birth_date=dt.date(1970, 5, 5), id_number="", phone_hash="h")
    found = rules.match(a, b)
    assert found is not None and Reason.SAME_PHONE in found.reasons
    assert Reason.SAME_ORIGIN in found.reasons
    assert not rules.is_candidate(found)


def test_different_phone_numbers_are_no_candidate_by_themselves():
    a = facts(1, phone_hash="h1")
    b = facts(
        2, name="赵四", sex="F", birth_date=dt.date(1970, 5, 5), id_number="", phone_hash="h2"
    )
    assert rules.match(a, b) is None


def test_a_person_is_not_a_duplicate_of_themselves():
    assert rules.match(facts(1), facts(1)) is None


def test_the_block_filter_lets_every_rule_through():
    base = facts(1)
    for other in (
        facts(2, id_number=one_char_typo(ID, 8)),
        facts(2, id_number=transpose(ID, 14)),
        facts(2, id_number="150203900101123"),
        facts(2, name="王晓明", id_number=""),
        facts(2, name="赵四", id_number="", phone_hash="h"),
    ):
        assert rules.maybe_pair(base, other) or other.phone_hash
    assert rules.maybe_pair(
        facts(1, phone_hash="h"), facts(2, name="赵四", id_number="", phone_hash="h")
    )
    assert not rules.maybe_pair(facts(1, id_number=""), facts(2, name="赵四", id_number=""))
