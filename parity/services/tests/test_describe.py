import pytest

from parity.services.describe import delivery_text, rule_text
from parity.services.models import ServiceType


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ({}, "所有在本市居住的人员"),
        (
            {"sex": "F", "age_min": 15, "age_max": 49, "marital_status": ["married"]},
            "女性,15–49岁,已婚",
        ),
        ({"age_min": 65}, "65岁及以上"),
        ({"age_max": 6}, "6岁及以下"),
        ({"age_min_months": 0, "age_max_months": 35}, "0–35月龄"),
        ({"min_stay_months": 6}, "在本市居住满6个月"),
        ({"statuses": ["inflow"], "sex": "F"}, "女性,仅限流入人口"),
        ({"statuses": ["registered", "inflow"]}, "所有在本市居住的人员"),
        ({"flags": ["employed"]}, "在业"),
        ({"flags": ["not_registered_yet"]}, "not_registered_yet"),
        ({"marital_status": ["married", "divorced"]}, "已婚或离婚"),
    ],
)
def test_rules_read_as_plain_chinese(rule, text):
    assert rule_text(rule) == text


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "有过一次服务记录即为已提供"),
        ({"validity_days": 365}, "最近365天内有服务记录"),
        ({"validity_days": 365, "required_count": 4}, "最近365天内至少4次服务记录"),
        ({"on_demand": True}, "按需提供:本人申请时提供,不计为缺失"),
        ({"delivered_by": "no_such_predicate"}, "按记录判定:no_such_predicate"),
    ],
)
def test_delivery_criteria_read_as_plain_chinese(fields, text):
    assert delivery_text(ServiceType(**fields)) == text
