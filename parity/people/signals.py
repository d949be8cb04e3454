"""Signals of the people app for the bulk paths, which write without ``post_save``."""

from django.dispatch import Signal

# Sent by the import writer after each chunk, inside its transaction, with
# ``person_ids``: every person whose row, homes or jobs the chunk created or changed. Apps
# that keep figures derived from those (``certificates.eligible``) refresh them in bulk.
people_written = Signal()
