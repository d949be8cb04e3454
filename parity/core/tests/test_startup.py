"""The web worker's warm-up (``parity.core.startup``), run by ``config/wsgi.py``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines

from parity.core.startup import own_template_names, warm_up


def test_warm_up_compiles_every_template_of_parity_s_apps():
    # Given: the templates under parity/<app>/templates, found on disk independently.
    on_disk = {
        str(path.relative_to(app / "templates"))
        for app in (Path(settings.BASE_DIR) / "parity").iterdir()
        if (app / "templates").is_dir()
        for path in (app / "templates").rglob("*.html")
    }
    assert len(on_disk) > 50

    # When: a worker starts (a template that does not compile raises here, at start).
    compiled = warm_up()

    # Then: each of them is in the cached loader, compiled once for the process.
    assert set(own_template_names()) == on_disk
    assert compiled == len(on_disk)
    cached = {
        template.origin.template_name
        for loader in engines["django"].engine.template_loaders  # type: ignore[attr-defined]
        for template in getattr(loader, "get_template_cache", {}).values()
        if hasattr(template, "origin")
    }
    assert on_disk <= cached
