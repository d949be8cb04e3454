import logging
import re
import time
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from parity.core import logs

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
