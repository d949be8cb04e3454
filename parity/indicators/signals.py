"""Signals of the indicators app."""

from django.dispatch import Signal

# Sent by ``parity refresh_indicators`` after a date's figures are committed, with
# ``snapshot``: pages may render their cached fragments ahead of the first visitor.
indicators_computed = Signal()
