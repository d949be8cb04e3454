"""The people file layout: the template's Chinese headers, what each means, and the lookup
tables that turn a cell into a stored value. Imports, exports and the template all use it,
so a file written by one is read by the others."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from django.db import models
from django.utils import translation

from parity.core.imports.aliases import aliases_for
from parity.core.imports.headers import HeaderSpec
from parity.people.choices import (
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    Industry,
    MaritalStatus,
    MoveReason,
)


class Column(NamedTuple):
    header: str
    meaning: str


TEMPLATE_COLUMNS: list[Column] = [
    Column("姓名", "必填。最长50个字。"),
    Column(
        "身份证号码",
        "必填。18位居民身份证号码(末位X大小写均可);15位旧号码自动升为18位。"
        "请把该列设为文本格式,否则Excel会把号码变成科学计数法。",
    ),
    Column("民族", "选填,默认汉族。填民族名称(如 汉族、蒙古族)或两位代码(如 01)。"),
    Column("文化程度", "选填。未上过学、小学、初中、高中/中专、大学专科、大学本科、研究生。"),
    Column("婚姻状况", "选填。未婚、已婚、丧偶、离婚。"),
    Column(
        "户籍地代码",
        "选填。6位行政区划代码,或写明省、市、县(如 河南省郑州市金水区);不填时取身份证号码前6位。",
    ),
    Column("户口性质", "选填。农业户口、非农业户口、居民户口。"),
    Column("联系电话", "选填。11位手机号码,或带区号的固定电话(如 0472-1234567)。"),
    Column("网格代码", "必填。现居住(流出人口为户籍所在)网格的15位代码,须在您的管辖范围内。"),
    Column("居住地址", "选填。最长200个字。"),
    Column(
        "来本地日期",
        "未填流向地代码时必填。格式 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD,也可用Excel日期;"
        "不能早于出生日期。",
    ),
    Column(
        "住所类型",
        "填写来本地日期时必填。出租房屋、自有住房、单位宿舍、工地工棚、其他。",
    ),
    Column("流动原因", "选填。务工经商、随迁家属、投亲靠友、婚姻嫁娶、学习培训、拆迁搬家、其他。"),
    Column(
        "流向地代码",
        "仅流出人口填写:现居住地的6位行政区划代码(须在本市以外);填写即视为流出人口,"
        "此时户籍须在本市。",
    ),
    Column("流出日期", "选填,仅流出人口。日期格式同来本地日期。"),
    Column("行业", "选填。国民经济行业门类名称(如 批发和零售业)或字母代码(A–T)。"),
    Column("职业", "选填。最长100个字;就业信息需有行业才保存(没有行业时人员照常导入,给出提醒)。"),
    Column("工作单位", "选填。最长200个字。"),
]

HEADERS: list[str] = [c.header for c in TEMPLATE_COLUMNS]
REQUIRED_HEADERS: tuple[str, ...] = ("姓名", "身份证号码", "网格代码")

# Header → attribute name used inside the engine.
KEYS: dict[str, str] = {
    "姓名": "name",
    "身份证号码": "id_number",
    "民族": "ethnicity",
    "文化程度": "education",
    "婚姻状况": "marital_status",
    "户籍地代码": "hukou_code",
    "户口性质": "hukou_type",
    "联系电话": "phone",
    "网格代码": "grid",
    "居住地址": "address",
    "来本地日期": "arrived_on",
    "住所类型": "housing_type",
    "流动原因": "move_reason",
    "流向地代码": "outflow_region_code",
    "流出日期": "outflow_since",
    "行业": "industry",
    "职业": "occupation",
    "工作单位": "employer",
}
HEADER_FOR: dict[str, str] = {key: header for header, key in KEYS.items()}

CHOICE_COLUMNS: dict[str, type[models.TextChoices]] = {
    "ethnicity": Ethnicity,
    "education": Education,
    "marital_status": MaritalStatus,
    "hukou_type": HukouType,
    "housing_type": HousingType,
    "move_reason": MoveReason,
    "industry": Industry,
}

EXAMPLE_ROW: dict[str, str] = {
    "姓名": "张三",
    "身份证号码": "410102199001011234",
    "民族": "汉族",
    "文化程度": "高中/中专",
    "婚姻状况": "已婚",
    "户籍地代码": "410102",
    "户口性质": "农业户口",
    "联系电话": "13812345678",
    "网格代码": "150203001001001",
    "居住地址": "昆都仑区钢铁大街12号院3号楼2单元401",
    "来本地日期": "2024-03-01",
    "住所类型": "出租房屋",
    "流动原因": "务工经商",
    "流向地代码": "",
    "流出日期": "",
    "行业": "批发和零售业",
    "职业": "销售员",
    "工作单位": "包头市某商贸有限公司",
}


# Columns registers often have that the template does not: read when present.
# 性别 is checked against the ID number (a warning when they disagree); 户籍省/市/县 (a
# merged 「户籍地」 over 「省」「市」「县」) are joined into the hukou place.
EXTRA_KEYS: dict[str, str] = {
    "性别": "sex",
    "户籍省": "hukou_province",
    "户籍市": "hukou_city",
    "户籍县": "hukou_county",
}
READ_HEADERS: list[str] = [*HEADERS, *EXTRA_KEYS]


def header_spec() -> HeaderSpec:
    """The people file as the import kit reads it: the template's headers, the extra
    columns, and the alias table."""
    return HeaderSpec(
        kind="people", known=READ_HEADERS, required=REQUIRED_HEADERS, aliases=aliases_for("people")
    )


def choice_lookup(
    choices: type[models.TextChoices], synonyms: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every spelling a cell may use for a choice → its stored code: the Chinese label,
    the label in the active language, the code itself; for ethnicity also 汉 for 汉族 and
    1 for 01 (Excel drops the leading zero); and the ``synonyms`` (as typed → label) of
    the synonym table (租房 for 出租房屋)."""
    table: dict[str, str] = {}
    labels = list(choices.choices)
    with translation.override("zh-hans"):
        zh = [(value, str(label)) for value, label in choices.choices]
    for value, label in [*zh, *((v, str(lbl)) for v, lbl in labels)]:
        table.setdefault(label, value)
        table.setdefault(value, value)
        table.setdefault(value.lower(), value)
    if choices is Ethnicity:
        for value, label in zh:
            if label.endswith("族") and len(label) >= 2:  # 汉 for 汉族, 回 for 回族
                table.setdefault(label[:-1], value)
            table.setdefault(str(int(value)), value)
    for typed, label in (synonyms or {}).items():
        if label in table:
            table.setdefault(typed, table[label])
    return table


def label_map(choices: type[models.TextChoices]) -> dict[str, str]:
    """Stored code → the Chinese label written into files."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}
