"""The project's URLs with ``parity.indicators.urls`` at ``indicators/``, for the page
tests, whatever ``config/urls.py`` includes of the app meanwhile (it should include that
module once, in place of ``urls_define``)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urls

APP_URLS = "parity.indicators.urls"


def _module(pattern) -> str:
    return getattr(getattr(pattern, "urlconf_module", None), "__name__", "")


if any(_module(p) == APP_URLS for p in project_urls):
    urlpatterns = list(project_urls)
else:
    urlpatterns = [
        path("indicators/", include(APP_URLS)),
        *(p for p in project_urls if getattr(p, "namespace", None) != "indicators"),
    ]
