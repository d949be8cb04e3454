"""Every figure of the dashboard links to the people behind it: the list holds exactly the
people the snapshot counted, restricted to the user and masked."""

import pytest
from django.urls import reverse

from parity.accounts.permissions import VIEW
from parity.indicators import selectors
from parity.indicators.choices import Unit
from parity.indicators.dashboard import selectors as dashboard
from parity.indicators.models import Indicator
from parity.people.models import Person

pytestmark = pytest.mark.django_db

DISTRICT = "150203"
SIDES = ("floating", "registered", "all")
PARTS = ("denominator", "numerator", "missing")


def _people_url(code: str, indicator: str) -> str:
    return reverse("web:dashboard_people", args=[code, indicator])


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("part", PARTS)
def test_the_people_list_holds_exactly_the_people_counted(
    login, city_official, snapshot, side, part
):
    measures = dashboard.indicator_on(
        snapshot, Indicator.objects.get(code="health_record"), DISTRICT
    )
    response = login(city_official).get(
        _people_url(DISTRICT, "health_record"), {"side": side, "part": part}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == dashboard.cached_count(measures, side, part)
    assert response.context["cached"] == response.context["page"].paginator.count


def test_every_indicator_s_people_match_its_cached_counts(city_official, snapshot):
    people = Person.objects.restrict(city_official, VIEW)
    checked = 0
    for code in ("1502", DISTRICT, "150203001", "150203001001001"):
        for m in selectors.equalization_table(snapshot, code):
            if m.indicator.unit != Unit.PERSON:
                continue
            for side in SIDES:
                for part in PARTS:
                    chosen = selectors.people_behind(
                        m.indicator, snapshot.as_of, people.filter(area_code__startswith=code),
                        side=side, part=part,
                    )  # fmt: skip
                    assert chosen.count() == dashboard.cached_count(m, side, part), (
                        code, m.indicator.code, side, part,
                    )  # fmt: skip
                    checked += 1
    assert checked > 100


def test_the_people_of_each_category_of_a_breakdown_match_its_cached_counts(
    login, city_official, snapshot
):
    client = login(city_official)
    indicator = Indicator.objects.get(code="health_record")
    node = dashboard.visible_node(city_official, DISTRICT)
    assert node is not None
    breakdowns = dashboard.breakdowns(snapshot, indicator, node)
    assert {b.dimension for b in breakdowns} == {
        "sex",
        "age_group",
        "stay_class",
        "origin_province",
    }
    for b in breakdowns:
        for _label, m in b.rows:
            for side in ("floating", "registered"):
                for part in ("denominator", "numerator"):
                    query = {"side": side, "part": part, "dimension": b.dimension,
                             "category": m.category}  # fmt: skip
                    response = client.get(_people_url(DISTRICT, "health_record"), query)
                    count = response.context["page"].paginator.count
                    assert count == dashboard.cached_count(m, side, part), (b.dimension, query)


def test_the_people_list_is_masked_and_links_to_each_person(
    login, city_official, snapshot, small_city
):
    response = login(city_official).get(
        _people_url(DISTRICT, "health_record"), {"side": "floating", "part": "numerator"}
    )
    html = response.content.decode()
    henan = small_city["henan"]
    assert henan.id_masked in html
    assert henan.id_number not in html
    assert reverse("web:person_detail", args=[henan.pk]) in html
    assert "newcomer" not in html  # arrived 30 days ago: not yet in the denominator


def test_a_district_official_sees_the_people_of_their_district(login, official, snapshot):
    response = login(official).get(
        _people_url(DISTRICT, "health_record"), {"side": "all", "part": "denominator"}
    )
    assert response.status_code == 200
    names = {p.name for p in response.context["page"].object_list}
    assert "qingshan" not in names and "henan" in names


def test_a_grid_indicator_has_no_people_behind_it(login, city_official, snapshot):
    response = login(city_official).get(_people_url(DISTRICT, "platform_use"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "没有对应的人员名单" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"side": "everyone"}, {"part": "all"}, {"dimension": "hukou_type", "category": "x"}],
)
def test_an_unknown_side_part_or_dimension_is_a_404(login, city_official, snapshot, query):
    response = login(city_official).get(_people_url(DISTRICT, "health_record"), query)
    assert response.status_code == 404


def test_a_dimension_the_indicator_does_not_keep_is_a_404(login, city_official, snapshot):
    # elderly_health keeps sex and stay class only.
    response = login(city_official).get(
        _people_url(DISTRICT, "elderly_health"), {"dimension": "origin_province", "category": "41"}
    )
    assert response.status_code == 404


def test_an_unknown_indicator_is_a_404(login, city_official, snapshot):
    assert login(city_official).get(_people_url(DISTRICT, "nope")).status_code == 404
