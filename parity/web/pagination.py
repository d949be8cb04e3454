from __future__ import annotations

from django.core.paginator import Page

from parity.core.pagination import BoundedCountPaginator

PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of a list; its total is counted only when that is quick
    (``core.pagination``): ``page.paginator.count`` may be None."""
    return BoundedCountPaginator(queryset, per_page).get_page(request.GET.get("page"))
