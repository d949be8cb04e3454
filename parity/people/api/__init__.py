"""The people app's REST endpoints: persons and residences (``persons``), households and
employment records (``households``)."""
