"""Target assessment (目标考核): yearly targets per area and indicator, scores and the
ranking of child nodes. Its models (``Target``) stay in ``indicators.models``."""

# The exchange app registers its two-way sources here (see ``selectors``).
from parity.indicators.assessment.selectors import (  # noqa: F401
    TWO_WAY_SOURCES,
    ScoredItem,
    TwoWaySource,
)
