"""Screenshot tour: every page a signed-in administrator reaches, at phone (390 px) and
desktop (1280 px) width, in Chinese and in English, in Debian's Chromium.

    make tour            # or: .venv/bin/python tools/tour.py [--keep] [--limit N]

It builds a small demo city (scale 0.001) in a fresh SQLite database under var/tour/,
serves it with ``parity runserver`` on a free port, signs in, and follows every link of
the pages it visits (same site; no downloads, exports, admin, API or sign-out; one page
per route shape, /people/12/ standing for every person), up to ``--limit`` pages (400:
more than the 178 the demo city has). Each page is screenshotted into var/tour/shots/
and fails the tour on a console error, a horizontal overflow, Django's empty choice
「---------」, or raw snake_case text (a code shown instead of words). Exit status 1
with the list of failures, 0 when every page passes in both languages at both sizes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "tour"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
LANGUAGES = ("zh-hans", "en")
USERNAME, PASSWORD = "tour", "tour-Parity-2026!"
SKIP = re.compile(
    r"/(accounts/logout|admin|api|metrics|health|static|media)/|[?&](format|export)=|/export|"
    r"/download|/template|\.(xlsx|csv|docx|md|pdf)(\?|$)"
)
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DASHES = "---------"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PARITY_VAR_DIR=str(VAR),
        DATABASE_URL=f"sqlite:///{VAR / 'parity.sqlite3'}",
        STATIC_ROOT=str(VAR / "static"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PARITY_2FA_REQUIRED_ROLES="",  # the tour's user signs in with a password only
        PARITY_REFRESH_INLINE="true",
        LOG_LEVEL="WARNING",
    )
    env.pop("DATABASE_CONN_MAX_AGE", None)
    return env


def parity(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/parity"), *args], env=env, check=True, cwd=ROOT)


def build(env: dict[str, str]) -> None:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    for args in (
        ("migrate", "--noinput", "-v0"),
        ("load_areas",),
        ("load_catalog",),
        ("load_schedule",),
        ("demo", "--scale", "0.001", "-v0"),
        ("refresh_immunization",),
        ("load_indicators",),
        ("refresh_indicators", "-v0"),
        ("collectstatic", "--noinput", "-v0"),
    ):
        parity(env, *args)
    code = (
        "from parity.accounts.models import User; from parity.areas.models import Area;"
        f"u = User(username={USERNAME!r}, role='admin', area=Area.objects.root());"
        f"u.set_password({PASSWORD!r}); u.save()"
    )
    parity(env, "shell", "-c", code)


def problems_of(page) -> list[str]:
    found = []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        found.append(f"horizontal overflow of {overflow} px")
    text = page.inner_text("body")
    if DASHES in text or page.locator(f"option:text-is('{DASHES}')").count():
        found.append("「---------」 in the page")
    raw = sorted(set(SNAKE.findall(text)))
    if raw:
        found.append("raw codes: " + ", ".join(raw[:8]))
    return found


def tour(base: str, limit: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    failures: list[str] = []
    shots = VAR / "shots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for language in LANGUAGES:
            for size, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                errors: list[str] = []

                def on_console(message, errors=errors) -> None:
                    if message.type == "error":
                        errors.append(message.text)

                def on_error(error, errors=errors) -> None:
                    errors.append(str(error))

                page.on("console", on_console)
                page.on("pageerror", on_error)
                page.goto(f"{base}/accounts/login/")
                page.fill("input[name=username]", USERNAME)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                queue, seen, visited = ["/"], {"/"}, 0
                while queue and visited < limit:
                    path = queue.pop(0)
                    visited += 1
                    errors.clear()
                    response = page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    where = f"{language} {size} {path}"
                    if response is None or response.status >= 400:
                        failures.append(f"{where}: status {response and response.status}")
                        print(f"FAIL {failures[-1]}", flush=True)
                        continue
                    name = re.sub(r"[^a-zA-Z0-9]+", "_", path).strip("_") or "home"
                    page.screenshot(
                        path=str(shots / f"{language}-{size}-{name}.png"), full_page=True
                    )
                    found = problems_of(page) + [f"console: {e}" for e in errors]
                    for problem in found:  # as found, and again in the summary at the end
                        print(f"FAIL {where}: {problem}", flush=True)
                    failures += [f"{where}: {problem}" for problem in found]
                    for href in page.eval_on_selector_all("a[href]", "a => a.map(x => x.href)"):
                        url = urlparse(urljoin(base + path, href))
                        target = url.path + (f"?{url.query}" if url.query else "")
                        if url.netloc != urlparse(base).netloc or SKIP.search(target):
                            continue
                        # One page per route shape: /people/12/ stands for every person.
                        shape = re.sub(r"\d+", "N", url.path)
                        if shape not in seen and target not in seen:
                            seen.add(shape)
                            queue.append(target)
                print(f"{language} {size}: {visited} pages", flush=True)
                context.close()
        browser.close()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="reuse var/tour's database")
    parser.add_argument("--limit", type=int, default=400, help="pages per language and size")
    args = parser.parse_args()
    env = environment()
    if not (args.keep and (VAR / "parity.sqlite3").exists()):
        build(env)
    else:  # the kept database, with the stylesheets and scripts as they are now
        parity(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/parity"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        failures = tour(base, args.limit)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for failure in failures:
        print(failure)
    print(f"{len(failures)} problems; screenshots in {VAR / 'shots'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
