"""The service-event file: six fixed Chinese headers, then one column per details field
of the catalog, named by the field's label (``病种``, ``收缩压(mmHg)``)."""

from __future__ import annotations

from collections.abc import Iterable

ID_NUMBER, SERVICE, DATE, PROVIDER, OUTCOME, NOTE = (
    "身份证号码",
    "服务项目",
    "服务日期",
    "服务机构",
    "结果",
    "备注",
)
FIXED_HEADERS = (ID_NUMBER, SERVICE, DATE, PROVIDER, OUTCOME, NOTE)
# Read when a register has it (not in the template): checked against the person's name.
NAME = "姓名"
REQUIRED_HEADERS = (ID_NUMBER, SERVICE, DATE)
MEANINGS = {
    ID_NUMBER: "18位身份证号码(请把该列设为文本格式)",
    SERVICE: "服务项目代码或名称,见“服务项目”工作表",
    DATE: "YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD,不能晚于今天",
    PROVIDER: "服务机构名称(选填);同名机构须写“区划代码/名称”",
    OUTCOME: "已完成、已转诊/转介、本人拒绝、未找到本人、其他;留空为已完成",
    NOTE: "选填,最多200字",
}


def detail_headers(services: Iterable) -> list[str]:
    """The details columns: every label in the catalog's schemas, in catalog order."""
    labels: list[str] = []
    for service in services:
        for spec in service.details_schema or []:
            if spec["label"] not in labels:
                labels.append(spec["label"])
    return labels
