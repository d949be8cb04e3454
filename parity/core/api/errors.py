"""One error shape for the whole API: ``{"errors": [{"field", "code", "message"}]}``.

Actions raise Django's ``ValidationError`` (with an error dict and ``ErrorCode`` codes) and
``PermissionDenied``; serializers raise DRF's ``ValidationError``. Both become 400s with the
same machine-readable list, so a client (or a partner region's system) can act on ``code``
and show ``message``. ``field`` is ``null`` for errors about the request as a whole. An
action's ``ErrorCode.STALE`` (the record changed since the client's ``If-Match``) is a 412.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from parity.core.actions import RateLimited
from parity.core.error_codes import ErrorCode
from parity.core.params import BadParameter

# DRF's own codes, renamed where Parity already has a word for the same thing.
_CODE_ALIASES = {
    "blank": ErrorCode.REQUIRED.value,
    "null": ErrorCode.REQUIRED.value,
    "max_length": ErrorCode.TOO_LONG.value,
    "permission_denied": ErrorCode.PERMISSION.value,
}


def _code(code: Any) -> str:
    code = str(code or "invalid")
    return _CODE_ALIASES.get(code, code)


def _error(field: str | None, code: Any, message: Any) -> dict[str, Any]:
    if field in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY, ""):
        field = None
    return {"field": field, "code": _code(code), "message": str(message)}


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """Flatten a Django ValidationError, keeping each error's field and code."""
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    errors = []
    for field, items in by_field.items():
        for item in items:
            message = item.message % item.params if item.params else item.message
            errors.append(_error(field, item.code, message))
    return errors


def drf_errors(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    """Flatten DRF error details; nested fields are joined with dots (``members.0.relation``)."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            is_top = key == api_settings.NON_FIELD_ERRORS_KEY
            name = field if is_top else (f"{field}.{key}" if field else str(key))
            errors += drf_errors(value, name)
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            errors += drf_errors(value, f"{field}.{index}" if nested and field else field)
        return errors
    return [_error(field, getattr(detail, "code", None), detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BadParameter):
        errors = [_error(exc.field, exc.code, exc.message)]
        return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RateLimited):
        errors = [_error(None, ErrorCode.RATE_LIMITED, exc)]
        return Response({"errors": errors}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    if isinstance(exc, DjangoValidationError):
        errors = django_errors(exc)
        stale = any(error["code"] == ErrorCode.STALE for error in errors)
        http_status = status.HTTP_412_PRECONDITION_FAILED if stale else status.HTTP_400_BAD_REQUEST
        return Response({"errors": errors}, status=http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        response.data = {"errors": drf_errors(exc.detail)}
    else:
        # Http404 and Django's PermissionDenied, already turned into DRF's by the handler.
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = "not_found" if response.status_code == 404 else "permission_denied"
        response.data = {"errors": [_error(None, code, detail)]}
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(errors: list[dict[str, Any]], status_code: int) -> JsonResponse:
    return JsonResponse(
        {"errors": errors}, status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def server_error(request, *args, **kwargs) -> HttpResponse:
    """Django's handler500: under /api/ the error format (no traceback), else the page.
    The exception itself is logged by Django's ``django.request`` logger."""
    if _is_api(request):
        message = _("服务器内部错误,请稍后重试;如问题持续请联系管理员")
        return _json([_error(None, ErrorCode.SERVER_ERROR, message)], 500)
    return defaults.server_error(request, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs) -> HttpResponse:
    """Django's handler404: a URL no route matches (``/api/v1/persons/a.b/``) answers the
    error format under /api/, like the API's own 404s."""
    if _is_api(request):
        return _json([_error(None, "not_found", _("请求的地址不存在"))], 404)
    return defaults.page_not_found(request, exception, *args, **kwargs)


def bad_request(request, exception, *args, **kwargs) -> HttpResponse:
    """Django's handler400. A ``BadParameter`` (parity.core.params) names the parameter and
    says what is wrong, on the page or, under /api/, in the error format; other bad
    requests (a malformed host, say) get a general message, since theirs may be technical."""
    if isinstance(exception, BadParameter):
        error = _error(exception.field, exception.code, exception.message)
    else:
        error = _error(None, ErrorCode.INVALID_PARAMETER, _("请求有误"))
    if _is_api(request):
        return _json([error], 400)
    context = {"field": error["field"], "message": error["message"]} if error["field"] else {}
    return render(request, "400.html", context, status=400)
