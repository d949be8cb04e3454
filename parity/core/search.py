"""Search text that may be an ID or phone number never travels in a URL (URLs end up in
access logs, proxies and browser history): the search form posts it, the server keeps it
in the session under a short random key and redirects to ``?s=<key>``, so that the result
pages (and their pagination links) carry only the key. Used by the 人员查询 page and the
admin's person list."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "parity_searches"
KEPT = 20  # the user's latest searches; older keys fall back to an empty search
PARAM = "s"


def search_redirect(request, url: str, *, text_field: str, fields: list[str]):
    """The POSTed search as a redirect to ``url``: ``text_field`` kept in the session,
    the other ``fields`` (choices, area codes) in the query string."""
    params = {name: request.POST[name] for name in fields if request.POST.get(name)}
    text = request.POST.get(text_field, "").strip()
    if text:
        searches = dict(request.session.get(SESSION_KEY, {}))
        key = secrets.token_urlsafe(6)
        searches[key] = text
        request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
        params[PARAM] = key
    return HttpResponseRedirect(url + ("?" + urlencode(params) if params else ""))


def search_data(request, *, text_field: str) -> QueryDict:
    """The list's filter data: the query string without any ``text_field`` it may carry,
    plus the text the ``s`` key stands for."""
    data = request.GET.copy()
    data.pop(text_field, None)
    text = request.session.get(SESSION_KEY, {}).get(request.GET.get(PARAM, ""))
    if text:
        data[text_field] = text
    return data
