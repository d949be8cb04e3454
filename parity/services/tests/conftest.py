import pytest


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


FOLLOWUP_SCHEMA = [
    {
        "name": "condition",
        "label": "病种",
        "type": "choice",
        "choices": ["高血压", "2型糖尿病"],
        "required": True,
    },
    {"name": "systolic", "label": "收缩压(mmHg)", "type": "integer", "min": 50, "max": 300},
]


@pytest.fixture
def health_record(make_service):
    return make_service("health_record", {"min_stay_months": 6}, name="居民健康档案")


@pytest.fixture
def followup(make_service):
    return make_service(
        "chronic_followup",
        {"age_min": 35},
        name="高血压和2型糖尿病患者健康管理",
        details_schema=FOLLOWUP_SCHEMA,
        validity_days=365,
        required_count=4,
    )
