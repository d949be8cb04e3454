"""Settings for the OpenAPI schema that the API module applies itself.

``HousingType`` names both a residence's ``housing_type`` and a dwelling's
``dwelling_type``; without an override drf-spectacular warns that one choice set has two
names. The same dict can move into ``SPECTACULAR_SETTINGS``; until then, validate with
``parity spectacular --validate --fail-on-warn \
--custom-settings parity.api.schema.SCHEMA_SETTINGS``.
"""

SCHEMA_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {
        "HousingTypeEnum": "parity.people.choices.HousingType",
        # A service event's and a home visit's ``outcome`` are different choice sets.
        "ServiceOutcomeEnum": "parity.services.choices.Outcome",
        "VisitOutcomeEnum": "parity.services.choices.VisitOutcome",
        "PersonStatusEnum": "parity.people.choices.Status",
        "PregnancyStatusEnum": "parity.maternal.choices.PregnancyStatus",
        "BirthOutcomeEnum": "parity.maternal.choices.BirthOutcome",
        "EndReasonEnum": "parity.maternal.choices.EndReason",
        "PermitStatusEnum": "parity.certificates.choices.PermitStatus",
    },
}
