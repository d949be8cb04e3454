"""A city official on a phone, in Debian's Chromium: open the dashboard, see the charts
drawn, drill down to a district by clicking its bar, then follow a figure to the people
behind it."""

import pytest

from parity.conftest import browser_log_in
from parity.web.tests.conftest import build_small_city, compute_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_city_official_drills_down_the_dashboard_to_the_people_behind_a_figure(
    browser_page, city_official, register, admin_user, catalog
):
    build_small_city(register, admin_user)
    compute_indicators(admin_user)
    page = browser_page
    base = page.base_url

    browser_log_in(page, "city", "pw-city-123")

    page.click("label.nav-toggle-label")
    page.click("nav.mainnav summary:has-text('统计考核')")  # the menu's groups fold
    page.click("nav.mainnav a:has-text('数据看板')")
    page.wait_for_url(f"{base}/dashboard/")
    assert "包头市" in page.inner_text("h1")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 6
    for i in range(charts.count()):
        charts.nth(i).locator("canvas").wait_for()

    # Click 昆都仑区's bar in the gaps chart, where ECharts drew it.
    gaps = page.locator("[data-chart=gaps]")
    gaps.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const el = document.querySelector('[data-chart=gaps]');
            const data = JSON.parse(document.getElementById('dashboard-charts').textContent).gaps;
            const i = data.labels.indexOf('昆都仑区');
            const chart = echarts.getInstanceByDom(el);
            return chart.convertToPixel({seriesIndex: 0}, [data.values[i] / 2, i]);
        }"""
    )
    box = gaps.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{base}/dashboard/150203/")
    assert "昆都仑区" in page.inner_text("h1")
    page.locator("[data-chart=gaps] canvas").wait_for()

    # The health-record indicator's floating denominator: the people it counts.
    page.click("a[href$='/indicator/health_record/people/?side=floating&part=denominator']")
    page.wait_for_url("**/dashboard/150203/indicator/health_record/people/**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 4
    assert "henan" in page.inner_text("table")
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_city_official_looks_at_an_earlier_date_on_a_phone_and_back(
    browser_page, city_official, register, admin_user, catalog
):
    import datetime as dt

    from parity.indicators.compute import refresh

    build_small_city(register, admin_user)
    latest = compute_indicators(admin_user)
    earlier = refresh(as_of=latest.as_of - dt.timedelta(days=60))
    page = browser_page
    browser_log_in(page, "city", "pw-city-123", then="/dashboard/")
    floating = page.locator("[data-figure=floating] .stat-value")
    assert floating.inner_text().strip() == "7"

    page.select_option("select[name=as_of]", earlier.as_of.isoformat())
    page.click("form.dash-date button[type=submit]")
    page.wait_for_url("**/dashboard/?as_of=*")
    assert "正在查看" in page.inner_text(".dash-pinned")
    assert floating.inner_text().strip() == "6"  # before the newcomer came
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click(".dash-pinned a:has-text('回到最新')")
    page.wait_for_url("**/dashboard/?as_of=latest")
    assert page.locator(".dash-pinned").count() == 0
    assert floating.inner_text().strip() == "7"
