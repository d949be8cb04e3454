"""The planner's histogram of the people's area codes (migration people/0011)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_area_codes_of_people_have_a_finer_histogram_than_the_default():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'people_person'::regclass AND attname = 'area_code'"
        )
        (target,) = cursor.fetchone()
    assert target == 1000  # -1 is the server's default (100 buckets)
