"""Machine-readable error codes of the duplicates app (on top of ``core.ErrorCode``)."""

from django.db import models


class DedupError(models.TextChoices):
    PAIR_DECIDED = "pair_decided"
    PAIR_SAME_PERSON = "pair_same_person"
    PERSON_GONE = "person_gone"
    SURVIVOR_NOT_IN_PAIR = "survivor_not_in_pair"
    FIELD_UNKNOWN = "field_unknown"
    OPEN_PREGNANCIES = "open_pregnancies"
    ACTIVE_PERMITS = "active_permits"
    PENDING_TRANSFERS = "pending_transfers"
    UNMERGE_EXPIRED = "unmerge_expired"
    UNMERGE_DONE = "unmerge_done"
    UNMERGE_LATER_MERGE = "unmerge_later_merge"
