"""The place pickers' search: places of China (GB/T 2260) by name, for the forms' place
boxes (``parity.areas.forms.PlaceInput``). Public reference data, but only for signed-in
users, like every page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from parity.areas.origins import search_places

LIMIT = 20


@login_required
def place_search(request):
    """``?q=郑州 金水`` (or a code's first digits): up to 20 places, code and full name."""
    text = (request.GET.get("q") or "").strip()[:40]
    results = [{"code": code, "name": name} for code, name in search_places(text, LIMIT)]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, max-age=3600"
    return response
