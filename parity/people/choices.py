from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Status(models.TextChoices):
    INFLOW = "inflow", _("流入人口")
    OUTFLOW = "outflow", _("流出人口")
    REGISTERED = "registered", _("户籍人口")


FLOATING = (Status.INFLOW, Status.OUTFLOW)


class HukouType(models.TextChoices):
    AGRICULTURAL = "agricultural", _("农业户口")
    NON_AGRICULTURAL = "non_agricultural", _("非农业户口")
    RESIDENT = "resident", _("居民户口")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "unmarried", _("未婚")
    MARRIED = "married", _("已婚")
    WIDOWED = "widowed", _("丧偶")
    DIVORCED = "divorced", _("离婚")


class Education(models.TextChoices):
    NONE = "none", _("未上过学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大学专科")
    BACHELOR = "bachelor", _("大学本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class HousingType(models.TextChoices):
    RENTED = "rented", _("出租房屋")
    OWN = "own", _("自有住房")
    DORMITORY = "dormitory", _("单位宿舍")
    WORK_SITE = "work_site", _("工地工棚")
    OTHER = "other", _("其他")


class MoveReason(models.TextChoices):
    WORK = "work", _("务工经商")
    FAMILY = "family", _("随迁家属")
    RELATIVES = "relatives", _("投亲靠友")
    MARRIAGE = "marriage", _("婚姻嫁娶")
    STUDY = "study", _("学习培训")
    RELOCATION = "relocation", _("拆迁搬家")
    OTHER = "other", _("其他")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER = "other", _("其他")


class StayClass(models.TextChoices):
    UNDER_6M = "under_6m", _("半年以下")
    SIX_M_TO_5Y = "6m_to_5y", _("半年至五年")
    OVER_5Y = "over_5y", _("五年以上")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


# Tertiary (service) industries: sections F–T (国家统计局三次产业划分规定).
SERVICE_INDUSTRIES = tuple(c.value for c in Industry if c.value >= "F")


class Ethnicity(models.TextChoices):
    """GB/T 3304 codes."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")


class LandlordKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已同意")
    REJECTED = "rejected", _("已拒绝")
    CANCELLED = "cancelled", _("已撤回")
