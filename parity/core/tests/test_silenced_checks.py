from django.conf import settings


def test_sqlite_s_ignored_include_columns_warning_is_silenced_on_sqlite_only():
    """models.W040 (SQLite ignores an index's INCLUDE columns) was printed by every
    command on SQLite; on PostgreSQL it would point at a real problem and stays."""
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert ("models.W040" in settings.SILENCED_SYSTEM_CHECKS) == on_sqlite
