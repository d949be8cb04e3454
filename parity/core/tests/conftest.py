import io
import json
import logging

import pytest

from parity.core.logs import JsonFormatter


@pytest.fixture
def log_lines():
    """The lines the configured console handler writes (its filters included), as JSON
    objects; ``log_lines.text()`` is the raw output."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if h.name == "console" and isinstance(h, logging.StreamHandler)
    )
    buffer = io.StringIO()
    previous_stream = handler.setStream(buffer)
    previous_formatter = handler.formatter
    # JSON whatever LOG_FORMAT the developer running the tests has set.
    handler.setFormatter(JsonFormatter())

    class Lines:
        def __call__(self) -> list[dict]:
            return [json.loads(line) for line in buffer.getvalue().splitlines() if line]

        def text(self) -> str:
            return buffer.getvalue()

    yield Lines()
    handler.setFormatter(previous_formatter)
    handler.setStream(previous_stream)
