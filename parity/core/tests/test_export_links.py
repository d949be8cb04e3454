"""Every 导出 link of every page a role can open downloads a workbook that opens.

The pages are the access matrix's list and read doors (``ROUTES``), filled with the
records inside the role's scope; each export link found in the page is followed as the
user would, and what comes back must be an .xlsx file openpyxl reads (or the page of a
background export job, for a list past the inline threshold)."""

from __future__ import annotations

import io
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from django.urls import reverse

from parity.core.exports import XLSX
from parity.core.tests.access_routes import LIST, READ, ROUTES, fixed
from parity.core.tests.access_world import ROLE_USERS
from parity.core.tests.test_access_matrix import _request, _sides, allowed, world  # noqa: F401


class _Links(HTMLParser):
    """The export links of a page: anchors whose text says 导出 or whose target is a file."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            text = "".join(self._text).strip()
            href = self._href
            looks_like_file = "format=xlsx" in href or urlsplit(href).path.endswith(".xlsx")
            if looks_like_file or ("导出" in text and href != reverse("web:export_list")):
                self.links.append((text, href))
            self._href = None


def export_links(html: str) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _pages():
    for name, doors in ROUTES.items():
        door = doors.get("GET")
        if name.startswith("api:") or door is None or door.kind not in (LIST, READ):
            continue
        if "xlsx" in name or "export" in name:
            continue  # a download itself, not a page
        for role in ROLE_USERS:
            if role == "outsider" or not allowed(role, door.action):
                continue
            if ROLE_USERS[role][0] in door.refused:
                continue
            yield pytest.param(role, name, id=f"{role}-{name}")


def _workbook(client, response):
    if response.status_code == 302 and "/exports/" in response["Location"]:
        return None  # a background job: its own tests follow it to the file
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(XLSX), response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body), read_only=True)


def test_the_link_reader_finds_an_export_link_and_leaves_the_menu_alone():
    html = (
        '<a href="/exports/">我的导出</a><a class="button" href="?on=2025-01-01&format=xlsx">'
        '导出Excel</a><a href="/x/targets.xlsx">名单</a><a href="/people/">人员</a>'
    )

    assert export_links(html) == [
        ("导出Excel", "?on=2025-01-01&format=xlsx"),
        ("名单", "/x/targets.xlsx"),
    ]


@pytest.mark.parametrize(("role", "name"), list(_pages()))
def test_every_export_link_downloads_a_workbook(db, client, world, role, name):  # noqa: F811
    door = ROUTES[name]["GET"]
    side, _theirs = _sides(world, role, "inside")
    client.force_login(world.users[role])
    if isinstance(door.query, fixed) and "format" in door.query:
        # The matrix asks these lists for their download: open the page itself.
        door = replace(door, query=None)
    page = _request(client, "GET", name, door, side, world)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return
    base = page.wsgi_request.get_full_path()
    for text, href in export_links(page.content.decode()):
        url = urljoin(base, href.replace("&amp;", "&"))
        assert "??" not in url, f"{name}: {text} → {href}"
        response = client.get(url)
        book = _workbook(client, response)
        if book is not None:
            assert book.sheetnames, f"{name}: {text} → {url}: an empty workbook"
