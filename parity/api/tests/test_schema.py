"""The OpenAPI schema and the Swagger UI page, served without any external URL."""

import re
from io import StringIO

from django.contrib.staticfiles import finders
from django.core.management import call_command


def test_the_schema_endpoint_returns_200_and_includes_persons(api, owner):
    response = api(owner).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/persons/" in paths
    assert "/api/v1/persons/{id}/reveal/" in paths
    assert "/api/v1/dwellings/" in paths


def test_the_schema_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert "/api/v1/persons/" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")


def test_the_docs_page_references_only_local_static_files(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    # The vendored Swagger UI, the page's own style sheet, and its start-up script.
    local = ("/static/vendor/swagger-ui-dist/", "/static/api/", "/api/v1/docs/?script")
    assert all(url.startswith(local) for url in urls), urls
    assert "http://" not in html and "https://" not in html
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert "http://" not in script and "https://" not in script
    # Swagger UI would otherwise fetch its validator badge from validator.swagger.io.
    assert '"validatorUrl": null' in script


def test_the_vendored_swagger_ui_files_exist(settings):
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"vendor/swagger-ui-dist/{name}"), f"run `make vendor`: {name}"


def test_the_schema_requires_a_signed_in_user(api):
    response = api().get("/api/v1/schema/?format=json")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_the_docs_page_sends_a_signed_out_visitor_to_the_login_page(client, db):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_docs_page_is_served_to_a_signed_in_user(client, owner):
    client.force_login(owner)

    assert client.get("/api/v1/docs/").status_code == 200
