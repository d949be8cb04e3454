import logging
import re
import time
import uuid

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.signals import connection_created
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from parity.core import logs

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("parity.requests")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose otherwise with the language switch.

    Django's own middleware also follows the browser's Accept-Language header; Parity's
    working language is Chinese whatever the browser says, so only the explicit choice
    (the language cookie set by ``set_language``) counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class StatementTimeoutMiddleware:
    """Every query a web request runs on PostgreSQL is cancelled after
    ``PARITY_WEB_STATEMENT_TIMEOUT_S`` seconds, so that a runaway query ends with its request
    instead of loading the server for everyone after the web server has given up; the user
    is told the page took too long (503), in the API's error format under /api/.

    Only processes that serve requests load middleware: the timeout is set on their
    connections as each one opens, never on those of management commands (imports,
    refreshes, the demo generator), which run long statements on purpose."""

    def __init__(self, get_response):
        self.get_response = get_response
        connection_created.connect(
            _set_statement_timeout, weak=False, dispatch_uid="parity-statement-timeout"
        )
        # A connection opened before this middleware loaded gets it too (once for a value:
        # the test client loads the middleware again for every client it makes).
        for connection in connections.all(initialized_only=True):
            applied = getattr(connection, "_parity_statement_timeout", None)
            if connection.connection is not None and applied != _web_settings():
                _set_statement_timeout(connection=connection)

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _is_query_cancelled(exception):
            return None
        logger.warning("statement timeout: %s %s", request.method, request.path)
        message = _("查询时间过长,已停止。请缩小查询范围(选择更小的区划或增加筛选条件)后重试。")
        if request.path.startswith("/api/"):
            body = {"errors": [{"field": None, "code": "timeout", "message": message}]}
            return JsonResponse(body, status=503)
        return render(request, "503.html", {"message": message}, status=503)


def _is_query_cancelled(exception: BaseException) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    # psycopg raises QueryCanceled (SQLSTATE 57014) for a statement timeout.
    return getattr(cause, "sqlstate", None) == "57014"


def _timeout_ms() -> str:
    return f"{int(settings.PARITY_WEB_STATEMENT_TIMEOUT_S * 1000)}ms"


def _web_settings() -> tuple[str, str]:
    return _timeout_ms(), str(settings.PARITY_WEB_PARALLEL_WORKERS)


def _set_statement_timeout(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "postgresql":
        value = _web_settings()
        # On the driver's connection: settings of the session, not of the page's queries
        # (a timeout of 0 lifts the limit, as PostgreSQL's own default). Parallel workers
        # too: a page's query shares the cores with the other requests, and a leader kept
        # waiting for workers the busy cores do not run stalled pages for seconds
        # (bench/README.md, "pages"); PARITY_WEB_PARALLEL_WORKERS gives them back.
        connection.connection.execute(
            "SELECT set_config('statement_timeout', %s, false), "
            "set_config('max_parallel_workers_per_gather', %s, false)",
            list(value),
        )
        connection._parity_statement_timeout = value


class QueryCountHeaderMiddleware:
    """With ``PARITY_QUERY_COUNT_HEADER`` on (benchmarks only: ``bench/pages.py``), every
    response says in ``X-Parity-Queries`` how many SQL statements it took on the default
    database, so a page-time tour over HTTP sees the query count beside the time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections[DEFAULT_DB_ALIAS].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Parity-Queries"] = str(count)
        return response


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration, user id.

    The query string is left out (a search box's value can be an ID number or a name);
    only its parameter names are kept. Each request gets an id (the proxy's
    ``X-Request-ID`` when it is a plain token, else a new one), stamped on every log line
    written while it is served and returned in the response's ``X-Request-ID``.
    Load-balancer probes (``/health/``, ``/metrics``) are logged at DEBUG only.
    """

    QUIET_PATHS = ("/health/", "/metrics")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = logs.request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            status = response.status_code
            if status >= 500:
                level = logging.ERROR
            elif request.path in self.QUIET_PATHS and status < 400:
                level = logging.DEBUG
            else:
                level = logging.INFO
            user = getattr(request, "user", None)
            request_logger.log(
                level,
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "query_keys": sorted(request.GET.keys()),
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            logs.request_id.reset(token)


class PrivateResponsesNotStoredMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user that does not set
    its own caching: such pages show people's records (and, once revealed, clear ID and
    phone numbers), which must not stay in a browser's or a proxy's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
