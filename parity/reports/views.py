"""The report page: pick a date and an area inside the user's scope, read the figures,
download them as md / xlsx / docx. An area outside the scope is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from parity.accounts.permissions import VIEW, scope_code
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.exports import attachment
from parity.core.views import as_of
from parity.reports import content
from parity.reports.figures import report_figures
from parity.reports.renderers import CONTENT_TYPES, FORMATS, chinese_filename, filename
from parity.reports.renderers import render as render_report


@login_required
def report_page(request):
    scope = scope_code(request.user, VIEW)
    if scope is None:
        raise PermissionDenied
    visible = Area.objects.restrict(request.user, VIEW)
    code = request.GET.get("area", "").strip() or scope or settings.PARITY_CITY_CODE
    area = visible.filter(code=code).first()
    if area is None:
        raise Http404
    on = as_of(request, "as_of")
    result = report_figures(as_of=on, area=area)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        response = HttpResponse(render_report(result, fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = attachment(
            filename(result, fmt), chinese_filename(result, fmt)
        )
        return response
    choices = visible.filter(level__lte=Level.STREET).order_by("code")
    return render(
        request,
        "reports/report.html",
        {
            "figures": result,
            "area": area,
            "areas": choices,
            "as_of": on,
            "title": content.title(result),
            "sections": content.sections(result),
            "tables": content.tables(result),
            "formats": FORMATS,
        },
    )
