"""OpenAPI post-processing: every operation documents the error answers it can give.

Each view lists its own domain errors with ``errors(...)`` (parity.core.api.base); the answers
that come from the framework rather than the view are added here once, in the error
format (the ``Errors`` component): 400 for a bad parameter or body, 401 and 403 for a
missing or insufficient login, 404 for an id, a code, an area or a page that is not
there; 415 for a body in a content type the endpoint does not read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

ERRORS_REF = {"$ref": "#/components/schemas/Errors"}


def _descriptions() -> dict[str, str]:
    return {
        "400": _("请求参数或内容有误(逐字段列出错误代码)"),
        "401": _("未登录或令牌无效"),
        "403": _("无权执行此操作"),
        "404": _("记录、区划或页码不存在或不在您的辖区"),
        "415": _("不支持的请求内容类型(请用 JSON)"),
    }


def _codes(operation: dict[str, Any]) -> list[str]:
    codes = []
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation:
        codes.append("400")
    # Every endpoint authenticates: a bad token is a 401 even at the token login.
    codes += ["401", "403"]
    if parameters:
        codes.append("404")
    if "requestBody" in operation:
        codes.append("415")
    return codes


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    if "Errors" not in result.get("components", {}).get("schemas", {}):
        return result
    descriptions = _descriptions()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code in _codes(operation):
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": ERRORS_REF}},
                        "description": descriptions[code],
                    },
                )
    return result
