"""The view kit every app's pages share: the person a user may see or act on, one way to
handle a form, the as-of date of a page, .xlsx downloads of a list, the area choices of
a filter, and the import page's form and context.

Views stay thin (parse, call one action or selector, render); what they have in common
lives here once, so every page refuses, parses and answers the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from parity.accounts.permissions import VIEW, in_scope, scope_code
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.actions import import_job_create
from parity.core.downloads import export_file
from parity.core.forms import apply_errors
from parity.core.import_jobs import own_jobs, runs_in_background, shown_result, unfinished_job
from parity.core.imports import ACCEPT, ImportFailed
from parity.core.imports.mapping import Importer, mapping_from_post, preview, remember_mapping
from parity.core.params import query_area_code, query_date
from parity.core.uploads import (
    check_upload_size,
    pending_drop,
    pending_exists,
    pending_file,
    pending_name,
    pending_store,
)
from parity.people.models import Person

M = TypeVar("M", bound=Model)
T = TypeVar("T")

# --- who may see and act on a person -------------------------------------------------------


def refuse() -> PermissionDenied:
    """The one refusal of a page: the user sees the record but may not act on it."""
    return PermissionDenied(_("您无权在该区域执行此操作"))


def person_for(request: HttpRequest, pk: int, action: str = VIEW) -> Person:
    """The person ``pk`` if the user may see them (else 404) and, for an ``action`` other
    than viewing (``SERVE``, ``CHANGE``), may do it in the person's area (else 403)."""
    person = get_object_or_404(
        Person.objects.restrict(request.user, VIEW).select_related("grid"), pk=pk
    )
    if action != VIEW and not in_scope(request.user, person.area_code, action):
        raise refuse()
    return person


def person_record_for(request: HttpRequest, model: type[M], pk: int, action: str) -> M:
    """A record about a person (a pregnancy, a certificate …) that the user may see (else
    404) and may ``action`` in its person's area (else 403)."""
    record = get_object_or_404(
        model.objects.restrict(request.user, VIEW).select_related("person"),  # type: ignore[attr-defined]
        pk=pk,
    )
    if not in_scope(request.user, record.person.area_code, action):  # type: ignore[attr-defined]
        raise refuse()
    return record


# --- forms -------------------------------------------------------------------------------


def form_page(
    request: HttpRequest, form, *, title: str, person: Person | None = None, submit: str = ""
) -> HttpResponse:
    """A page holding one form (``web/form_page.html``), about a person or not."""
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "person": person, "submit": submit or _("保存")},
    )


@dataclass(frozen=True)
class Done(Generic[T]):
    """What an action returned when a form was submitted and the action took it."""

    value: T


def submit(
    request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], T]
) -> Done[T] | None:
    """The one way a page hands a form to its action: on a valid POST, ``call`` the action
    with the form's data and return ``Done(what it returned)``; otherwise (a GET, invalid
    data, or the action refusing it with a ValidationError, whose errors go on the form
    field by field) None, and the page shows the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Done(call(form.cleaned_data))
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def handle_form(
    request: HttpRequest,
    form,
    call: Callable[[dict[str, Any]], object],
    *,
    title: str,
    person: Person,
    success: str,
    back: str,
    outcome: Callable[[Any], tuple[bool, str]] | None = None,
) -> HttpResponse:
    """On a valid POST, call the action with the form's data and go back to the person's
    page ``back`` (a URL name) with ``success``; otherwise (or when the action refuses
    the data) show the form with its errors. ``outcome``, given the action's result,
    tells instead whether all went as asked (a success, else a warning) and the text."""
    done = submit(request, form, call)
    if done is not None:
        ok, text = outcome(done.value) if outcome is not None else (True, success)
        (messages.success if ok else messages.warning)(request, text)
        return redirect(back, pk=person.pk)
    return form_page(request, form, title=title, person=person)


def record_form_view(
    form_class: Callable[..., forms.Form],
    action: Callable[..., object],
    *,
    title: StrOrPromise,
    success: StrOrPromise,
    back: str,
    permission: str,
    record: type[Model] | None = None,
    arg: str = "person",
    form_user: bool = False,
    outcome: Callable[[Any], tuple[bool, str]] | None = None,
) -> Callable[..., HttpResponse]:
    """A page that records one thing about a person with ``form_class`` and ``action``.

    The URL's ``pk`` is the person (``record`` None) or one of their records (``record``
    the model, e.g. a pregnancy), which the user must see (else 404) and may ``permission``
    in the person's area (else 403). A valid POST calls ``action(acting_user=user,
    <arg>=the person or record, **data)``; ``form_user`` hands the user to forms whose
    choices depend on the area (sites, staff); ``outcome`` words the message from the
    action's result (``handle_form``)."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if record is None:
            target: Model = person_for(request, pk, permission)
            person = target
        else:
            target = person_record_for(request, record, pk, permission)
            person = target.person  # type: ignore[attr-defined]
        extra: dict[str, Any] = {"user": request.user} if form_user else {}
        form = form_class(request.POST or None, **extra)
        return handle_form(
            request,
            form,
            lambda data: action(acting_user=request.user, **{arg: target}, **data),
            title=str(title),
            person=person,  # type: ignore[arg-type]
            success=str(success),
            back=back,
            outcome=outcome,
        )

    view.__name__ = view.__qualname__ = getattr(action, "__name__", "record_form_view")
    return view


# --- parameters --------------------------------------------------------------------------


def as_of(request: HttpRequest, name: str = "on") -> dt.date:
    """The date a page is computed on (``?on=YYYY-MM-DD``), today when absent. A date
    that is not one is a 400 with the reason (``core.params``), never silently today;
    a DRF request (the API) is read the same way."""
    params = getattr(request, "query_params", request.GET)
    return query_date(params, name)  # type: ignore[arg-type]


def home_area(user) -> Area | None:
    """The node a page opens on: the user's own area, or the city for city-wide users; a
    user who may see nothing is refused."""
    code = scope_code(user, VIEW)
    if code is None:
        raise PermissionDenied
    if code:
        return user.area
    return Area.objects.root()


def chosen_area(request: HttpRequest, param: str = "area") -> Area | None:
    """The area named by ``?area=CODE`` if it is in the user's scope (else 404), or the
    user's own area."""
    code = query_area_code(request.GET, param)
    if not code:
        return home_area(request.user)
    area = Area.objects.restrict(request.user, VIEW).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def in_chosen_area(request: HttpRequest, rows: QuerySet, field: str = "area_code") -> QuerySet:
    """``?area=CODE``: the rows managed in that area. The rows are already restricted to
    the user's scope, so a code outside it only finds nothing."""
    code = query_area_code(request.GET)
    return rows.filter(**{f"{field}__startswith": code}) if code else rows


def list_context(request: HttpRequest, page, title: str) -> dict[str, Any]:
    """What a list page shows above its table: the date and the area chooser (the user's
    own area down to communities)."""
    visible = Area.objects.restrict(request.user, VIEW)
    own = getattr(request.user, "area_id", None)
    areas = visible.filter(Q(level__lte=Level.COMMUNITY) | Q(pk=own))
    return {
        "page": page,
        "title": title,
        "on": as_of(request),
        "area": request.GET.get("area", ""),
        "areas": areas.order_by("code").values_list("code", "name", "level"),
    }


def area_choices(
    user, *, min_level: int = Level.DISTRICT, max_level: int = Level.GRID
) -> list[tuple[str, str]]:
    """(code, indented name) for a select: the user's own area, then the areas below it
    from ``min_level`` down to ``max_level``."""
    home = home_area(user)
    top = home.level if home is not None else Level.CITY
    areas = Area.objects.restrict(user, VIEW).filter(level__lte=max_level)
    areas = areas.filter(Q(level__gte=min_level) | Q(level=top))
    rows = areas.order_by("code").values_list("code", "name", "level")
    return [(code, "\u3000" * max(level - top, 0) + name) for code, name, level in rows]


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a form: ``next`` if it points into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- downloads ---------------------------------------------------------------------------


def wants_xlsx(request: HttpRequest) -> bool:
    """Whether the list was asked for as a file (``?format=xlsx``)."""
    return request.GET.get("format") == "xlsx"


def xlsx_response(
    request: HttpRequest,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    count: QuerySet,
) -> HttpResponseBase:
    """The list as .xlsx, or as a background job when it is long."""
    return export_file(
        request, filename=title, title=title, headers=headers, rows=rows, count=count
    )


class ImportForm(forms.Form):
    """An uploaded file to import, refused before it is read when it is too large.
    Subclasses name the file (``file_label``)."""

    file_label = gettext_lazy("人员信息文件")
    file = forms.FileField(
        help_text=gettext_lazy(
            "Excel(.xlsx、.xls)或CSV文件。表头可以在标题行下面,列名与模板不同也可以:"
            "上传后先预览,确认每一列对应的内容,检查无误再导入"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.file_label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload)
        return upload


def import_context(form, result, file_error: str) -> dict:
    """What an import page shows: the form, the counts, the first bad cells and warnings,
    the file with all of them, the columns not imported (``import_jobs.shown_result``)."""
    return {"form": form, "result": result, "file_error": file_error, **shown_result(result)}


@dataclass(frozen=True)
class ImportPage:
    """The pages of one import (people, service records, targets), in the same steps:
    upload (``upload_template``, at the URL named ``upload_url``) → the mapping step (the
    URL named ``upload_url`` + ``_map``: the first rows, the header row found and each
    column's proposed field, any of them changeable) → a check of the whole file (nothing
    kept) → the import. ``all_or_nothing``: the import writes nothing when a row is bad.
    A check or an import of a file past ``PARITY_IMPORT_BACKGROUND_ROWS`` data rows is an
    import job (``parity.core.import_jobs``): the page sends the user to its progress."""

    importer: Importer
    title: str | Promise
    upload_template: str
    upload_url: str
    form: type[ImportForm] = ImportForm
    all_or_nothing: bool = False

    @property
    def map_url(self) -> str:
        return f"{self.upload_url}_map"

    def views(self) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
        """The page's two views, for its URLs: the upload, and the mapping step (``token``)."""

        @login_required
        def upload(request: HttpRequest) -> HttpResponse:
            return import_upload(request, self)

        @login_required
        def mapping(request: HttpRequest, token: str) -> HttpResponse:
            return import_mapping(request, token, self)

        return upload, mapping


RECENT_JOBS = 5


def _import_scope(request: HttpRequest, page: ImportPage) -> str:
    scope = scope_code(request.user, page.importer.action)
    if scope is None:
        raise PermissionDenied
    return scope


def import_upload(request: HttpRequest, page: ImportPage) -> HttpResponse:
    """Step 1: the upload. The file waits, sealed, for the mapping step. Below the form, the
    user's recent import jobs of this kind, to come back to one."""
    _import_scope(request, page)
    form = page.form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = pending_store(form.cleaned_data["file"], request.user)
        return redirect(page.map_url, token=token)
    context = import_context(form, None, "")
    context["import_page"] = page
    context["jobs"] = own_jobs(request.user).filter(kind=page.importer.kind)[:RECENT_JOBS]
    return render(request, page.upload_template, context)


def import_mapping(request: HttpRequest, token: str, page: ImportPage) -> HttpResponse:
    """Steps 2–4 (``web/import_map.html``): the preview with the proposed mapping (the
    user may change any column and the header row), the check of the whole file (nothing
    written), the import, after which the mapping is kept for the user's area. A large
    file is checked or imported by the background worker: the page sends the user to the
    job, and to the job still working on the file if they come back meanwhile."""
    user = request.user
    scope = _import_scope(request, page)
    if not pending_exists(token, user):
        raise Http404
    waiting = unfinished_job(user, token)
    if waiting is not None:
        return redirect("web:import_job", pk=waiting.pk)
    importer = page.importer
    spec = importer.spec()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    header_row, mapping = mapping_from_post(request.POST, spec.known)
    if action == "reread":
        mapping = None  # a new header row: propose the columns anew
    result, file_error, shown, job = None, "", None, None
    with pending_file(token, user) as path:
        try:
            shown = preview(
                path, spec, kind=importer.kind, area_code=scope, header_row=header_row,
                mapping=mapping,
            )  # fmt: skip
        except ValidationError:
            # Unreadable as a whole (an unclosed quote, a truncated workbook): the import
            # refuses it the same way, with its error file and audit event; as a check,
            # so that nothing is written even if it read what the preview could not.
            try:
                importer.run(path, acting_user=user, check_only=True, error_format="xlsx")
            except ImportFailed as exc:
                result, file_error = exc.result, "; ".join(exc.messages)
        if shown is not None and action in ("check", "import") and not shown.match.missing:
            if runs_in_background(shown.data_rows):
                job = import_job_create(
                    acting_user=user,
                    kind=importer.kind,
                    token=token,
                    file_name=pending_name(token),
                    header_row=shown.match.first_row,
                    fields=list(shown.match.fields),
                    check_only=action == "check",
                    rows_estimate=shown.data_rows,
                    page_url=page.upload_url,
                    all_or_nothing=page.all_or_nothing,
                )
            else:
                try:
                    result = importer.run(
                        path,
                        acting_user=user,
                        header_row=shown.match.first_row,
                        mapping=dict(enumerate(shown.match.fields)),
                        check_only=action == "check",
                        error_format="xlsx",
                    )
                except ImportFailed as exc:
                    result, file_error = exc.result, "; ".join(exc.messages)
    if job is not None:
        return redirect("web:import_job", pk=job.pk)
    # An all-or-nothing import with a bad row wrote nothing: the file stays for another try.
    refused = page.all_or_nothing and result is not None and bool(result.errors)
    imported = action == "import" and result is not None and not file_error and not refused
    if imported:
        assert shown is not None
        remember_mapping(shown, kind=importer.kind, area_code=scope, user=user)
        pending_drop(token, user)
    context = import_context(None, result, file_error)
    context.update(
        import_page=page,
        token=token,
        file_name=pending_name(token),
        page=shown,
        fields=spec.known,
        required=spec.required,
        action=action,
        imported=imported,
        refused=refused and action == "import",
    )
    return render(request, "web/import_map.html", context)
