"""The exchange's background task (django-tasks, run by ``parity worker``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from parity.exchange import delivery
from parity.exchange.models import Partner


@task()
def exchange_deliver(partner_id: int) -> dict:
    """Deliver a partner's pending messages; when the partner is down, try again after
    the backoff the delivery set."""
    Partner.objects.filter(pk=partner_id).update(wake_queued=False)
    result = delivery.deliver(partner_id)
    if result.retry_at is not None and Partner.objects.filter(
        pk=partner_id, wake_queued=False
    ).update(wake_queued=True):
        exchange_deliver.using(
            run_after=max(result.retry_at, timezone.now() + dt.timedelta(seconds=1))
        ).enqueue(partner_id)
    return {"sent": result.sent, "failed": result.failed}
