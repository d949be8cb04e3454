import pytest

pytestmark = pytest.mark.django_db

FORWARDED = {"HTTP_X_FORWARDED_FOR": "10.20.30.40"}


def test_metrics_answer_from_an_allowed_address_with_request_metrics(client):
    client.get("/accounts/login/")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="login"}'
        in text
    )
    assert "django_http_responses_total_by_status_view_method_total" in text
    assert "django_db_execute_total" in text
    assert "# TYPE parity_job_duration_seconds histogram" in text


def test_metrics_are_refused_from_other_addresses(client, log_lines):
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    assert b"django_http" not in response.content
    [event] = [line for line in log_lines() if line["logger"] == "parity.security"]
    assert event["event"] == "metrics_refused"
    assert event["remote_addr"] == "10.1.2.3"


def test_a_request_relayed_by_the_local_proxy_is_refused(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **FORWARDED)
    assert response.status_code == 403


def test_an_allowed_network_lets_its_addresses_in(client, settings):
    settings.PARITY_METRICS_ALLOWED_IPS = ["10.8.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.8.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.9.3.4").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_the_metrics_token_lets_a_scrape_in_from_anywhere(client, settings):
    settings.PARITY_METRICS_TOKEN = "s3cret-token"
    good = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-token", **FORWARDED
    )
    assert good.status_code == 200
    bad = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer guess")
    assert bad.status_code == 403


def test_no_token_configured_lets_no_token_in(client, settings):
    settings.PARITY_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403
