"""The alias and synonym tables as an import reads them.

They are data (``ImportAlias``, ``ImportValueSynonym``), seeded from ``BUILTIN_ALIASES``
and ``BUILTIN_SYNONYMS`` by a data migration and edited by administrators in the Django
admin. An import reads the table of its kind once; a kind with no row at all (a database
emptied by a test, before the seed) reads the built-in lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps

from parity.core.imports.headers import normalise_header

# kind → {template header: other names}. Names are matched after ``normalise_header``.
BUILTIN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "姓名": ("名字", "人员姓名", "姓名(中文)", "本人姓名"),
        "身份证号码": (
            "身份证号",
            "公民身份号码",
            "证件号码",
            "身份证",
            "证件号",
            "身份号码",
            "居民身份证号码",
            "公民身份证号码",
            "身份证件号码",
        ),
        "性别": ("性 别",),
        "民族": ("民族(族别)", "族别"),
        "文化程度": ("学历", "文化", "受教育程度"),
        "婚姻状况": ("婚姻", "婚否", "婚姻状态"),
        "户籍地代码": (
            "户籍地",
            "户籍地址",
            "户籍所在地",
            "户籍地区划代码",
            "户籍地行政区划代码",
            "户籍所在地址",
            "户口所在地",
            "籍贯",
        ),
        "户籍省": ("户籍地省", "户籍地省份", "户籍省份", "户籍所在地省"),
        "户籍市": ("户籍地市", "户籍地地市", "户籍所在地市", "户籍地市(州)"),
        "户籍县": ("户籍地县", "户籍地县区", "户籍地县(区)", "户籍地区县", "户籍所在地县"),
        "户口性质": ("户籍性质", "户口类别", "户口类型", "户别"),
        "联系电话": ("手机号", "手机号码", "电话", "手机", "联系方式", "电话号码", "联系手机"),
        "网格代码": ("网格", "所属网格", "网格编码", "网格编号", "所在网格"),
        "居住地址": (
            "现住址",
            "现居住地址",
            "现住地址",
            "居住地",
            "现居住地",
            "住址",
            "现居地址",
            "详细地址",
        ),
        "来本地日期": (
            "来本市时间",
            "来包时间",
            "流入时间",
            "来本地时间",
            "来本市日期",
            "来包日期",
            "流入日期",
            "到达时间",
            "来现住地时间",
            "来现住地日期",
        ),
        "住所类型": ("住房类型", "居住类型", "居住方式", "住所性质", "房屋类型", "居住处所"),
        "流动原因": ("流入原因", "来本地原因", "流动事由", "来包原因", "来本市原因"),
        "流向地代码": ("流向地", "流出去向", "流出地", "流向地区划代码"),
        "流出日期": ("流出时间",),
        "行业": ("从业行业", "所属行业", "行业类别"),
        "职业": ("工种", "从事职业", "职务"),
        "工作单位": ("从业单位", "服务处所", "就业单位", "单位", "单位名称", "工作单位名称"),
    },
    "services": {
        "身份证号码": ("身份证号", "公民身份号码", "证件号码", "身份证"),
        "服务项目": ("项目", "服务项目代码", "服务内容"),
        "服务日期": ("日期", "服务时间"),
        "服务机构": ("机构", "服务单位"),
        "结果": ("服务结果",),
    },
    "targets": {
        "目标值(%)": ("目标值%", "目标值", "目标"),
        "年度": ("年份",),
        "区划代码": ("区划",),
        "指标代码": ("指标",),
        "考核口径": ("口径",),
    },
}

# kind → header → {as typed: the label it means}. Labels are the template's Chinese ones.
BUILTIN_SYNONYMS: dict[str, dict[str, dict[str, str]]] = {
    "people": {
        "民族": {"蒙": "蒙古族", "蒙族": "蒙古族", "维": "维吾尔族", "维族": "维吾尔族"},
        "婚姻状况": {
            "初婚": "已婚",
            "再婚": "已婚",
            "复婚": "已婚",
            "有配偶": "已婚",
            "已婚有配偶": "已婚",
            "未婚无配偶": "未婚",
            "单身": "未婚",
            "离异": "离婚",
        },
        "住所类型": {
            "租房": "出租房屋",
            "租住": "出租房屋",
            "租赁": "出租房屋",
            "租赁房屋": "出租房屋",
            "出租房": "出租房屋",
            "自有": "自有住房",
            "自有房屋": "自有住房",
            "自购房": "自有住房",
            "宿舍": "单位宿舍",
            "单位内部": "单位宿舍",
            "工地": "工地工棚",
            "工棚": "工地工棚",
        },
        "流动原因": {
            "务工": "务工经商",
            "打工": "务工经商",
            "经商": "务工经商",
            "务工经商": "务工经商",
            "随迁": "随迁家属",
            "投亲": "投亲靠友",
            "婚嫁": "婚姻嫁娶",
            "上学": "学习培训",
            "就学": "学习培训",
            "学习": "学习培训",
            "拆迁": "拆迁搬家",
        },
        "户口性质": {
            "农业": "农业户口",
            "非农业": "非农业户口",
            "非农": "非农业户口",
            "居民": "居民户口",
        },
        "性别": {"男性": "男", "女性": "女"},
        "文化程度": {
            "文盲": "未上过学",
            "中专": "高中/中专",
            "高中": "高中/中专",
            "大专": "大学专科",
            "本科": "大学本科",
            "研究生及以上": "研究生",
        },
    },
    "services": {},
    "targets": {},
}


def _model(name: str):
    return apps.get_model("core", name)


def aliases_for(kind: str) -> dict[str, str]:
    """Normalised other name → template header, for one import kind."""
    model = _model("ImportAlias")
    rows = list(model.objects.filter(kind=kind).values_list("alias", "header"))
    if not rows and not model.objects.exists():
        rows = [(a, h) for h, names in BUILTIN_ALIASES.get(kind, {}).items() for a in names]
    return {normalise_header(alias): header for alias, header in rows}


def synonyms_for(kind: str) -> dict[str, dict[str, str]]:
    """Template header → {as typed: label}, for one import kind."""
    model = _model("ImportValueSynonym")
    rows = list(model.objects.filter(kind=kind).values_list("header", "value", "means"))
    if not rows and not model.objects.exists():
        rows = [
            (h, v, m)
            for h, table in BUILTIN_SYNONYMS.get(kind, {}).items()
            for v, m in table.items()
        ]
    table: dict[str, dict[str, str]] = {}
    for header, value, means in rows:
        table.setdefault(header, {})[value.strip()] = means.strip()
    return table


def _seed_rows() -> Iterable[tuple[str, str, str]]:
    for kind, headers in BUILTIN_ALIASES.items():
        for header, names in headers.items():
            for alias in names:
                yield kind, normalise_header(alias), header


def seed(apps, schema_editor=None) -> None:
    """Load the built-in names into the tables, keeping what administrators changed (a
    data migration calls it with the historical models)."""
    alias_model = apps.get_model("core", "ImportAlias")
    synonym_model = apps.get_model("core", "ImportValueSynonym")
    for kind, alias, header in _seed_rows():
        alias_model.objects.get_or_create(kind=kind, alias=alias, defaults={"header": header})
    for kind, headers in BUILTIN_SYNONYMS.items():
        for header, table in headers.items():
            for value, means in table.items():
                synonym_model.objects.get_or_create(
                    kind=kind, header=header, value=value, defaults={"means": means}
                )
