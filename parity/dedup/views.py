"""The review pages: the queue, a pair side by side with the merge form, a merge with its
unmerge. Thin: parse, call one action or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parity.core.pagination import BoundedCountPaginator
from parity.dedup import actions, selectors
from parity.dedup.choices import PairStatus
from parity.dedup.filters import PairFilter
from parity.dedup.forms import DismissForm, MergeForm
from parity.dedup.models import DuplicatePair, Merge
from parity.people.models import Person

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> str:
    return ";".join(exc.messages)


@login_required
def pair_list(request):
    data = request.GET.copy()
    data.setdefault("status", PairStatus.OPEN)
    filterset = PairFilter(data, queryset=DuplicatePair.objects.restrict(request.user, "change"))
    page = BoundedCountPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    pairs = list(page.object_list)
    people = selectors.people_of(pairs)
    rows = [
        {
            "pair": p,
            "low": people.get(p.low_id),
            "high": people.get(p.high_id),
            "reasons": selectors.reason_labels(p.reasons),
        }
        for p in pairs
    ]
    return render(
        request,
        "dedup/pair_list.html",
        {"filter": filterset, "page": page, "rows": rows, "statuses": PairStatus.choices},
    )


def _pair(request, pk: int) -> DuplicatePair:
    return get_object_or_404(DuplicatePair.objects.restrict(request.user, "change"), pk=pk)


@login_required
def pair_detail(request, pk: int):
    pair = _pair(request, pk)
    if pair.status == PairStatus.MERGED:
        merge = pair.merges.order_by("-merged_at").first()
        if merge is not None:
            return redirect("dedup:merge_detail", pk=merge.pk)
    shown = selectors.side_by_side(pair)
    if shown is None:
        raise Http404
    sides, rows = shown
    form = MergeForm(low=sides[0].person, high=sides[1].person)
    return render(
        request,
        "dedup/pair_detail.html",
        {
            "pair": pair,
            "sides": sides,
            "rows": rows,
            "reasons": selectors.reason_labels(pair.reasons),
            "form": form,
            "dismiss_form": DismissForm(),
        },
    )


@login_required
@require_POST
def pair_merge(request, pk: int):
    pair = _pair(request, pk)
    shown = selectors.side_by_side(pair)
    if shown is None:
        raise Http404
    sides, _rows = shown
    form = MergeForm(request.POST, low=sides[0].person, high=sides[1].person)
    if not form.is_valid():
        messages.error(request, _("请检查合并选项"))
        return redirect("dedup:pair_detail", pk=pair.pk)
    try:
        merge = actions.pair_merge(
            acting_user=request.user,
            pair=pair,
            survivor_id=form.cleaned_data["survivor"],
            winners=form.winners(),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dedup:pair_detail", pk=pair.pk)
    messages.success(request, _("已合并为一人"))
    return redirect("web:person_detail", pk=merge.survivor_id)


@login_required
@require_POST
def pair_dismiss(request, pk: int):
    pair = _pair(request, pk)
    form = DismissForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.pair_dismiss(acting_user=request.user, pair=pair, note=note)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dedup:pair_detail", pk=pair.pk)
    messages.success(request, _("已标记为非同一人,不再提示"))
    return redirect("dedup:pair_list")


def _merge(request, pk: int) -> Merge:
    return get_object_or_404(Merge.objects.restrict(request.user, "change"), pk=pk)


@login_required
def merge_detail(request, pk: int):
    merge = _merge(request, pk)
    return render(
        request,
        "dedup/merge_detail.html",
        {"merge": merge, "deadline": actions.unmerge_deadline(merge)},
    )


@login_required
@require_POST
def merge_unmerge(request, pk: int):
    merge = _merge(request, pk)
    try:
        actions.pair_unmerge(acting_user=request.user, merge=merge)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dedup:merge_detail", pk=merge.pk)
    messages.success(request, _("已撤销合并,两人已恢复"))
    return redirect("dedup:pair_detail", pk=merge.pair_id)


@login_required
def person_resolve(request, pk: int):
    """An old link to a person merged away leads to the survivor (if the user may see
    them)."""
    if Person.objects.restrict(request.user, "view").filter(pk=pk).exists():
        return redirect("web:person_detail", pk=pk)
    found = selectors.survivor_for(request.user, pk)
    if found is None:
        raise Http404
    return redirect("web:person_detail", pk=found)
