"""The column lists the demo writes, per table (values in this order)."""

STAMPED = ("created_at", "updated_at")
COLUMNS: dict[str, tuple[str, ...]] = {
    "housing_dwelling": (
        "id", *STAMPED, "address", "grid_id", "area_code", "dwelling_type", "is_let",
        "landlord_kind", "landlord_person_id", "landlord_name", "landlord_phone_enc",
        "landlord_phone_masked",
    ),
    "people_person": (
        "id", *STAMPED, "id_number_enc", "id_hash", "id_masked", "name", "sex", "birth_date",
        "ethnicity", "education", "marital_status", "hukou_code", "hukou_type", "phone_enc",
        "phone_hash", "phone_masked", "status", "area_code", "grid_id", "outflow_region_code",
        "outflow_since", "arrived_city_on", "left_city_on",
    ),
    "people_household": ("id", *STAMPED, "head_id", "address", "area_code"),
    "people_householdmember": ("id", "household_id", "person_id", "relation"),
    "people_residence": (
        "id", *STAMPED, "person_id", "dwelling_id", "address", "grid_id", "area_code",
        "arrived_on", "departed_on", "housing_type", "move_reason", "departed_to_code",
    ),
    "people_employment": (
        "id", *STAMPED, "person_id", "industry", "occupation", "employer", "started_on",
        "ended_on", "area_code",
    ),
    "services_serviceevent": (
        "id", "person_id", "service_type_id", "date", "provider_id", "outcome", "details",
        "note", "area_code", "recorded_by_id", "created_at",
    ),
    "immunization_vaccinationrecord": (
        "id", "person_id", "vaccine_id", "dose", "date", "site_id", "campaign_id", "round_id",
        "event_id", "area_code", "recorded_by_id", "created_at",
    ),
    "immunization_campaigntarget": ("id", "campaign_id", "round_id", "person_id", "area_code"),
    "maternal_pregnancy": (
        "id", *STAMPED, "person_id", "registered_on", "lmp", "status", "delivered_on",
        "discharged_on", "place", "hospital", "outcome", "child_id", "ended_on", "end_reason",
        "note", "area_code",
    ),
    "maternal_antenatalvisit": (
        "id", "pregnancy_id", "date", "gestational_week", "point", "late", "event_id",
        "area_code",
    ),
    "maternal_postpartumvisit": (
        "id", "pregnancy_id", "kind", "date", "completed", "late", "event_id", "area_code",
    ),
    "maternal_childhealthcheck": (
        "id", "person_id", "date", "point", "late", "event_id", "area_code",
    ),
    "certificates_marriagecertificate": (
        "id", *STAMPED, "person_id", "region_code", "number", "issued_on", "electronic",
        "valid_until", "marital_status", "children_count", "checked_on", "checked_late",
        "check_outcome", "check_event_id", "area_code",
    ),
    "certificates_residencepermit": (
        "id", *STAMPED, "person_id", "basis", "applied_on", "issued_on", "first_valid_until",
        "number", "status", "apply_event_id", "issue_event_id", "area_code",
    ),
    "services_visit": (
        "id", "person_id", "visited_on", "visitor_id", "outcome", "note", "area_code",
        "created_at",
    ),
}  # fmt: skip
