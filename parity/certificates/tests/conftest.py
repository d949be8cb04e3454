import datetime as dt

import pytest

from parity.conftest import make_id
from parity.maternal.tests.factories import load_catalog


@pytest.fixture
def catalog(db):
    return load_catalog()


@pytest.fixture
def woman(register, catalog):
    """A floating woman (registered in 郑州, 410102) born 1995-03-10, living in the owner's
    grid since 2024-01-05."""
    return register(
        id_number=make_id(birth="19950310", seq=222),
        name="李梅",
        arrived_on=dt.date(2024, 1, 5),
        marital_status="married",
    )
