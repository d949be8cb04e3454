from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import scope_code
from parity.areas.origins import lookup
from parity.core import crypto
from parity.core.models import RestrictedQuerySet, TimeStamped, area_code_index
from parity.people import idnumber
from parity.people.choices import (
    FLOATING,
    Education,
    Ethnicity,
    HousingType,
    HukouType,
    Industry,
    MaritalStatus,
    MoveReason,
    Relation,
    Sex,
    Status,
    StayClass,
    TransferStatus,
)


def stay_class(arrived_on: dt.date, on: dt.date) -> StayClass:
    """Length-of-stay class on a date: under 6 months, 6 months to 5 years, over 5 years."""
    if arrived_on > on - relativedelta(months=6):
        return StayClass.UNDER_6M
    if arrived_on >= on - relativedelta(years=5):
        return StayClass.SIX_M_TO_5Y
    return StayClass.OVER_5Y


def stay_class_expression(field: str, on: dt.date) -> Case:
    """The same classes as ``stay_class``, as SQL over a date column."""
    return Case(
        When(
            **{f"{field}__gt": on - relativedelta(months=6)}, then=Value(StayClass.UNDER_6M.value)
        ),
        When(
            **{f"{field}__gte": on - relativedelta(years=5)},
            then=Value(StayClass.SIX_M_TO_5Y.value),
        ),
        default=Value(StayClass.OVER_5Y.value),
        output_field=models.CharField(),
    )


def status_for(hukou_code: str, *, lives_here: bool) -> Status:
    """Floating means living outside the county of registration; moves between districts
    of the same city are not floating (DOMAIN.md §2), so the city prefix decides."""
    registered_here = hukou_code.startswith(settings.PARITY_CITY_CODE)
    if lives_here:
        return Status.REGISTERED if registered_here else Status.INFLOW
    return Status.OUTFLOW


class PersonQuerySet(RestrictedQuerySet):
    def inflow(self) -> PersonQuerySet:
        return self.filter(status=Status.INFLOW)

    def outflow(self) -> PersonQuerySet:
        return self.filter(status=Status.OUTFLOW)

    def registered(self) -> PersonQuerySet:
        return self.filter(status=Status.REGISTERED)

    def floating_status(self) -> PersonQuerySet:
        """Today's status is inflow or outflow. Not the floating population on a date,
        which leaves out those who have left: ``people.selectors.floating_on``."""
        return self.filter(status__in=FLOATING)

    def by_id_number(self, number: str) -> PersonQuerySet:
        """The person with this ID number, however it was typed (full-width digits, a
        lower-case x, invisible characters: ``idnumber.normalize``)."""
        return self.filter(id_hash=crypto.blind_index(idnumber.normalize(number)))

    def resident_on(self, on: dt.date) -> PersonQuerySet:
        """People with a residence in the city covering the date."""
        return self.filter(
            Q(residences__arrived_on__lte=on)
            & (Q(residences__departed_on__isnull=True) | Q(residences__departed_on__gt=on))
        ).distinct()


class Person(TimeStamped):
    """A person in the registry, identified by an ID number (GB 11643).

    The ID and phone numbers are stored sealed (AES-GCM) with a blind index for exact
    lookup and a masked form for display; birth date, sex and the default registration
    place come from the ID number. ``area_code`` is where the person is managed: the grid
    they live in, or for outflow people the node where they are registered.
    """

    id_number_enc = models.TextField(_("身份证号码(密文)"))
    id_hash = models.CharField(_("身份证号码索引"), max_length=64)
    id_masked = models.CharField(_("身份证号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(
        _("民族"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    education = models.CharField(
        _("文化程度"), max_length=16, choices=Education.choices, blank=True
    )
    marital_status = models.CharField(
        _("婚姻状况"), max_length=16, choices=MaritalStatus.choices, blank=True
    )
    hukou_code = models.CharField(_("户籍地代码"), max_length=6)
    hukou_type = models.CharField(
        _("户口性质"), max_length=20, choices=HukouType.choices, blank=True
    )
    phone_enc = models.TextField(_("联系电话(密文)"), blank=True)
    phone_hash = models.CharField(_("联系电话索引"), max_length=64, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(_("人口类别"), max_length=16, choices=Status.choices)
    area_code = models.CharField(_("管理区划代码"), max_length=20)
    grid = models.ForeignKey(
        "areas.Area",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        db_index=False,  # people are found by area_code; the grid is for display
    )
    outflow_region_code = models.CharField(_("流向地代码"), max_length=6, blank=True)
    outflow_since = models.DateField(_("流出日期"), null=True, blank=True)
    # The current (or last) stay in the city, kept by the actions: eligibility rules and
    # "resident on a date" read these two columns instead of the residence history.
    arrived_city_on = models.DateField(_("本次来本市日期"), null=True, blank=True)
    left_city_on = models.DateField(_("离开本市日期"), null=True, blank=True)
    # Kept by ``parity.certificates.eligible`` (on every write, rebuilt nightly): the day
    # the person became (or becomes, once six months here are complete) eligible for a
    # residence permit on their open records, NULL when not eligible or holding one. The
    # eligible list reads it instead of joining every person with their homes and jobs.
    permit_eligible_on = models.DateField(
        _("符合居住证申领条件日期"), null=True, blank=True, editable=False
    )

    objects = PersonQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["area_code", "name", "id"]
        # Every index costs each bulk import: keep only those that queries use.
        indexes = [
            area_code_index("people_person_area"),
            area_code_index("people_person_status_area", "status"),
            models.Index(fields=["phone_hash"], name="people_person_phone_hash"),
            # By birth date, with the scope's column and the id: the age bands of the
            # overdue children (``immunization.selectors.children_overdue_rows``) are the
            # children of a band in the scope, read from this index alone on PostgreSQL
            # (an index-only scan of 130,000 entries for the city's youngest band instead
            # of their rows scattered over the 1 GB table). SQLite ignores ``include``.
            models.Index(
                fields=["birth_date"], include=["id", "area_code"], name="people_person_birth_area"
            ),
            # The home page's "recently changed": read backwards, the newest rows of a
            # district or the city come first instead of sorting all of them (3-5 s at
            # scale 1); an import appends at its right edge.
            models.Index(fields=["updated_at", "id"], name="people_person_updated"),
            # The lists' order (Meta.ordering): a page of a district or the city reads 50
            # rows of this index instead of sorting every person of the scope (5 s at
            # scale 1). Plain operator classes: ``varchar_pattern_ops`` cannot order.
            models.Index(fields=["area_code", "name", "id"], name="people_person_list"),
            # The people list sorted by name (``?sort=name``, either way): 50 rows of this
            # index, filtered to the scope, instead of a sort of every person in it.
            # (By birth date: ``people_person_birth_area``.)
            models.Index(fields=["name", "id"], name="people_person_name"),
            # The floating population (a quarter of the people) with every column the
            # report, the key groups and the indicators filter it on: on PostgreSQL those
            # queries read this index alone (an index-only scan of 60 MB at scale 1)
            # instead of the whole table (1 GB). SQLite ignores ``include``.
            models.Index(
                fields=["area_code"],
                opclasses=["varchar_pattern_ops"],
                include=[
                    "id",
                    "status",
                    "arrived_city_on",
                    "left_city_on",
                    "outflow_since",
                    "hukou_code",
                    "sex",
                    "marital_status",
                    "birth_date",
                ],
                condition=Q(status__in=FLOATING),
                name="people_person_floating",
            ),
            # The residence-permit eligible list in its order (the day, then id), with the
            # columns it filters on (scope, status, stay): a page and its count read this
            # index alone, a tenth of the people (SQLite ignores ``include``).
            models.Index(
                fields=["permit_eligible_on", "id"],
                include=["area_code", "status", "arrived_city_on", "left_city_on"],
                condition=Q(permit_eligible_on__isnull=False),
                name="people_person_permit_eligible",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="%(app_label)s_%(class)s_unique_id"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.OUTFLOW) | ~Q(outflow_region_code=""),
                name="%(app_label)s_%(class)s_outflow_has_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.id_masked})"

    @property
    def id_number(self) -> str:
        """The clear ID number. Callers outside actions must go through ``person_reveal``."""
        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc) if self.phone_enc else ""

    def set_id_number(self, number: str) -> None:
        number = idnumber.normalize(number)
        self.id_number_enc = crypto.encrypt(number)
        self.id_hash = crypto.blind_index(number)
        self.id_masked = crypto.mask_id_number(number)

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone) if phone else ""
        self.phone_hash = crypto.blind_index(phone) if phone else ""
        self.phone_masked = crypto.mask_phone(phone) if phone else ""

    @property
    def grid_name(self) -> str:
        """The name of the grid the person lives in, or "" (for lists and exports)."""
        return self.grid.name if self.grid is not None else ""

    @property
    def is_floating(self) -> bool:
        return self.status in FLOATING

    def age_on(self, on: dt.date) -> int:
        return relativedelta(on, self.birth_date).years

    @property
    def hukou_origin(self):
        return lookup(self.hukou_code)

    def open_residence(self) -> Residence | None:
        return self.residences.filter(departed_on__isnull=True).first()


class Household(TimeStamped):
    """People who move and live together (家庭化流动), with their relation to the head."""

    head = models.ForeignKey(
        Person,
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("家庭户")
        verbose_name_plural = _("家庭户")
        ordering = ["area_code", "id"]
        indexes = [
            area_code_index("people_household_area"),
            # The list's order: a page of the city is 50 rows of this index, not a sort of
            # every household joined to its head (3 s at scale 1).
            models.Index(fields=["area_code", "id"], name="people_household_list"),
        ]

    def __str__(self) -> str:
        head = self.head.name if self.head is not None else "—"
        return f"{head}户"


class HouseholdMember(models.Model):
    """Membership of a person in a household: each person belongs to at most one."""

    household = models.ForeignKey(
        Household, verbose_name=_("家庭户"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.OneToOneField(
        Person, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="membership"
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "household__area_code"

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation=Relation.HEAD),
                name="%(app_label)s_%(class)s_one_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}({self.get_relation_display()})"


class ResidenceQuerySet(RestrictedQuerySet):
    def open(self) -> ResidenceQuerySet:
        return self.filter(departed_on__isnull=True)

    def on(self, day: dt.date) -> ResidenceQuerySet:
        return self.filter(
            Q(arrived_on__lte=day) & (Q(departed_on__isnull=True) | Q(departed_on__gt=day))
        )

    def with_stay_class(self, on: dt.date) -> ResidenceQuerySet:
        return self.annotate(stay_class=stay_class_expression("arrived_on", on))


class Residence(TimeStamped):
    """A person's stay at an address in a grid, from arrival to departure.

    A person has at most one open residence (no departure date): moving within the city
    closes it and opens another; leaving the city closes it.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="residences"
    )
    dwelling = models.ForeignKey(
        "housing.Dwelling",
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residences",
    )
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "areas.Area",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="residences",
        db_index=False,  # found by area_code
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    arrived_on = models.DateField(_("来本地日期"))
    departed_on = models.DateField(_("离开日期"), null=True, blank=True)
    housing_type = models.CharField(_("住所类型"), max_length=16, choices=HousingType.choices)
    move_reason = models.CharField(
        _("流动原因"), max_length=16, choices=MoveReason.choices, blank=True
    )
    departed_to_code = models.CharField(_("去向地代码"), max_length=6, blank=True)

    objects = ResidenceQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("居住登记")
        verbose_name_plural = _("居住登记")
        ordering = ["-arrived_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(departed_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=F("arrived_on")),
                name="%(app_label)s_%(class)s_departure_after_arrival",
            ),
        ]
        indexes = [
            area_code_index("people_residence_area"),
            models.Index(fields=["arrived_on"], name="people_residence_arrived"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.grid.name} {self.arrived_on}"

    def stay_class_on(self, on: dt.date) -> StayClass:
        return stay_class(self.arrived_on, on)


class Employment(TimeStamped):
    """A job: industry (GB/T 4754 section), occupation, employer."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments"
    )
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("就业信息")
        verbose_name_plural = _("就业信息")
        ordering = ["-started_on", "-id"]
        indexes = [
            area_code_index("people_employment_area"),
            # The list's order (newest first): a page is read from the index's end.
            models.Index(fields=["started_on", "id"], name="people_employment_started_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}: {self.employer or self.get_industry_display()}"


class TransferQuerySet(models.QuerySet["TransferRequest"]):
    def restrict(self, user, action: str = "view") -> TransferQuerySet:
        """Requests either side of which lies in the user's scope: the area that asks
        (``area_code``, the destination grid) and the area that holds the person."""
        code = scope_code(user, action)
        if code is None:
            return self.none()
        if code == "":
            return self
        return self.filter(Q(area_code__startswith=code) | Q(from_area_code__startswith=code))

    def pending(self) -> TransferQuerySet:
        return self.filter(status=TransferStatus.PENDING)


class TransferRequest(TimeStamped):
    """A request to move a person registered in another area into the requester's grid
    (跨辖区迁入申请). The area that holds the person accepts it (the person then moves, as a
    residence move) or rejects it; until then the requester learns nothing about the person
    beyond what they typed."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_area_code = models.CharField(_("原登记区划代码"), max_length=20)
    grid = models.ForeignKey(
        "areas.Area", verbose_name=_("迁入网格"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    arrived_on = models.DateField(_("来本地日期"))
    housing_type = models.CharField(_("住所类型"), max_length=16, choices=HousingType.choices)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    move_reason = models.CharField(
        _("流动原因"), max_length=16, choices=MoveReason.choices, blank=True
    )
    note = models.CharField(_("申请说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.CharField(_("处理意见"), max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("迁入申请")
        verbose_name_plural = _("迁入申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_person",
            ),
        ]
        indexes = [
            area_code_index("people_transfer_area"),
            models.Index(
                fields=["from_area_code"],
                name="people_transfer_from_area",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.id_masked} → {self.grid.name} ({self.get_status_display()})"
