import pytest


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- the dashboard's small city ---------------------------------------------------------

STREET_GRID = "150203002001001"  # 昆都仑区, another street than the owner's grid


@pytest.fixture
def city_official(django_user_model, areas):
    """An official of the whole city (may recompute the indicators)."""
    from parity.accounts.choices import Role

    return django_user_model.objects.create_user(
        username="city", password="pw-city-123", role=Role.OFFICIAL, area=areas["1502"]
    )


@pytest.fixture
def nobody(django_user_model, areas):
    """An official without an access area: sees nothing."""
    from parity.accounts.choices import Role

    return django_user_model.objects.create_user(
        username="nobody", password="pw-nobody-123", role=Role.OFFICIAL, area=None
    )


def build_small_city(register, admin_user) -> dict:
    """Floating and registered people in three grids of 昆都仑区 (150203) and one of 青山区
    (150204), some with a health record, some employed. Returns them by key."""
    import datetime as dt

    from django.utils import timezone

    from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
    from parity.immunization.actions import schedule_load
    from parity.immunization.schedule_data import read_schedule_file
    from parity.people.actions import employment_record
    from parity.services.actions import service_record
    from parity.services.models import ServiceType

    # A child's pending doses are computed when the registration commits.
    schedule_load(acting_user=None, data=read_schedule_file())
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    made: dict = {}
    seq = iter(range(101, 999, 2))  # odd: men; +1 for women

    def add(key, grid, hukou, born, *, woman=False, **extra):
        number = make_id(hukou, born, next(seq) + (1 if woman else 0))
        made[key] = register(id_number=number, name=key, grid=grid, by=admin_user, **extra)

    add("henan", GRID, "410102", "19900101", arrived_on=today - 2 * year)
    add("newcomer", GRID, "510104", "19850505", arrived_on=today - dt.timedelta(days=30))
    born = today - 2 * year
    add("baby", GRID, "410102", born.strftime("%Y%m%d"), arrived_on=born)
    add("hebei", SISTER_GRID, "130102", "19920301", woman=True, arrived_on=today - 3 * year,
        marital_status="married")  # fmt: skip
    add("gone", SISTER_GRID, "150203", "19920202", woman=True, marital_status="married",
        outflow_region_code="330102", outflow_since=today - 2 * year)  # fmt: skip
    add("street", STREET_GRID, "410102", "19950101", arrived_on=today - year,
        housing_type="dormitory")  # fmt: skip
    add("local", GRID, "150203", "19800101", housing_type="own", arrived_on=dt.date(1980, 1, 1))
    add("local2", GRID, "150203", "19750101", housing_type="own", arrived_on=dt.date(1975, 1, 1))
    add("local3", STREET_GRID, "150203", "19700101", housing_type="own",
        arrived_on=dt.date(1970, 1, 1))  # fmt: skip
    add("qingshan", OTHER_GRID, "410102", "19950102", arrived_on=today - year)
    add("qingshan_local", OTHER_GRID, "150204", "19600101", housing_type="own",
        arrived_on=dt.date(1960, 1, 1))  # fmt: skip
    health = ServiceType.objects.get(code="health_record")
    for key in ("henan", "street", "local", "local2", "local3", "qingshan", "qingshan_local"):
        service_record(acting_user=admin_user, person=made[key], service_type=health,
                       date=today - dt.timedelta(days=10))  # fmt: skip
    employment_record(acting_user=admin_user, person=made["henan"], industry="E")
    employment_record(acting_user=admin_user, person=made["hebei"], industry="H")
    return made


def compute_indicators(acting_user=None):
    """Load the built-in indicators (with the immunization schedule's doses) and compute
    the cache for today."""
    from django.utils import timezone

    from parity.immunization.actions import schedule_load
    from parity.immunization.schedule_data import read_schedule_file
    from parity.indicators.catalog import load_builtin
    from parity.indicators.compute import refresh

    today = timezone.localdate()
    schedule_load(acting_user=None, data=read_schedule_file())
    load_builtin(today)
    return refresh(as_of=today, acting_user=acting_user)


@pytest.fixture
def small_city(register, admin_user, catalog) -> dict:
    return build_small_city(register, admin_user)


@pytest.fixture
def snapshot(small_city, admin_user):
    return compute_indicators(admin_user)
