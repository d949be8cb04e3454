"""Health service sites (departments of a health-site kind) and service-provider staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parity.accounts.choices import HEALTH_SITE_KINDS, DepartmentKind
from parity.accounts.models import Department
from parity.accounts.permissions import CHANGE, VIEW, allows
from parity.areas.models import Area
from parity.core.pagination import paginate
from parity.core.params import query_id
from parity.core.views import home_area, submit
from parity.services import actions
from parity.services.choices import StaffRole
from parity.services.forms import DepartmentForm, StaffForm
from parity.services.models import ProviderStaff


def sites_by_district(sites) -> list[dict]:
    """Sites per district and kind: one aggregate query and one for the district names."""
    kinds = [DepartmentKind(k) for k in HEALTH_SITE_KINDS]
    rows = list(
        sites.order_by()
        .annotate(district=Substr("area__code", 1, 6))
        .values("district")
        .annotate(total=Count("pk"), **{k.value: Count("pk", filter=Q(kind=k)) for k in kinds})
        .order_by("district")
    )
    names = dict(
        Area.objects.filter(code__in=[r["district"] for r in rows]).values_list("code", "name")
    )
    return [
        {
            "code": r["district"],
            "name": names.get(r["district"], r["district"]),
            "total": r["total"],
            "kinds": [(k.label, r[k.value]) for k in kinds if r[k.value]],
        }
        for r in rows
    ]


@login_required
def site_list(request):
    home_area(request.user)
    sites = Department.objects.restrict(request.user, VIEW).filter(kind__in=HEALTH_SITE_KINDS)
    kind = request.GET.get("kind", "")
    listed = (
        (sites.filter(kind=kind) if kind in HEALTH_SITE_KINDS else sites)
        .select_related("area")
        .annotate(staff_count=Count("staff", filter=Q(staff__active=True)))
        .order_by("area__code", "name")
    )
    districts = sites_by_district(sites)
    return render(
        request,
        "services/site_list.html",
        {
            "page": paginate(request, listed),
            "districts": districts,
            "total": sum(d["total"] for d in districts),
            "kinds": [DepartmentKind(k) for k in HEALTH_SITE_KINDS],
            "kind": kind,
            "can_register": allows(request.user, CHANGE),
        },
    )


@login_required
def site_register(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    form = DepartmentForm(request.POST or None, user=request.user)
    done = submit(
        request, form, lambda data: actions.department_register(acting_user=request.user, **data)
    )
    if done:
        messages.success(request, _("已登记 %(name)s") % {"name": done.value.name})
        return redirect("services:site_list")
    return render(
        request,
        "services/simple_form.html",
        {"form": form, "title": _("登记服务机构"), "back": "services:site_list"},
    )


@login_required
def staff_list(request):
    home_area(request.user)
    staff = ProviderStaff.objects.restrict(request.user, VIEW).select_related("department")
    role = request.GET.get("role", "")
    if role in StaffRole.values:
        staff = staff.filter(role=role)
    department = query_id(request.GET, "department")
    if department is not None:
        staff = staff.filter(department_id=department)
    active = request.GET.get("active", "1")
    if active == "1":
        staff = staff.filter(active=True)
    return render(
        request,
        "services/staff_list.html",
        {
            "page": paginate(request, staff.order_by("area_code", "name", "id")),
            "roles": StaffRole.choices,
            "role": role,
            "active": active,
            "can_register": allows(request.user, CHANGE),
        },
    )


@login_required
def staff_register(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    form = StaffForm(request.POST or None, user=request.user)
    done = submit(
        request, form, lambda data: actions.staff_register(acting_user=request.user, **data)
    )
    if done:
        messages.success(request, _("已登记 %(name)s") % {"name": done.value.name})
        return redirect("services:staff_list")
    return render(
        request,
        "services/simple_form.html",
        {"form": form, "title": _("登记服务人员"), "back": "services:staff_list"},
    )
