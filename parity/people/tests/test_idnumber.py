import datetime as dt

import pytest

from parity.conftest import make_id
from parity.core.error_codes import ErrorCode
from parity.people import idnumber
from parity.people.idnumber import IDNumberError, parse, with_check_digit

# A published example (also python-stdnum's doctest): valid check digit 1.
GOOD = "360426199101010071"


def test_it_accepts_a_number_with_a_correct_check_character():
    parsed = parse(GOOD)
    assert parsed.number == GOOD
    assert parsed.birth_date == dt.date(1991, 1, 1)
    assert parsed.address_code == "360426"


def test_it_derives_sex_from_the_parity_of_the_sequence():
    assert parse(with_check_digit("15020319800101001")).sex == "M"
    assert parse(with_check_digit("15020319800101002")).sex == "F"


def test_it_rejects_a_wrong_check_character():
    bad = GOOD[:-1] + ("2" if GOOD[-1] != "2" else "3")
    with pytest.raises(IDNumberError) as exc:
        parse(bad)
    assert exc.value.code == ErrorCode.ID_CHECKSUM


def test_it_computes_the_mod_11_2_check_by_the_published_weights():
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = "11010519491231002"
    y = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    assert with_check_digit(body)[-1] == "10X98765432"[y]
    assert with_check_digit(body) == "11010519491231002X"


def test_it_rejects_an_impossible_birth_date():
    number = with_check_digit("41010219900230123")  # 30 February
    with pytest.raises(IDNumberError) as exc:
        parse(number)
    assert exc.value.code == ErrorCode.ID_BIRTH_DATE


def test_it_rejects_a_birth_date_in_the_future():
    number = with_check_digit("41010220990101123")
    with pytest.raises(IDNumberError) as exc:
        parse(number, today=dt.date(2026, 11, 29))
    assert exc.value.code == ErrorCode.ID_BIRTH_DATE


def test_it_accepts_a_lower_case_x_and_stores_it_upper_case():
    assert parse("11010519491231002x").number == "11010519491231002X"


def test_it_converts_a_15_digit_number_to_18_digits():
    parsed = parse("130503670401001")
    assert parsed.number == with_check_digit("13050319670401001")
    assert len(parsed.number) == 18
    assert parsed.birth_date == dt.date(1967, 4, 1)


def test_it_accepts_a_retired_address_code():
    # 110103 崇文区 was merged into 东城区 in 2010; its numbers stay valid.
    number = with_check_digit("11010319850612031")
    assert parse(number).address_code == "110103"


def test_it_accepts_an_address_code_newer_than_the_birth_year():
    # 150271 (稀土高新区) did not exist in 1960 and is not in python-stdnum's table.
    number = with_check_digit("15027119600101011")
    assert parse(number).birth_date.year == 1960


def test_it_accepts_an_address_code_that_names_no_place():
    assert parse(with_check_digit("99999919900101011")).address_code == "999999"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12345", ErrorCode.ID_LENGTH),
        ("3604261991010100711", ErrorCode.ID_LENGTH),
        ("36042619910101007A", ErrorCode.ID_FORMAT),
        ("36042619910101A071", ErrorCode.ID_FORMAT),
        ("13050367040100A", ErrorCode.ID_FORMAT),
    ],
)
def test_it_rejects_malformed_numbers_with_a_specific_code(raw, code):
    with pytest.raises(IDNumberError) as exc:
        idnumber.parse(raw)
    assert exc.value.code == code


def test_it_ignores_surrounding_and_inner_spaces():
    assert parse(" 360426 19910101 0071 ").number == GOOD


@pytest.mark.parametrize(
    "raw",
    [
        # "٣" (Arabic-Indic three) and "३" (Devanagari) pass str.isdigit() and int(), and
        # NFKC keeps them: an ID number has only 0-9.
        "41010219900101٣234",
        "4101021990010112३4",
    ],
)
def test_it_rejects_digits_other_than_ascii_0_to_9_as_a_format_error(raw):
    with pytest.raises(IDNumberError) as caught:
        parse(raw)

    assert caught.value.code == ErrorCode.ID_FORMAT


def _outcome(raw: str):
    try:
        return parse(raw).number
    except IDNumberError as exc:
        return exc.code


@pytest.mark.parametrize(
    ("raw", "ascii_form"),
    [
        # "²" and "³" pass str.isdigit() but not int(): NFKC reads them as 2 and 3, as it
        # reads full-width digits, so they are judged as those digits (never a crash).
        ("41010219900101²23X", "41010219900101223X"),
        ("4101021990010112³4", "410102199001011234"),
        (make_id(seq=12)[:16] + "²" + make_id(seq=12)[17], make_id(seq=12)),
        ("41010290010112³", "410102900101123"),
    ],
)
def test_superscript_digits_are_judged_as_the_digits_nfkc_reads(raw, ascii_form):
    assert _outcome(raw) == _outcome(ascii_form)
