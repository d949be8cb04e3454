"""The dashboard reads the indicator snapshot of the user's node: headline figures, the
equalization table, child nodes and chart data; a user sees only their own subtree."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.core.models import AuditEvent
from parity.indicators.models import Snapshot
from parity.web.tests.conftest import compute_indicators

pytestmark = pytest.mark.django_db

CITY, DISTRICT, OTHER_DISTRICT = "1502", "150203", "150204"


def _headlines(response) -> dict:
    return {h.key: h.value for h in response.context["headlines"]}


def _charts(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="dashboard-charts" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_the_dashboard_opens_on_the_city_for_a_city_user(login, city_official, snapshot):
    response = login(city_official).get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert response.context["node"].code == CITY
    figures = _headlines(response)
    assert figures["floating"] == 7
    assert figures["inflow"] == 6
    assert figures["outflow"] == 1
    assert figures["registered"] == 4
    # health_record is the only indicator with both rates: floating 3/5, registered 4/4.
    assert figures["index"] == Decimal("60.00")
    html = response.content.decode()
    assert "尚未计算" not in html
    assert snapshot.as_of.strftime("%Y-%m-%d") in html


def test_a_district_s_dashboard_shows_that_district_s_figures(login, city_official, snapshot):
    response = login(city_official).get(reverse("web:dashboard_node", args=[DISTRICT]))
    figures = _headlines(response)
    assert (figures["floating"], figures["inflow"], figures["outflow"]) == (6, 5, 1)
    assert figures["registered"] == 3
    assert figures["married_women"] == 2
    assert figures["no_certificate"] == 1
    assert figures["index"] == Decimal("50.00")
    row = next(m for m in response.context["table"].rows if m.indicator.code == "health_record")
    assert (row.floating_num, row.floating_den, row.registered_num, row.registered_den) == (
        2, 4, 3, 3,
    )  # fmt: skip
    assert row.gap == Decimal("50.00") and row.ratio == Decimal("0.5000")
    html = response.content.decode()
    people = reverse("web:dashboard_people", args=[DISTRICT, "health_record"])
    assert f"{people}?side=floating&amp;part=denominator" in html


def test_the_equalization_table_is_grouped_and_the_doses_are_collapsed(
    login, city_official, snapshot
):
    response = login(city_official).get(reverse("web:dashboard"))
    table = response.context["table"]
    assert "public_health" in [g.category for g in table.groups]
    assert all(g.category != "immunization_dose" for g in table.groups)
    html = response.content.decode()
    assert '<details class="eq-doses">' in html
    assert "基本公共卫生" in html


def test_the_child_nodes_link_to_their_dashboards_and_feed_the_gaps_chart(
    login, city_official, snapshot
):
    response = login(city_official).get(reverse("web:dashboard"))
    rows = {row.area.code: row for row in response.context["children"]}
    assert rows[DISTRICT].floating == 6 and rows[OTHER_DISTRICT].floating == 1
    assert rows[DISTRICT].index == Decimal("50.00")
    assert rows[OTHER_DISTRICT].index == Decimal("100.00")
    charts = _charts(response)
    gaps = charts["gaps"]
    i = gaps["labels"].index("昆都仑区")
    assert gaps["values"][i] == 50.0
    assert gaps["urls"][i] == reverse("web:dashboard_node", args=[DISTRICT])
    assert {"trend", "origins", "stay", "housing", "industry"} <= set(charts)
    assert charts["housing"]["labels"]  # the registry's housing types, labelled
    html = response.content.decode()
    assert f'href="{reverse("web:dashboard_node", args=[DISTRICT])}"' in html


def test_choosing_an_indicator_compares_its_gap_by_child_node(login, city_official, snapshot):
    url = reverse("web:dashboard")
    response = login(city_official).get(url, {"indicator": "health_record"})
    assert response.context["indicator"].code == "health_record"
    gaps = _charts(response)["gaps"]
    i = gaps["labels"].index("昆都仑区")
    assert gaps["values"][i] == 50.0
    assert gaps["urls"][i].endswith("?indicator=health_record")


def test_the_indicator_page_drills_down_by_child_node_and_category(login, city_official, snapshot):
    url = reverse("web:dashboard_indicator", args=[DISTRICT, "health_record"])
    response = login(city_official).get(url)
    assert response.status_code == 200
    measures = response.context["measures"]
    assert (measures.floating_num, measures.floating_den) == (2, 4)
    streets = {row.area.code: row.measures for row in response.context["children"]}
    assert streets["150203001"].floating_den == 3  # henan, hebei, baby
    assert streets["150203002"].floating_den == 1  # street
    dimensions = [b.dimension for b in response.context["breakdowns"]]
    assert dimensions == ["sex", "age_group", "stay_class", "origin_province"]
    sex = dict(response.context["breakdowns"][0].rows)
    assert sex["男"].floating_den == 3 and sex["女"].floating_den == 1


def test_breakdowns_are_kept_for_the_city_and_districts_only(login, city_official, snapshot):
    url = reverse("web:dashboard_indicator", args=["150203001", "health_record"])
    response = login(city_official).get(url)
    assert response.context["breakdowns"] == []
    assert "分组只为全市和各区县计算" in response.content.decode()


def test_a_district_official_opens_on_their_district(login, official, snapshot):
    response = login(official).get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert response.context["node"].code == DISTRICT
    assert [a.code for a in response.context["breadcrumbs"]] == []
    assert _headlines(response)["floating"] == 6
    html = response.content.decode()
    assert f'href="{reverse("web:dashboard_node", args=[CITY])}"' not in html
    assert "包头市" not in html.split('<nav class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert "重新计算" not in html


@pytest.mark.parametrize(
    "name, args",
    [
        ("web:dashboard_node", [CITY]),
        ("web:dashboard_node", [OTHER_DISTRICT]),
        ("web:dashboard_node", ["150204001"]),
        ("web:dashboard_indicator", [OTHER_DISTRICT, "health_record"]),
        ("web:dashboard_indicator", [CITY, "health_record"]),
        ("web:dashboard_people", [OTHER_DISTRICT, "health_record"]),
        ("web:dashboard_people", [CITY, "health_record"]),
        ("web:dashboard_equalization_xlsx", [CITY]),
        ("web:dashboard_children_xlsx", [CITY]),
        ("web:dashboard_indicator_children_xlsx", [OTHER_DISTRICT, "health_record"]),
        ("web:dashboard_indicator_breakdown_xlsx", [CITY, "health_record", "sex"]),
        ("web:dashboard_people_xlsx", [OTHER_DISTRICT, "health_record"]),
    ],
)
def test_a_district_official_cannot_open_anything_outside_their_district(
    login, official, snapshot, name, args
):
    assert login(official).get(reverse(name, args=args)).status_code == 404


def test_a_grid_worker_sees_their_grid_only(login, owner, snapshot):
    client = login(owner)
    response = client.get(reverse("web:dashboard"))
    assert response.context["node"].code == "150203001001001"
    assert _headlines(response)["floating"] == 3
    assert client.get(reverse("web:dashboard_node", args=[DISTRICT])).status_code == 404


def test_an_outsider_sees_nothing_of_another_district(login, outsider, snapshot):
    client = login(outsider)
    assert client.get(reverse("web:dashboard_node", args=[DISTRICT])).status_code == 404
    people = reverse("web:dashboard_people", args=[DISTRICT, "health_record"])
    assert client.get(people).status_code == 404


def test_a_user_without_an_area_is_refused(login, nobody, snapshot):
    client = login(nobody)
    assert client.get(reverse("web:dashboard")).status_code == 403
    assert client.get(reverse("web:dashboard_node", args=[DISTRICT])).status_code == 403
    people = reverse("web:dashboard_people", args=[DISTRICT, "health_record"])
    assert client.get(people).status_code == 403


def test_the_dashboard_requires_a_login(client, snapshot):
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_any_computation_the_dashboard_says_so(login, city_official, official, areas):
    response = login(city_official).get(reverse("web:dashboard"))
    html = response.content.decode()
    assert "尚未计算" in html
    assert reverse("web:dashboard_refresh") in html
    html = login(official).get(reverse("web:dashboard")).content.decode()
    assert "尚未计算" in html
    assert reverse("web:dashboard_refresh") not in html


def test_a_city_user_recomputes_the_indicators_for_today(login, city_official, small_city, catalog):
    compute_indicators()  # an older computation is not required, but loads the indicators
    Snapshot.objects.all().delete()
    client = login(city_official)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "重新计算" in page
    response = client.post(reverse("web:dashboard_refresh"), {"area": DISTRICT}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:dashboard_node", args=[DISTRICT])
    snapshot = Snapshot.objects.get()
    assert snapshot.as_of == timezone.localdate()
    assert snapshot.started_by == city_official
    assert AuditEvent.objects.filter(action="indicators.refresh", actor=city_official).exists()
    assert "已重新计算" in response.content.decode()
    assert _headlines(response)["floating"] == 6


def test_a_district_official_may_not_recompute(login, official, snapshot):
    before = Snapshot.objects.get().finished_at
    response = login(official).post(reverse("web:dashboard_refresh"), {"area": DISTRICT})
    assert response.status_code == 403
    assert Snapshot.objects.get().finished_at == before


def test_the_refresh_button_only_takes_posts(login, city_official, snapshot):
    assert login(city_official).get(reverse("web:dashboard_refresh")).status_code == 405


def test_the_page_reads_the_latest_snapshot_not_the_registry(
    login, city_official, snapshot, register, admin_user
):
    from parity.conftest import GRID, make_id

    register(id_number=make_id("410102", "19990101", 555), name="后来者", grid=GRID,
             by=admin_user, arrived_on=timezone.localdate() - dt.timedelta(days=3))  # fmt: skip
    response = login(city_official).get(reverse("web:dashboard"))
    assert _headlines(response)["floating"] == 7


def test_the_dashboard_is_in_english_once_the_language_is_switched(login, city_official, snapshot):
    client = login(city_official)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    html = client.get(reverse("web:dashboard")).content.decode()
    assert 'lang="en"' in html
    assert "Dashboard" in html
    assert "Equalization of basic public services" in html
    assert "Equalization index" in html
    assert "数据看板" not in html
    indicator = client.get(reverse("web:dashboard_indicator", args=[DISTRICT, "health_record"]))
    assert "Health records among residents of six months or more" in indicator.content.decode()


@pytest.mark.parametrize("extra", [0, 15])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    login, city_official, small_city, register, admin_user, extra, django_assert_max_num_queries
):
    from parity.conftest import GRID, make_id

    for n in range(extra):
        register(id_number=make_id("410102", "19910101", 600 + 2 * n), name=f"人{n}", grid=GRID,
                 by=admin_user, arrived_on=dt.date(2024, 1, 1))  # fmt: skip
    compute_indicators(admin_user)
    client = login(city_official)
    # Session, user and the official's second-factor device, the snapshot and the dates to
    # pick from, the node and its breadcrumbs, the figures, the table, the children with
    # their figures, index and measures, the history.
    with django_assert_max_num_queries(14):
        client.get(reverse("web:dashboard"), {"indicator": "health_record"})
    with django_assert_max_num_queries(17):
        client.get(reverse("web:dashboard_indicator", args=[CITY, "health_record"]))
    people = reverse("web:dashboard_people", args=[CITY, "health_record"])
    with django_assert_max_num_queries(15):
        response = client.get(people, {"side": "floating", "part": "denominator"})
    assert response.context["page"].paginator.count >= 4 + extra


def test_a_second_computation_draws_the_index_history(login, city_official, small_city):
    compute_indicators()
    from parity.indicators.compute import refresh

    refresh(as_of=timezone.localdate() - dt.timedelta(days=30))
    charts = _charts(login(city_official).get(reverse("web:dashboard")))
    assert len(charts["history"]["labels"]) == 2


def test_every_chart_has_its_data_on_the_page(login, city_official, snapshot):
    charts = _charts(login(city_official).get(reverse("web:dashboard")))
    assert charts["origins"]["labels"][0] == "河南省"  # four of the six inflow people
    assert charts["origins"]["values"][0] == 4
    assert dict(zip(charts["industry"]["labels"], charts["industry"]["values"], strict=True)) == {
        "建筑业": 1,
        "住宿和餐饮业": 1,
    }
    assert sum(charts["stay"]["values"]) == 6
    assert "单位宿舍" in charts["housing"]["labels"]
    assert sum(charts["trend"]["series"][0]["values"]) == 1  # the newcomer, 30 days ago


def test_a_nodes_figures_are_rendered_once_per_computation(
    login, city_official, small_city, admin_user, register, django_assert_max_num_queries
):
    """The second visit reads the cached body: session, user, snapshot, node, breadcrumbs
    and the indicator check, no figures. A new computation shows at once."""
    import re

    def page() -> str:  # without the per-response CSRF token
        html = client.get(reverse("web:dashboard")).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    compute_indicators(admin_user)
    client = login(city_official)
    first = page()
    with django_assert_max_num_queries(8) as queries:
        assert page() == first
    assert not any("indicators_indicatorvalue" in q["sql"] for q in queries.captured_queries)
    from parity.conftest import GRID, make_id

    register(id_number=make_id("410102", "19920101", 777), name="新来", grid=GRID,
             by=admin_user, arrived_on=dt.date(2024, 1, 1))  # fmt: skip
    compute_indicators(admin_user)
    assert page() != first


def test_the_refresh_command_prepares_the_city_district_and_street_pages(
    login, city_official, small_city, admin_user, django_assert_max_num_queries
):
    import io

    from django.core.management import call_command

    call_command("refresh_indicators", stdout=io.StringIO())
    client = login(city_official)
    for code in (CITY, "150203"):
        with django_assert_max_num_queries(8) as queries:
            assert client.get(reverse("web:dashboard_node", args=[code])).status_code == 200
        assert not any("indicators_indicatorvalue" in q["sql"] for q in queries.captured_queries)


# --- the statistics date -------------------------------------------------------------


@pytest.fixture
def two_dates(snapshot):
    """Today's computation (``snapshot``) and one of 60 days before, when the newcomer
    (arrived 30 days ago) was not here yet."""
    from parity.indicators.compute import refresh

    earlier = refresh(as_of=snapshot.as_of - dt.timedelta(days=60))
    return snapshot, earlier


def test_an_earlier_date_shows_that_computation_on_every_page_until_going_back(
    login, city_official, two_dates
):
    from parity.reports.figures import figures as report_figures

    latest, earlier = two_dates
    then = report_figures(as_of=earlier.as_of, area=CITY).floating
    assert then != 7  # the newcomer makes the difference
    client = login(city_official)
    picked = client.get(reverse("web:dashboard"), {"as_of": earlier.as_of.isoformat()})
    assert picked.context["snapshot"] == earlier
    assert _headlines(picked)["floating"] == then
    html = picked.content.decode()
    assert "dash-pinned" in html and "回到最新" in html
    # The choice holds on the next pages and downloads, without the parameter.
    district = client.get(reverse("web:dashboard_node", args=[DISTRICT]))
    assert district.context["snapshot"] == earlier
    page = client.get(reverse("web:dashboard_indicator", args=[DISTRICT, "health_record"]))
    assert page.context["snapshot"] == earlier
    people = client.get(
        reverse("web:dashboard_people", args=[DISTRICT, "health_record"]),
        {"side": "floating", "part": "numerator"},
    )
    assert people.context["snapshot"] == earlier
    assert people.context["page"].paginator.count == 0  # no health record 60 days ago
    download = client.get(reverse("web:dashboard_equalization_xlsx", args=[CITY]))
    assert earlier.as_of.isoformat() in download["Content-Disposition"]
    # Back to the latest, keeping the page's own parameters.
    assert "side=floating&amp;part=numerator&amp;as_of=latest" in people.content.decode()
    back = client.get(reverse("web:dashboard"), {"as_of": "latest"})
    assert back.context["snapshot"] == latest
    assert _headlines(back)["floating"] == 7
    assert "dash-pinned" not in back.content.decode()
    assert client.get(reverse("web:dashboard")).context["snapshot"] == latest
    download = client.get(reverse("web:dashboard_equalization_xlsx", args=[CITY]))
    assert latest.as_of.isoformat() in download["Content-Disposition"]


def test_a_date_between_computations_shows_the_one_before_it(login, city_official, two_dates):
    latest, earlier = two_dates
    response = login(city_official).get(
        reverse("web:dashboard"), {"as_of": (latest.as_of - dt.timedelta(days=1)).isoformat()}
    )
    assert response.context["snapshot"] == earlier
    options = response.context["when"]["dates"]
    assert options == [latest.as_of, earlier.as_of]


def test_a_date_that_is_not_one_is_refused_and_the_latest_shown(login, city_official, two_dates):
    latest, _earlier = two_dates
    client = login(city_official)
    response = client.get(reverse("web:dashboard"), {"as_of": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["snapshot"] == latest
    assert "统计日期“2026-13-45”不是有效的日期" in response.content.decode()
    assert client.get(reverse("web:dashboard")).context["snapshot"] == latest


def test_a_date_before_any_computation_says_so_and_shows_the_latest(
    login, city_official, two_dates
):
    latest, earlier = two_dates
    before = (earlier.as_of - dt.timedelta(days=1)).isoformat()
    response = login(city_official).get(reverse("web:dashboard"), {"as_of": before})
    assert response.context["snapshot"] == latest
    assert f"{before} 及以前没有计算过指标" in response.content.decode()


def test_a_picked_date_does_not_open_another_district(login, official, two_dates):
    _latest, earlier = two_dates
    client = login(official)
    url = reverse("web:dashboard_node", args=[OTHER_DISTRICT])
    assert client.get(url, {"as_of": earlier.as_of.isoformat()}).status_code == 404


def test_the_date_picker_is_in_english_once_the_language_is_switched(
    login, city_official, two_dates
):
    _latest, earlier = two_dates
    client = login(city_official)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    html = client.get(reverse("web:dashboard"), {"as_of": earlier.as_of.isoformat()}).content
    text = html.decode()
    assert "Show another date" in text and "(latest)" in text
    assert "Back to the latest" in text
    assert "查看其他日期" not in text


def test_no_template_comment_leaks_onto_the_page(login, city_official, snapshot):
    """Django's ``{# #}`` comments end at the line's end: one spread over two lines is
    printed as text. Every template of the app is checked, and the dashboard shown."""
    import re
    from pathlib import Path

    import parity

    root = Path(parity.__file__).parent
    spread = [
        str(path.relative_to(root))
        for path in root.rglob("templates/**/*.html")
        if re.search(r"\{#(?:(?!#\}).)*\n", path.read_text(encoding="utf-8"))
    ]
    assert spread == []
    html = login(city_official).get(reverse("web:dashboard")).content.decode()
    assert "{#" not in html and "#}" not in html
