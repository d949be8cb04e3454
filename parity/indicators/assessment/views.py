"""Target assessment pages (目标考核): the assessment of a year and area (ranking of the
child nodes, each target's actual and achievement, the add/edit form), its downloads, and
the target import. Reading needs the area inside the user's view scope (a district
official sees their district and below; another area is a 404); writing needs the
assessment permission over the target's area."""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parity.accounts.permissions import ASSESS, VIEW, in_scope, scope_code
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.concurrency import is_stale, show_conflict, version_of
from parity.core.exports import XLSX, attachment
from parity.core.params import query_id
from parity.core.views import ImportForm, ImportPage
from parity.indicators.assessment.actions import TARGETS, target_delete, target_set
from parity.indicators.assessment.exports import (
    CONTENT_TYPES,
    RENDERERS,
    chinese_filename,
    filename,
)
from parity.indicators.assessment.forms import YEAR_MAX, YEAR_MIN, TargetForm, TargetPageForm
from parity.indicators.assessment.imports import write_template
from parity.indicators.assessment.selectors import DEFINITIONS, assessment
from parity.indicators.models import Target


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if YEAR_MIN <= year <= YEAR_MAX else timezone.localdate().year


def _area(request) -> Area:
    """The area asked for (default: the root of the user's view scope), inside that scope."""
    scope = scope_code(request.user, VIEW)
    if scope is None:
        raise PermissionDenied
    code = request.GET.get("area", "").strip() or scope or settings.PARITY_CITY_CODE
    area = Area.objects.restrict(request.user, VIEW).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def _page_url(area_code: str, year: int) -> str:
    return reverse("indicators:assessment") + "?" + urlencode({"area": area_code, "year": year})


def _add_errors(form: TargetForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _editing(user, edit: int | None) -> Target | None:
    """The target named by ``?edit=``, if the user may change it."""
    editable = Target.objects.restrict(user, ASSESS).select_related("area", "indicator")
    return editable.filter(pk=edit).first() if edit is not None else None


def _initial(user, year: int, area: Area, edit: int | None) -> dict:
    """The form's starting values: the page's year and area, or the target being edited
    (with its version, see ``parity.core.concurrency``)."""
    initial = {"year": year, "area": area.code, "measure": "floating_rate", "weight": 1}
    target = _editing(user, edit)
    if target is not None:
        initial.update(
            year=target.year,
            area=target.area.code,
            indicator=target.indicator.code,
            measure=target.measure,
            value=target.value,
            weight=target.weight,
            note=target.note,
            version=version_of(target),
        )
    return initial


def _expected_version(user, edit: int | None, data: dict) -> str | None:
    # The version counts only for the target it was read from: a form whose year, area
    # or indicator was changed saves another target.
    target = _editing(user, edit)
    same = target is not None and (target.year, target.area_id, target.indicator_id) == (
        data["year"],
        data["area"].pk,
        data["indicator"].pk,
    )
    return (data["version"] or None) if same else None


@login_required
def assessment_page(request):
    area = _area(request)
    year = _year(request)
    user = request.user
    can_assess = in_scope(user, area.code, ASSESS)
    if request.method == "POST" and not can_assess:
        raise PermissionDenied
    result = assessment(year, area, targets=Target.objects.restrict(user, VIEW))
    form = None
    if can_assess:
        nodes = [area, *(item.area for item in result.ranking)]
        choices = [(n.code, f"{n.name}({n.code})") for n in nodes]
        scope = scope_code(user, ASSESS) or ""
        edit = query_id(request.GET, "edit")
        if request.method == "POST":
            form = TargetPageForm(request.POST, scope=scope, area_choices=choices)
            if form.is_valid():
                data = dict(form.cleaned_data)
                expected = _expected_version(user, edit, data)
                del data["version"]
                try:
                    target_set(acting_user=user, expected_version=expected, **data)
                except ValidationError as exc:
                    if is_stale(exc):
                        initial = _initial(user, year, area, edit)
                        form = TargetPageForm(initial=initial, scope=scope, area_choices=choices)
                        show_conflict(form, exc)
                    else:
                        _add_errors(form, exc)
                else:
                    messages.success(request, _("已保存考核目标"))
                    return redirect(_page_url(area.code, form.cleaned_data["year"]))
        else:
            initial = _initial(user, year, area, edit)
            form = TargetPageForm(initial=initial, scope=scope, area_choices=choices)
    chooser = Area.objects.restrict(user, VIEW).filter(level__lte=Level.STREET).order_by("code")
    return render(
        request,
        "indicators/assessment.html",
        {
            "a": result,
            "area": area,
            "year": year,
            "areas": chooser,
            "form": form,
            "can_assess": can_assess,
            "can_import": scope_code(user, ASSESS) is not None,
            "definitions": DEFINITIONS,
            "formats": list(RENDERERS),
        },
    )


@login_required
@require_POST
def target_remove(request, pk: int):
    target = get_object_or_404(
        Target.objects.restrict(request.user, ASSESS).select_related("area"), pk=pk
    )
    code, year = target.area.code, target.year
    target_delete(acting_user=request.user, target=target)
    messages.success(request, _("已删除考核目标"))
    back = request.POST.get("area", "") or code
    return redirect(_page_url(back, year))


@login_required
def assessment_download(request, fmt: str):
    if fmt not in RENDERERS:
        raise Http404
    area = _area(request)
    result = assessment(_year(request), area, targets=Target.objects.restrict(request.user, VIEW))
    response = HttpResponse(RENDERERS[fmt](result), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = attachment(
        filename(result, fmt), chinese_filename(result, fmt)
    )
    return response


class TargetImportForm(ImportForm):
    file_label = gettext_lazy("考核目标文件")


IMPORT_PAGE = ImportPage(
    TARGETS, gettext_lazy("考核目标导入"), "indicators/assessment_import.html",
    "indicators:assessment_import", form=TargetImportForm, all_or_nothing=True,
)  # fmt: skip
# Step 1, the upload; steps 2–4, preview and mapping, check, import (``core.views``).
import_page, import_map = IMPORT_PAGE.views()


@login_required
def template_download(request):
    scope = scope_code(request.user, ASSESS)
    if scope is None:
        raise PermissionDenied
    districts = Area.objects.filter(level=Level.DISTRICT).order_by("code")
    example = scope or districts.values_list("code", flat=True).first() or settings.PARITY_CITY_CODE
    buffer = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - FileResponse closes it
    write_template(buffer, example_area=example)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=_("考核目标导入模板") + ".xlsx", content_type=XLSX
    )
