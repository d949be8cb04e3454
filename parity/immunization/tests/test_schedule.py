"""The schedule engine on its own: editions by date, catch-up, intervals, alternatives and
age rules (DOMAIN.md §5). No database."""

from __future__ import annotations

import datetime as dt

from parity.immunization.schedule import Given, add_months

D = dt.date


def pending(schedule, born, given, on):
    return {p.series: p for p in schedule.evaluate(born, [Given(*g) for g in given], on).pending}


def codes(problems):
    return [p.code for p in problems]


# --- editions -------------------------------------------------------------------------------


def test_a_child_asked_in_2024_gets_dtap_at_3_months_by_the_2021_edition(schedule):
    born = D(2024, 6, 1)
    result = schedule.evaluate(born, [], D(2024, 12, 15))
    assert result.edition.code == "2021"
    dtp = result.next_of("DTP")
    assert (dtp.vaccine, dtp.dose, dtp.due_on) == ("DTaP", 1, D(2024, 9, 1))
    given = [("DTaP", 1, D(2024, 9, 1)), ("DTaP", 2, D(2024, 10, 1))]
    dtp = pending(schedule, born, given, D(2024, 12, 15))["DTP"]
    assert (dtp.dose, dtp.due_on) == (3, D(2024, 11, 1))  # 5 months


def test_a_child_born_in_2025_gets_dtap_at_2_4_and_6_months(schedule):
    born = D(2025, 3, 1)
    result = schedule.evaluate(born, [], D(2025, 4, 15))
    assert result.edition.code == "2025"
    assert result.next_of("DTP").due_on == D(2025, 5, 1)
    one = [("DTaP", 1, D(2025, 5, 1))]
    assert pending(schedule, born, one, D(2025, 6, 1))["DTP"].due_on == D(2025, 7, 1)
    two = [*one, ("DTaP", 2, D(2025, 7, 1))]
    assert pending(schedule, born, two, D(2025, 8, 1))["DTP"].due_on == D(2025, 9, 1)


def test_the_six_year_dose_is_dt_before_2025_and_dtap_from_2025(schedule):
    born = D(2018, 6, 1)
    four = [
        ("DTaP", 1, D(2018, 9, 1)),
        ("DTaP", 2, D(2018, 10, 1)),
        ("DTaP", 3, D(2018, 11, 1)),
        ("DTaP", 4, D(2019, 12, 1)),
    ]
    before = pending(schedule, born, four, D(2024, 12, 15))["DTP"]
    assert (before.vaccine, before.dose, before.due_on) == ("DT", 1, D(2024, 6, 1))
    after = pending(schedule, born, four, D(2025, 1, 2))["DTP"]
    assert (after.vaccine, after.dose, after.overdue_on) == ("DTaP", 5, D(2025, 6, 1))


def test_a_dt_dose_given_in_2024_completes_the_series_under_the_2025_edition(schedule):
    born = D(2018, 6, 1)
    given = [("DTaP", n, D(2018, 8 + n, 1)) for n in (1, 2, 3)]
    given += [("DTaP", 4, D(2019, 12, 1)), ("DT", 1, D(2024, 6, 5))]
    assert "DTP" not in pending(schedule, born, given, D(2025, 3, 1))


def test_the_schedule_checks_a_dose_against_the_edition_in_force_on_its_date(schedule):
    born = D(2018, 6, 1)
    assert codes(schedule.check_dose(born, [], "DT", 1, D(2025, 2, 1))) == ["dose_unknown"]
    assert codes(schedule.check_dose(born, [], "DTaP", 5, D(2024, 7, 1))) == ["dose_unknown"]


# --- catch-up and intervals -----------------------------------------------------------------


def test_hepb_catch_up_keeps_28_and_60_day_intervals(schedule):
    born = D(2021, 1, 10)
    given = [("HepB", 1, born)]
    second = pending(schedule, born, given, D(2024, 1, 10))["HepB"]
    assert (second.dose, second.due_on) == (2, D(2021, 2, 10))
    assert second.status(D(2024, 1, 10)) == "overdue"
    given.append(("HepB", 2, D(2024, 1, 10)))
    third = pending(schedule, born, given, D(2024, 1, 10))["HepB"]
    assert (third.dose, third.due_on) == (3, D(2024, 3, 10))  # 60 days after, not 6 months
    problems = schedule.check_dose(born, given, "HepB", 3, D(2024, 2, 1))
    assert codes(problems) == ["interval_too_short"]


def test_dtap_4_waits_6_months_after_dtap_3(schedule):
    born = D(2022, 1, 1)
    given = [
        ("DTaP", 1, D(2022, 4, 1)),
        ("DTaP", 2, D(2022, 5, 1)),
        ("DTaP", 3, D(2023, 5, 20)),  # late, at almost 17 months
    ]
    fourth = pending(schedule, born, given, D(2023, 7, 1))["DTP"]
    assert (fourth.dose, fourth.due_on) == (4, D(2023, 11, 20))
    assert codes(schedule.check_dose(born, given, "DTaP", 4, D(2023, 11, 1))) == [
        "interval_too_short"
    ]
    assert schedule.check_dose(born, given, "DTaP", 4, D(2023, 11, 20)) == []


def test_je_l_catch_up_doses_are_12_months_apart(schedule):
    born = D(2021, 1, 1)
    given = [("JE-L", 1, D(2022, 9, 1))]  # at 20 months
    second = pending(schedule, born, given, D(2023, 1, 5))["JE"]
    assert (second.vaccine, second.dose, second.due_on) == ("JE-L", 2, D(2023, 9, 1))


def test_mmr_catch_up_doses_are_28_days_apart(schedule):
    born = D(2020, 1, 1)
    given = [("MMR", 1, D(2023, 3, 1))]
    assert pending(schedule, born, given, D(2023, 3, 2))["MMR"].due_on == D(2023, 3, 29)


def test_a_series_never_restarts(schedule):
    born = D(2019, 5, 1)
    given = [("HepB", 1, born), ("IPV", 1, D(2019, 7, 1))]
    due = pending(schedule, born, given, D(2024, 6, 1))
    assert (due["HepB"].vaccine, due["HepB"].dose) == ("HepB", 2)
    assert (due["polio"].vaccine, due["polio"].dose) == ("IPV", 2)


def test_catch_up_stops_at_18_years(schedule):
    born = D(2006, 5, 1)
    assert pending(schedule, born, [], D(2024, 4, 30))  # 17 years old: catch up
    assert pending(schedule, born, [], D(2024, 5, 1)) == {}


def test_a_dose_without_a_complete_before_age_is_overdue_a_month_after_it_is_due(schedule):
    born = D(2024, 1, 31)
    ipv = pending(schedule, born, [], D(2024, 3, 1))["polio"]
    assert (ipv.due_on, ipv.overdue_on) == (D(2024, 3, 31), D(2024, 4, 30))
    assert ipv.status(D(2024, 3, 1)) == "upcoming"
    assert ipv.status(D(2024, 4, 1)) == "due"
    assert ipv.status(D(2024, 4, 30)) == "overdue"


# --- alternatives ---------------------------------------------------------------------------


def test_a_child_who_started_neither_je_vaccine_is_offered_the_live_one(schedule):
    je = pending(schedule, D(2023, 1, 1), [], D(2023, 9, 5))["JE"]
    assert (je.vaccine, je.dose) == ("JE-L", 1)


def test_a_child_who_started_inactivated_je_continues_it(schedule):
    born = D(2023, 1, 1)
    given = [("JE-I", 1, D(2023, 9, 1))]
    je = pending(schedule, born, given, D(2023, 9, 2))["JE"]
    assert (je.vaccine, je.dose, je.due_on) == ("JE-I", 2, D(2023, 9, 8))
    problems = schedule.check_dose(born, given, "JE-L", 1, D(2023, 9, 20))
    assert "series_conflict" in codes(problems)


def test_hepa_live_is_one_dose_and_hepa_inactivated_two_doses_6_months_apart(schedule):
    born = D(2021, 1, 1)
    assert "HepA" not in pending(schedule, born, [("HepA-L", 1, D(2022, 7, 1))], D(2023, 1, 1))
    hepa = pending(schedule, born, [("HepA-I", 1, D(2022, 11, 1))], D(2023, 1, 1))["HepA"]
    assert (hepa.vaccine, hepa.dose, hepa.due_on) == ("HepA-I", 2, D(2023, 5, 1))


# --- age rules ------------------------------------------------------------------------------


def test_bcg_is_given_under_3_months_after_a_skin_test_to_3_years_and_not_from_4(schedule):
    born = D(2020, 1, 1)
    young = pending(schedule, born, [], D(2020, 2, 1))["BCG"]
    assert young.skin_test is False and young.status(D(2020, 2, 1)) == "due"
    older = pending(schedule, born, [], D(2020, 6, 1))["BCG"]
    assert older.skin_test is True and older.status(D(2020, 6, 1)) == "overdue"
    assert pending(schedule, born, [], D(2023, 12, 31))["BCG"].skin_test is True
    assert "BCG" not in pending(schedule, born, [], D(2024, 1, 1))
    assert codes(schedule.check_dose(born, [], "BCG", 1, D(2024, 2, 1))) == ["age_limit"]


def test_polio_catch_up_goes_to_3_doses_under_4_years(schedule):
    born = D(2021, 1, 1)
    given = [("IPV", 1, D(2021, 3, 1))]
    nxt = pending(schedule, born, given, D(2023, 6, 1))["polio"]
    assert (nxt.vaccine, nxt.dose) == ("IPV", 2)  # IPV before bOPV
    given += [("IPV", 2, D(2023, 6, 1)), ("bOPV", 3, D(2023, 7, 1))]
    fourth = pending(schedule, born, given, D(2023, 8, 1))["polio"]
    assert fourth.due_on == D(2025, 1, 1)  # the fourth dose waits for 4 years
    assert fourth.status(D(2023, 8, 1)) == "upcoming"


def test_polio_catch_up_goes_to_4_doses_from_4_years(schedule):
    born = D(2018, 1, 1)
    given = [("IPV", 1, D(2018, 3, 1)), ("IPV", 2, D(2018, 4, 1))]
    third = pending(schedule, born, given, D(2023, 6, 1))["polio"]
    assert (third.vaccine, third.dose, third.status(D(2023, 6, 1))) == ("bOPV", 3, "overdue")
    given.append(("bOPV", 3, D(2023, 6, 1)))
    fourth = pending(schedule, born, given, D(2023, 6, 2))["polio"]
    assert (fourth.vaccine, fourth.dose, fourth.due_on) == ("bOPV", 4, D(2023, 6, 29))


def test_mpsv_a_is_given_under_24_months(schedule):
    born = D(2022, 1, 1)
    men = pending(schedule, born, [], D(2023, 9, 1))["MEN"]  # 20 months
    assert (men.vaccine, men.dose) == ("MPSV-A", 1)
    given = [("MPSV-A", 1, D(2022, 7, 1))]
    second = pending(schedule, born, given, D(2022, 8, 1))["MEN"]
    assert (second.dose, second.due_on) == (2, D(2022, 10, 1))


def test_from_24_months_no_more_mpsv_a_but_two_mpsv_ac_doses(schedule):
    born = D(2022, 1, 1)
    men = pending(schedule, born, [], D(2024, 1, 1))["MEN"]  # 24 months, no dose
    assert (men.vaccine, men.dose, men.due_on) == ("MPSV-AC", 1, D(2024, 1, 1))
    assert codes(schedule.check_dose(born, [], "MPSV-A", 1, D(2024, 1, 2))) == ["age_limit"]
    assert schedule.check_dose(born, [], "MPSV-AC", 1, D(2024, 1, 2)) == []
    given = [("MPSV-AC", 1, D(2024, 1, 2))]
    second = pending(schedule, born, given, D(2024, 2, 1))["MEN"]
    assert (second.vaccine, second.dose, second.due_on) == ("MPSV-AC", 2, D(2028, 1, 1))


def test_a_child_who_completed_mpsv_a_gets_mpsv_ac_at_3_years(schedule):
    born = D(2022, 1, 1)
    given = [("MPSV-A", 1, D(2022, 7, 1)), ("MPSV-A", 2, D(2022, 10, 1))]
    men = pending(schedule, born, given, D(2024, 6, 1))["MEN"]
    assert (men.vaccine, men.dose, men.due_on) == ("MPSV-AC", 1, D(2025, 1, 1))


# --- live vaccine spacing -------------------------------------------------------------------


def test_injectable_live_vaccines_not_given_the_same_day_are_28_days_apart(schedule):
    born = D(2023, 1, 1)
    given = [("MMR", 1, D(2023, 9, 10))]
    je = pending(schedule, born, given, D(2023, 9, 20))["JE"]
    assert (je.due_on, je.earliest_on) == (D(2023, 9, 1), D(2023, 10, 8))
    assert je.status(D(2023, 9, 20)) == "upcoming"
    assert codes(schedule.check_dose(born, given, "JE-L", 1, D(2023, 9, 20))) == ["live_spacing"]
    assert schedule.check_dose(born, given, "JE-L", 1, D(2023, 9, 10)) == []  # same day
    assert schedule.check_dose(born, given, "JE-L", 1, D(2023, 10, 8)) == []


def test_on_the_day_of_a_live_vaccine_another_may_still_be_given(schedule):
    born = D(2023, 1, 1)
    given = [("MMR", 1, D(2023, 9, 10))]
    je = pending(schedule, born, given, D(2023, 9, 10))["JE"]
    assert je.earliest_on == D(2023, 9, 1)


def test_oral_and_inactivated_vaccines_need_no_spacing(schedule):
    born = D(2023, 1, 1)
    given = [("MMR", 1, D(2023, 9, 10))]
    assert schedule.check_dose(born, given, "JE-I", 1, D(2023, 9, 20)) == []


def test_premature_babies_follow_their_actual_age(schedule):
    # No corrected age: a dose is due by the birth date alone.
    born = D(2024, 2, 29)
    assert pending(schedule, born, [], D(2024, 3, 1))["HepB"].due_on == born
    assert add_months(born, 12) == D(2025, 2, 28)
