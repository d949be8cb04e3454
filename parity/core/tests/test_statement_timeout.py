"""A web request's queries are cancelled on PostgreSQL after PARITY_WEB_STATEMENT_TIMEOUT_S,
and the user is told so (503) instead of waiting on a page the server has given up on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urls


def _slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("done")


def _setting(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return HttpResponse(cursor.fetchone()[0])


def _workers(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return HttpResponse(cursor.fetchone()[0])


urlpatterns = [
    path("workers/", _workers),
    path("slow/", _slow),
    path("api/slow/", _slow),
    path("setting/", _setting),
    *site_urls,  # the error page's layout links to the site's pages
]

# Transactional: as in production, a request's queries run in autocommit, so the error
# page can still read the session after the cancelled statement.
postgres_only = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]


pytestmark = postgres_only


@pytest.fixture
def slow_site(settings, client, admin_user):
    settings.ROOT_URLCONF = __name__
    settings.PARITY_WEB_STATEMENT_TIMEOUT_S = 1
    client.force_login(admin_user)
    yield client
    # The test shares its connection with the client: lift the limit before the flush.
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("RESET max_parallel_workers_per_gather")


def test_a_runaway_query_is_cancelled_and_the_page_says_so(slow_site):
    response = slow_site.get("/slow/")

    assert response.status_code == 503
    assert "查询时间过长" in response.content.decode()


def test_the_api_answers_a_cancelled_query_in_its_error_format(slow_site):
    response = slow_site.get("/api/slow/")

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "timeout"


def test_web_requests_run_with_the_configured_limit(slow_site, settings):
    settings.PARITY_WEB_STATEMENT_TIMEOUT_S = 7

    assert slow_site.get("/setting/").content.decode() == "7s"


def test_web_requests_run_without_parallel_workers_by_default(slow_site):
    assert slow_site.get("/workers/").content.decode() == "0"


def test_web_requests_run_with_the_configured_parallel_workers(slow_site, settings):
    settings.PARITY_WEB_PARALLEL_WORKERS = 2

    assert slow_site.get("/workers/").content.decode() == "2"
