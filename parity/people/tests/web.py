"""Going through an import page (people, service records, targets) as a user does:
upload, the preview with the proposed mapping, then "导入" (or "检查") with that mapping."""

from __future__ import annotations

from django.urls import reverse


def web_import(
    client,
    upload,
    *,
    action: str = "import",
    change: dict[int, str] | None = None,
    url: str = "people_io:import",
):
    """The response of the last step: the upload's own page (``url``) when it refused the
    file, the preview when the file cannot be mapped, else the result of ``action``."""
    response = client.post(reverse(url), {"file": upload})
    if response.status_code != 302:
        return response
    preview = client.get(response["Location"])
    page = preview.context["page"]
    if page is None or (page.match.missing and not change):
        return preview
    data = {"header_row": page.match.first_row, "action": action}
    for column in page.columns:
        data[f"col_{column.index}"] = column.field or ""
    for index, field in (change or {}).items():
        data[f"col_{index}"] = field
    return client.post(response["Location"], data)
