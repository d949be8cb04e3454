"""Date arithmetic in SQL that gives the same dates on PostgreSQL and SQLite (and the
same as Python: ``date + timedelta``, ``date + relativedelta(months=n)``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, ExpressionWrapper, F, Func, IntegerField, Subquery


class DateOf(Func):
    """A date expression as a date: PostgreSQL's ``date + interval`` is a timestamp."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"(({sql})::date)", params
        return sql, params


def plus_days(expression, days: int) -> DateOf:
    if isinstance(expression, str):
        expression = F(expression)
    return DateOf(ExpressionWrapper(expression + dt.timedelta(days=days), output_field=DateField()))


class AddMonths(Func):
    """``date + n months``, the last day of the month when the day does not exist (as
    ``relativedelta`` and PostgreSQL do; SQLite's own modifier would roll over)."""

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        if isinstance(expression, str):
            expression = F(expression)
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"(({sql}) + interval '{self.months} months')::date", params
        n = self.months
        clamped = (
            f"MIN(date({sql}, 'start of month', '+{n + 1} months', '-1 day'), "
            f"date({sql}, 'start of month', '+{n} months', "
            f"'+' || (CAST(strftime('%%d', {sql}) AS INTEGER) - 1) || ' days'))"
        )
        return clamped, [*params, *params, *params]


class SubqueryCount(Subquery):
    """The number of rows of a correlated queryset, as a column: ``member_count =
    SubqueryCount(HouseholdMember.objects.filter(household=OuterRef("pk")))``. Unlike
    ``Count("members")``, which groups every row of the list before the page is cut, it
    is computed for the rows of the page only."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)
