"""Two reviewers merging the same pair at once leave one result (PostgreSQL: row locks)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from parity.dedup import actions
from parity.dedup.error_codes import DedupError
from parity.dedup.models import DuplicatePair, Merge
from parity.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_concurrent_merges_of_the_same_pair_leave_one_result(pair, colleague, admin_user):
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def merge(user, survivor_id: int) -> None:
        try:
            barrier.wait()
            outcomes.append(
                actions.pair_merge(acting_user=user, pair=pair, survivor_id=survivor_id)
            )
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge, args=(colleague, pair.low_id)),
        threading.Thread(target=merge, args=(admin_user, pair.high_id)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merges = [o for o in outcomes if isinstance(o, Merge)]
    assert len(merges) == 1
    assert [o for o in outcomes if not isinstance(o, Merge)] == [DedupError.PAIR_DECIDED]
    assert Person.objects.count() == 1
    assert Merge.objects.count() == 1
    assert DuplicatePair.objects.get(pk=pair.pk).status == "merged"
