"""The access matrix's registry: one entry per URL name, and per HTTP method a ``Door``
saying what kind of door it is (a list, a read of one record, a write), the permission
action it needs, and how to fill its URL kwargs, query and payload for the records of one
``Side`` (``access_world``): the records inside the viewer's scope or those outside it.

Adding an endpoint? Add its entry here; ``test_access_matrix`` fails until you do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parity.accounts.choices import Role
from parity.accounts.permissions import ASSESS, AUDIT, CHANGE, DEFINE, REVEAL, SERVE, VIEW
from parity.conftest import make_id
from parity.core.concurrency import version_of
from parity.core.tests.access_world import Side, World

LIST, READ, WRITE, PUBLIC = "list", "read", "write", "public"
REFUSED = (403, 404)
WRITE_REFUSED = (400, 403, 404)
Fill = Callable[[Side, World], dict[str, Any]]


@dataclass(frozen=True)
class Door:
    kind: str
    action: str = VIEW
    kw: Fill | None = None  # URL kwargs
    query: Fill | None = None  # query string
    data: Fill | None = None  # what a write sends
    # Roles refused even inside their scope, by design (e.g. a grid worker may not register
    # a health site: sites hang on a community or above).
    refused: frozenset[Role] = frozenset()
    # Statuses an allowed user may get inside besides 200 / a success.
    ok: tuple[int, ...] = ()
    audited: bool = True  # a successful write leaves an audit event
    # A refusal is itself audited (a refused reveal, for the person's area's auditors): the
    # audit trail may grow when the door refuses, nothing else may change.
    refusal_audited: bool = False

    @property
    def sided(self) -> bool:
        """Whether the request differs between the two sides."""
        fills = (self.kw, self.query, self.data)
        return any(f is not None and not isinstance(f, fixed) for f in fills)


class fixed(dict):  # noqa: N801 - reads as a filler, like ``pk("woman")``
    """URL kwargs or a query that are the same whatever the side: a door filled only with
    these shows everyone the same thing, so it is tested once per role (inside)."""

    def __call__(self, s: Side, w: World) -> dict[str, Any]:
        return dict(self)


def lst(action=VIEW, **kw) -> Door:
    return Door(LIST, action, **kw)


def read(action=VIEW, **kw) -> Door:
    return Door(READ, action, **kw)


def write(action, **kw) -> Door:
    return Door(WRITE, action, **kw)


def pk(attr: str) -> Fill:
    return lambda s, w: {"pk": getattr(s, attr).pk}


def area(s: Side, w: World) -> dict:
    return {"area": s.area}


def code(s: Side, w: World) -> dict:
    return {"code": s.area}


def ind(**extra) -> Fill:
    return lambda s, w: {"code": s.area, "indicator_code": "health_record", **extra}


def today(w: World) -> str:
    return w.today.isoformat()


def new_id(s: Side) -> str:
    # A person nobody registered yet, different for each side.
    return make_id("410102", "19880808", 900 + int(s.grid.code[-4:-3] == "4"))


PERSON = pk("woman")
CITY_WIDE_ONLY = frozenset(set(Role) - {Role.ADMIN})
PUBLIC_DOOR = Door(PUBLIC)

# One entry per URL name; format-suffix twins of an API route share its name.
ROUTES: dict[str, dict[str, Door]] = {
    # --- public by design ------------------------------------------------------------
    "login": {"GET": PUBLIC_DOOR},
    "logout": {"POST": PUBLIC_DOOR},
    "set_language": {"POST": PUBLIC_DOOR},
    "api:token": {"POST": PUBLIC_DOOR},
    "api:schema": {"GET": PUBLIC_DOOR},
    "api:docs": {"GET": PUBLIC_DOOR},
    "api:api-root": {"GET": PUBLIC_DOOR},
    # The load balancer's probe (status only to the anonymous) and Prometheus's scrape
    # (answered only to its configured addresses: the test client is 127.0.0.1).
    "health": {"GET": PUBLIC_DOOR},
    "metrics": {"GET": PUBLIC_DOOR},
    # Partner instances post signed messages here: no user, no session, the signature is
    # the authentication (exchange.api.InboxView). Not a user door, so no role applies; the
    # public check still asserts that an unsigned post shows nothing and changes nothing.
    # Signatures, replays and scope: parity/exchange/tests/test_inbox.py.
    "exchange-inbox": {"POST": PUBLIC_DOOR},
    # --- the signed-in user's own account: nothing of any area ------------------------
    "password_change": {"GET": lst()},
    # Both redirect a user who has already enrolled (the suite's users are verified).
    "two_factor_setup": {"GET": lst(ok=(302,))},
    "two_factor_verify": {"GET": lst(ok=(302,))},
    # --- web: home, areas, audit ------------------------------------------------------
    "web:home": {"GET": lst()},
    "web:area_root": {"GET": lst()},
    "web:area_detail": {"GET": read(kw=code)},
    "web:audit_list": {"GET": lst(AUDIT)},
    # The place pickers' search: the national place-code table (public reference data, no
    # record of anyone), for every signed-in user alike (web/tests/test_registration_parts.py).
    "web:place_search": {"GET": lst(query=fixed(q="郑州"))},
    # Export jobs are their requester's alone: another user's job, like an unknown id, is a
    # 404 (parity/core/tests/test_export_jobs.py asserts it for a real job).
    "web:export_list": {"GET": lst()},
    "web:export_detail": {"GET": read(kw=fixed(pk=987654), ok=(404,))},
    "web:export_progress": {"GET": read(kw=fixed(pk=987654), ok=(404,))},
    "web:export_download": {"GET": read(kw=fixed(pk=987654), ok=(404,))},
    # Import jobs, likewise the requester's alone (parity/core/tests/test_import_jobs.py).
    "web:import_job": {"GET": read(kw=fixed(pk=987654), ok=(404,))},
    "web:import_job_progress": {"GET": read(kw=fixed(pk=987654), ok=(404,))},
    # --- web: people ------------------------------------------------------------------
    "web:person_list": {"GET": lst()},
    "web:person_register": {
        "GET": lst(CHANGE),
        "POST": write(
            CHANGE,
            data=lambda s, w: {
                "id_number": new_id(s),
                "name": "新登记",
                "grid": s.grid.pk,
                "arrived_on": today(w),
                "housing_type": "rented",
                "ethnicity": "01",
            },
        ),
    },
    "web:person_detail": {"GET": read(kw=PERSON)},
    "web:person_edit": {
        "GET": read(CHANGE, kw=PERSON),
        "POST": write(
            CHANGE,
            kw=PERSON,
            data=lambda s, w: {
                "name": "改名",
                "ethnicity": "01",
                "hukou_code": "410102",
                # The version the form was opened at (optimistic concurrency).
                "version": version_of(type(s.woman).objects.get(pk=s.woman.pk)),
            },
        ),
    },
    "web:residence_move": {
        "GET": read(CHANGE, kw=PERSON),
        "POST": write(
            CHANGE,
            kw=PERSON,
            data=lambda s, w: {
                "grid": s.mine.grid.pk,
                "arrived_on": today(w),
                "housing_type": "own",
                "address": "新址",
            },
        ),
    },
    "web:residence_close": {
        "GET": read(CHANGE, kw=PERSON),
        "POST": write(CHANGE, kw=PERSON, data=lambda s, w: {"departed_on": today(w)}),
    },
    "web:employment_record": {
        "GET": read(CHANGE, kw=PERSON),
        "POST": write(CHANGE, kw=PERSON, data=lambda s, w: {"industry": "F"}),
    },
    "web:person_reveal": {
        "POST": write(
            REVEAL,
            kw=lambda s, w: {"pk": s.woman.pk, "field": "id_number"},
            refusal_audited=True,
        ),
    },
    # --- web: transfers between areas ------------------------------------------------
    "web:transfer_list": {"GET": lst()},
    "web:transfer_new": {
        "GET": lst(CHANGE),
        # Ask for the other side's person to move into this side's grid: the user's own
        # grid inside (a request is made; an administrator, who holds both, is told to
        # move the person instead), the other side's grid outside (not a grid they have).
        "POST": write(
            CHANGE,
            ok=(200,),
            data=lambda s, w: {
                "id_number": (w.outside if s.mine is w.inside else w.inside).woman.id_number,
                "grid": s.grid.pk,
                "arrived_on": today(w),
                "housing_type": "rented",
            },
        ),
    },
    "web:transfer_detail": {"GET": read(kw=pk("transfer"))},
    "web:transfer_decide": {
        "POST": write(
            CHANGE,
            kw=lambda s, w: {"pk": s.transfer.pk, "decision": "reject"},
            data=lambda s, w: {"reason": "此人仍在本网格居住"},
        ),
    },
    "web:household_list": {"GET": lst()},
    "web:household_create": {
        "GET": lst(CHANGE),
        "POST": write(CHANGE, data=lambda s, w: {"head_id_number": s.lodger.id_number}),
    },
    "web:household_detail": {"GET": read(kw=pk("household"))},
    "web:household_add_member": {
        "GET": read(CHANGE, kw=pk("household")),
        "POST": write(
            CHANGE,
            kw=pk("household"),
            data=lambda s, w: {"person": s.mine.lodger.id_number, "relation": "other"},
        ),
    },
    "web:dwelling_list": {"GET": lst()},
    "web:dwelling_register": {
        "GET": lst(CHANGE),
        "POST": write(
            CHANGE,
            data=lambda s, w: {"address": "新屋", "grid": s.grid.pk, "dwelling_type": "rented"},
        ),
    },
    "web:dwelling_detail": {"GET": read(kw=pk("dwelling"))},
    # --- web: dashboard ---------------------------------------------------------------
    "web:dashboard": {"GET": lst()},
    "web:dashboard_refresh": {
        # Recomputing the whole city's figures is for city-wide "assess" only.
        "POST": write(ASSESS, data=lambda s, w: {"area": s.area}, refused=CITY_WIDE_ONLY),
    },
    "web:dashboard_node": {"GET": read(kw=code)},
    "web:dashboard_equalization_xlsx": {"GET": read(kw=code)},
    "web:dashboard_children_xlsx": {"GET": read(kw=code)},
    "web:dashboard_indicator": {"GET": read(kw=ind())},
    "web:dashboard_indicator_children_xlsx": {"GET": read(kw=ind())},
    "web:dashboard_indicator_breakdown_xlsx": {
        # Breakdowns are kept for the city and the districts: below them, 404 by design.
        "GET": read(kw=ind(dimension="sex"), ok=(404,)),
    },
    "web:dashboard_people": {"GET": read(kw=ind())},
    "web:dashboard_people_xlsx": {"GET": read(kw=ind())},
    # --- people import / export -------------------------------------------------------
    "people_io:import": {"GET": lst(CHANGE)},
    # A waiting upload lives in a folder per user: another user's token is simply not found.
    "people_io:import_map": {
        "GET": read(CHANGE, kw=fixed(token="x-people.csv.pending"), ok=(404,))
    },
    "people_io:error_file": {
        # Error files live in a folder per user: another user's name is simply not found.
        "GET": read(kw=fixed(name="people.csv.errors.csv"), ok=(404,)),
    },
    "people_io:template": {"GET": lst(kw=fixed(fmt="csv"))},
    "people_io:export": {"GET": lst(query=fixed(format="xlsx"))},
    # --- services ---------------------------------------------------------------------
    "services:worklist": {"GET": lst(query=area)},
    "services:visit_record": {
        "GET": read(SERVE, kw=PERSON),
        "POST": write(
            SERVE, kw=PERSON, data=lambda s, w: {"visited_on": today(w), "outcome": "family"}
        ),
    },
    "services:service_record": {
        "GET": read(SERVE, kw=PERSON),
        "POST": write(
            SERVE,
            kw=PERSON,
            data=lambda s, w: {
                "service_type": s.event.service_type_id,
                "date": today(w),
                "outcome": "completed",
            },
        ),
    },
    "services:catalog": {"GET": lst()},
    "services:catalog_detail": {"GET": lst(kw=fixed(code="health_record"))},
    "services:coverage": {"GET": lst(query=area)},
    "services:coverage_people": {"GET": lst(kw=fixed(code="health_record"), query=area)},
    "services:keygroup_list": {"GET": lst(query=area)},
    "services:keygroup_saved_list": {"GET": lst()},
    "services:keygroup_saved_detail": {"GET": read(kw=pk("saved"))},
    "services:keygroup_members": {
        "GET": lst(
            kw=fixed(code="pregnant"),
            query=lambda s, w: {"area": s.area, "format": "xlsx"},
        )
    },
    "services:keygroup_save": {
        # Saving a list of what one may see needs only "view".
        "POST": write(VIEW, kw=fixed(code="pregnant"), query=area),
    },
    "services:site_list": {"GET": lst()},
    "services:site_register": {
        "GET": lst(CHANGE),
        "POST": write(
            CHANGE,
            data=lambda s, w: {"name": "新站", "kind": "health_station", "area": s.grid.parent_id},
            refused=frozenset({Role.GRID_WORKER}),
        ),
    },
    "services:staff_list": {"GET": lst()},
    "services:staff_register": {
        "GET": lst(CHANGE),
        "POST": write(
            CHANGE,
            data=lambda s, w: {"name": "新医生", "role": "nurse", "department": s.department.pk},
        ),
    },
    "services:import": {"GET": lst(SERVE)},
    # A waiting upload lives in a folder per user: another user's token is simply not found.
    "services:import_map": {"GET": read(SERVE, kw=fixed(token="x-s.csv.pending"), ok=(404,))},
    "services:import_template": {"GET": lst(kw=fixed(fmt="csv"))},
    # --- immunization -----------------------------------------------------------------
    "immunization:person": {
        "GET": read(kw=pk("child")),
        "POST": write(
            SERVE,
            kw=pk("child"),
            # A dose given these days names its vial and its nurse (immunization.rules).
            data=lambda s, w: {
                "dose": "HepB:2",
                "date": today(w),
                "batch_number": "B2026-001",
                "vaccinator": "王护士",
            },
        ),
    },
    "immunization:records_export": {"GET": read(kw=pk("child"))},
    "immunization:overdue": {"GET": lst(query=area)},
    "immunization:overdue_export": {"GET": lst(query=area)},
    "immunization:campaign_list": {"GET": lst()},
    "immunization:campaign_detail": {"GET": read(kw=pk("campaign"))},
    "immunization:campaign_draw": {"POST": write(SERVE, kw=pk("campaign"))},
    "immunization:campaign_targets_export": {"GET": read(kw=pk("campaign"))},
    # --- maternal ---------------------------------------------------------------------
    "maternal:person": {"GET": read(kw=PERSON)},
    "maternal:pregnancy_register": {
        "GET": read(SERVE, kw=pk("lodger")),
        "POST": write(
            SERVE,
            kw=pk("lodger"),
            data=lambda s, w: {
                "lmp": (w.today - dt.timedelta(days=60)).isoformat(),
                "registered_on": today(w),
            },
        ),
    },
    "maternal:child_checks": {"GET": read(kw=pk("child"))},
    "maternal:child_check_record": {
        "GET": read(SERVE, kw=pk("child")),
        "POST": write(
            SERVE, kw=pk("child"), data=lambda s, w: {"date": today(w), "outcome": "completed"}
        ),
    },
    "maternal:antenatal_visit_record": {
        "GET": read(SERVE, kw=pk("pregnancy")),
        "POST": write(
            SERVE,
            kw=pk("pregnancy"),
            data=lambda s, w: {"date": today(w), "outcome": "completed"},
        ),
    },
    "maternal:delivery_record": {
        "GET": read(SERVE, kw=pk("pregnancy")),
        "POST": write(
            SERVE,
            kw=pk("pregnancy"),
            data=lambda s, w: {
                "delivered_on": today(w),
                "place": "hospital",
                "outcome": "stillbirth",
            },
        ),
    },
    "maternal:pregnancy_end": {
        "GET": read(SERVE, kw=pk("pregnancy")),
        "POST": write(
            SERVE,
            kw=pk("pregnancy"),
            data=lambda s, w: {"ended_on": today(w), "reason": "miscarriage"},
        ),
    },
    "maternal:postpartum_visit_record": {
        "GET": read(SERVE, kw=pk("delivered")),
        "POST": write(
            SERVE,
            kw=pk("delivered"),
            data=lambda s, w: {
                "kind": "home_visit",
                "date": (s.delivered.delivered_on + dt.timedelta(days=3)).isoformat(),
                "outcome": "completed",
            },
        ),
    },
    "maternal:overdue_list": {"GET": lst(query=fixed(format="xlsx"))},
    "maternal:pregnant_list": {"GET": lst()},
    "maternal:children_overdue_list": {"GET": lst()},
    # --- certificates -----------------------------------------------------------------
    "certificates:person": {"GET": read(kw=PERSON)},
    "certificates:certificate_record": {
        "GET": read(SERVE, kw=pk("lodger")),
        "POST": write(
            SERVE,
            kw=pk("lodger"),
            data=lambda s, w: {
                "region_code": "410102",
                "number": f"HY-NEW-{s.lodger.pk}",
                "issued_on": today(w),
                "marital_status": "unmarried",
                "children_count": 0,
            },
        ),
    },
    "certificates:certificate_check": {
        "GET": read(SERVE, kw=pk("certificate")),
        "POST": write(SERVE, kw=pk("certificate"), data=lambda s, w: {"checked_on": today(w)}),
    },
    "certificates:missing_list": {"GET": lst(query=fixed(format="xlsx"))},
    "certificates:permit": {"GET": read(kw=PERSON)},
    "certificates:permit_apply": {
        "GET": read(SERVE, kw=pk("lodger")),
        "POST": write(
            SERVE,
            kw=pk("lodger"),
            data=lambda s, w: {"basis": "residence", "applied_on": today(w)},
        ),
    },
    "certificates:permit_issue": {
        "GET": read(SERVE, kw=pk("permit")),
        "POST": write(
            SERVE,
            kw=pk("permit"),
            data=lambda s, w: {"number": f"JZZ-{s.permit.pk}", "issued_on": today(w)},
        ),
    },
    "certificates:permit_endorse": {
        "GET": read(SERVE, kw=pk("permit")),
        # A permit applied for today cannot be endorsed yet: inside, the form says so.
        "POST": write(
            SERVE, kw=pk("permit"), data=lambda s, w: {"endorsed_on": today(w)}, ok=(200,)
        ),
    },
    "certificates:permit_eligible_list": {"GET": lst()},
    # --- duplicates: review, merge, unmerge --------------------------------------------
    # The queue is of pairs whose two people the user may change: anyone signed in gets the
    # page, empty when they hold none.
    "dedup:pair_list": {"GET": lst()},
    # The world holds no pair nor merge: like an unknown id, another area's pair or merge is
    # a 404. parity/dedup/tests/test_views.py asserts it on real ones
    # (test_an_outsider_sees_no_pair_and_cannot_merge,
    # test_the_pair_page_shows_both_side_by_side, test_merging_from_the_page_leaves_one_person,
    # test_not_the_same_person_from_the_page, test_unmerge_from_the_page).
    "dedup:pair_detail": {"GET": read(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "dedup:pair_merge": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "dedup:pair_dismiss": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "dedup:merge_detail": {"GET": read(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "dedup:merge_unmerge": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    # A person one may see is sent to their page; another area's is not found.
    "dedup:person_resolve": {"GET": read(kw=PERSON, ok=(302,))},
    # --- exchange with partner regions ------------------------------------------------
    "exchange:requests": {"GET": lst()},
    # The world holds no verification request: like an unknown id, another area's request
    # is a 404. parity/exchange/tests/test_views.py asserts it on real ones
    # (test_an_outsider_sees_no_request,
    # test_the_request_page_shows_the_person_s_facts_and_audits_the_read,
    # test_an_answer_in_time_is_on_time_and_queues_the_feedback,
    # test_a_rejection_needs_a_reason).
    "exchange:request": {
        "GET": read(kw=fixed(pk=987654), ok=(404,)),
        "POST": write(
            CHANGE,
            kw=fixed(pk=987654),
            data=fixed(verb="reject", reason="此人仍在本网格居住"),
            ok=(404,),
        ),
    },
    "exchange:request_new": {
        "GET": read(CHANGE, kw=lambda s, w: {"person_id": s.woman.pk}),
        # The world has no partner region: inside, the form says so and nothing is sent
        # (test_an_officer_sends_a_request_to_the_person_s_origin covers a send).
        "POST": write(
            CHANGE,
            kw=lambda s, w: {"person_id": s.woman.pk},
            data=lambda s, w: {"urgency": "normal", "question": "核实婚育情况"},
            ok=(200,),
        ),
    },
    "exchange:notices": {"GET": read(kw=lambda s, w: {"person_id": s.woman.pk})},
    # The queues and the two-way table are for officials who assess.
    "exchange:partners": {"GET": lst(ASSESS)},
    # Registering a partner (its address and key) is a city-wide administrator's; the
    # world has no partner, so editing one is a 404 for the administrator
    # (parity/exchange/tests/test_partner_form.py covers real ones, and a district's admin).
    "exchange:partner_new": {
        "GET": lst(DEFINE),
        "POST": write(
            DEFINE,
            data=fixed(
                code="420102",
                url="https://wh.example.cn",
                key='{"kty": "OKP", "crv": "Ed25519", '
                '"x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}',
            ),
        ),
    },
    "exchange:partner_edit": {
        "GET": read(DEFINE, kw=fixed(pk=987654), ok=(404,)),
        "POST": write(
            DEFINE, kw=fixed(pk=987654), data=fixed(url="https://wh.example.cn"), ok=(404,)
        ),
    },
    "exchange:assessment": {"GET": lst(ASSESS)},
    # --- reports and indicators -------------------------------------------------------
    "reports:report": {"GET": lst(query=area)},
    # Every viewer may read the definitions; only a city-wide "define" may change them.
    "indicators:indicator_list": {"GET": lst()},
    "indicators:indicator_new": {"GET": lst(DEFINE)},
    "indicators:indicator_toggle": {
        "POST": write(DEFINE, kw=fixed(code="health_record")),
    },
    "indicators:assessment": {
        "GET": lst(query=area),
        "POST": write(
            ASSESS,
            query=area,
            data=lambda s, w: {
                "year": w.today.year,
                "area": s.district,
                "indicator": "vaccination_up_to_date",
                "measure": "floating_rate",
                "value": "80",
                "weight": "1",
            },
        ),
    },
    "indicators:assessment_download": {
        "GET": lst(kw=fixed(fmt="xlsx"), query=area),
    },
    "indicators:target_delete": {"POST": write(ASSESS, kw=pk("target"))},
    "indicators:assessment_import": {"GET": lst(ASSESS)},
    "indicators:assessment_import_map": {
        "GET": read(ASSESS, kw=fixed(token="x-t.csv.pending"), ok=(404,))
    },
    "indicators:assessment_template": {"GET": lst(ASSESS)},
    # --- API --------------------------------------------------------------------------
    "api:area-list": {"GET": lst()},
    "api:area-detail": {"GET": read(kw=code)},
    "api:person-list": {
        "GET": lst(),
        "POST": write(
            CHANGE,
            data=lambda s, w: {
                "id_number": new_id(s),
                "name": "新登记",
                "grid": s.grid.code,
                "arrived_on": today(w),
                "housing_type": "rented",
            },
        ),
    },
    "api:person-detail": {
        "GET": read(kw=PERSON),
        "PATCH": write(CHANGE, kw=PERSON, data=lambda s, w: {"name": "改名"}),
    },
    "api:person-depart": {
        "POST": write(CHANGE, kw=PERSON, data=lambda s, w: {"departed_on": today(w)}),
    },
    "api:person-move": {
        "POST": write(
            CHANGE,
            kw=PERSON,
            data=lambda s, w: {
                "grid": s.mine.grid.code,
                "arrived_on": today(w),
                "housing_type": "own",
                "address": "新址",
            },
        ),
    },
    "api:person-residences": {"GET": read(kw=PERSON)},
    "api:person-reveal": {
        "POST": write(
            REVEAL, kw=PERSON, data=lambda s, w: {"field": "id_number"}, refusal_audited=True
        ),
    },
    # A read posted so that the number stays out of the URL: the other side's number
    # finds nobody.
    "api:person-search": {"POST": lst(data=lambda s, w: {"q": s.woman.id_number})},
    "api:residence-list": {"GET": lst()},
    "api:residence-detail": {
        "GET": read(kw=lambda s, w: {"pk": s.woman.residences.get().pk}),
    },
    "api:household-list": {
        "GET": lst(),
        "POST": write(CHANGE, data=lambda s, w: {"head": s.lodger.pk}),
    },
    "api:household-detail": {"GET": read(kw=pk("household"))},
    "api:household-add-member": {
        "POST": write(
            CHANGE,
            kw=pk("household"),
            data=lambda s, w: {"person": s.mine.lodger.pk, "relation": "other"},
        ),
    },
    "api:dwelling-list": {
        "GET": lst(),
        "POST": write(
            CHANGE,
            data=lambda s, w: {"address": "新屋", "grid": s.grid.code, "dwelling_type": "rented"},
        ),
    },
    "api:dwelling-detail": {
        "GET": read(kw=pk("dwelling")),
        "PATCH": write(CHANGE, kw=pk("dwelling"), data=lambda s, w: {"address": "改址"}),
    },
    "api:employment-list": {
        "GET": lst(),
        "POST": write(CHANGE, data=lambda s, w: {"person": s.woman.pk, "industry": "F"}),
    },
    "api:service-type-list": {"GET": lst()},
    "api:service-type-detail": {"GET": lst(kw=fixed(code="health_record"))},
    "api:service-event-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {
                "person": s.woman.pk,
                "service_type": "health_record",
                "date": today(w),
            },
        ),
    },
    "api:service-event-detail": {"GET": read(kw=pk("event"))},
    "api:visit-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {"person": s.woman.pk, "visited_on": today(w), "outcome": "met"},
        ),
    },
    "api:visit-detail": {"GET": read(kw=pk("visit"))},
    "api:entitlement-list": {"GET": read(query=lambda s, w: {"person": s.woman.pk})},
    # A work list is of a community or a grid (a district's is refused as too wide).
    "api:worklist-list": {"GET": lst(query=lambda s, w: {"area": s.grid.code})},
    "api:key-group-list": {"GET": lst(query=area)},
    "api:key-group-members": {"GET": lst(kw=fixed(code="pregnant"), query=area)},
    "api:coverage-list": {"GET": lst(query=area)},
    "api:vaccination-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {
                "person": s.child.pk,
                "vaccine": "HepB",
                "dose": 2,
                "date": today(w),
            },
        ),
    },
    "api:vaccination-detail": {"GET": read(kw=pk("vaccination"))},
    "api:immunization-schedule-detail": {"GET": read(kw=pk("child"))},
    "api:campaign-list": {"GET": lst()},
    "api:campaign-detail": {"GET": read(kw=pk("campaign"))},
    "api:campaign-coverage": {"GET": read(kw=pk("campaign"))},
    "api:overdue-child-list": {"GET": lst(query=area)},
    "api:pregnancy-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {
                "person": s.lodger.pk,
                "lmp": (w.today - dt.timedelta(days=60)).isoformat(),
            },
        ),
    },
    "api:pregnancy-detail": {"GET": read(kw=pk("pregnancy"))},
    "api:pregnancy-deliver": {
        "POST": write(
            SERVE,
            kw=pk("pregnancy"),
            data=lambda s, w: {
                "delivered_on": today(w),
                "place": "hospital",
                "outcome": "stillbirth",
            },
        ),
    },
    "api:pregnancy-end": {
        "POST": write(
            SERVE,
            kw=pk("pregnancy"),
            data=lambda s, w: {"ended_on": today(w), "reason": "miscarriage"},
        ),
    },
    "api:pregnancy-postpartum": {
        "POST": write(
            SERVE,
            kw=pk("delivered"),
            data=lambda s, w: {
                "kind": "home_visit",
                "date": (s.delivered.delivered_on + dt.timedelta(days=3)).isoformat(),
            },
        ),
    },
    "api:pregnancy-visits": {
        "POST": write(SERVE, kw=pk("pregnancy"), data=lambda s, w: {"date": today(w)}),
    },
    "api:child-check-list": {
        "GET": lst(),
        "POST": write(SERVE, data=lambda s, w: {"child": s.child.pk, "date": today(w)}),
    },
    "api:child-check-detail": {"GET": read(kw=pk("child_check"))},
    "api:marriage-certificate-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {
                "person": s.lodger.pk,
                "region_code": "410102",
                "number": f"HY-NEW-{s.lodger.pk}",
                "issued_on": today(w),
                "marital_status": "unmarried",
            },
        ),
    },
    "api:marriage-certificate-detail": {"GET": read(kw=pk("certificate"))},
    "api:marriage-certificate-check": {
        "POST": write(SERVE, kw=pk("certificate"), data=lambda s, w: {"checked_on": today(w)}),
    },
    "api:residence-permit-list": {
        "GET": lst(),
        "POST": write(
            SERVE,
            data=lambda s, w: {"person": s.lodger.pk, "basis": "residence"},
        ),
    },
    "api:residence-permit-detail": {"GET": read(kw=pk("permit"))},
    "api:residence-permit-issue": {
        "POST": write(
            SERVE,
            kw=pk("permit"),
            data=lambda s, w: {"number": f"JZZ-{s.permit.pk}", "issued_on": today(w)},
        ),
    },
    "api:residence-permit-endorse": {
        # Not endorsable yet (applied today): inside, a 400 that says so.
        "POST": write(
            SERVE, kw=pk("permit"), data=lambda s, w: {"endorsed_on": today(w)}, ok=(400,)
        ),
    },
    # Pairs and merges, restricted like the pages (see dedup:* above for the unknown id).
    "api:duplicate-pair-list": {"GET": lst()},
    "api:duplicate-pair-detail": {"GET": read(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "api:duplicate-pair-merge": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "api:duplicate-pair-dismiss": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "api:person-merge-list": {"GET": lst()},
    "api:person-merge-detail": {"GET": read(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "api:person-merge-unmerge": {"POST": write(CHANGE, kw=fixed(pk=987654), ok=(404,))},
    "api:indicator-list": {"GET": lst()},
    "api:indicator-detail": {"GET": lst(kw=fixed(code="health_record"))},
    "api:equalization-list": {"GET": lst(query=area)},
}

# The admin site is one door: superusers only (everyone else is sent to its login page).
ADMIN_NAMESPACE = "admin"
ADMIN_PAGES = ("admin:index", "admin:people_person_changelist")
