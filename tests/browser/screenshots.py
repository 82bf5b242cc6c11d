"""Take the README's screenshots (docs/screenshots/) from the demo, on a phone and a desktop.

Run with `make screenshots` after changing the look. It sets up a demo portal of its own (a
fresh SQLite database in a temporary folder, the demo data, `runserver` on a free port, mail
written to files), sends an idea through the form as a resident would, and photographs what
the resident, the committee and the public see: the front page, the form, the tracking page,
the receipt mail, the dashboard and the public map of needs (when the portal has one).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_binary_file, policy
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 860}}
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_portal() -> Iterator[tuple[str, Path]]:
    """A demo portal on a free port; yields its address and the folder its mails go to."""
    with tempfile.TemporaryDirectory(prefix="idelotsen-screens-") as folder:
        port = free_port()
        site = f"http://127.0.0.1:{port}"
        mail = Path(folder) / "mail"
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMAIL_URL"}},
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "EMAIL_FILE_PATH": str(mail),
            "MEDIA_ROOT": f"{folder}/media",
            "SITE_URL": site,
            "CELERY_BROKER_URL": "",
            "IDEAS_MIN_FILL_SECONDS": "0",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{site}/", timeout=1)  # noqa: S310 (local)
                    break
                except OSError:
                    time.sleep(0.2)
            yield site, mail
        finally:
            server.terminate()
            server.wait(timeout=10)


def shoot(page: Page, name: str, size: str) -> None:
    path = OUT / f"{name}-{size}.png"
    page.screenshot(path=str(path), full_page=size == "phone")
    print(f"wrote {path.relative_to(ROOT)}")


def latest_receipt(mail: Path) -> tuple[str, str]:
    """The HTML part and the tracking link of the newest mail in the folder."""
    newest = max(mail.glob("*.log"), key=lambda file: file.stat().st_mtime)
    with newest.open("rb") as raw:
        # The file backend writes every message of a connection into one file; take the last.
        message = message_from_binary_file(raw, policy=policy.default)
    html = message.get_body(preferencelist=("html",)).get_content()
    link = re.search(r'href="([^"]*/track/[^"]+)"', html)
    if link is None:
        raise SystemExit(f"the newest mail holds no tracking link: {message['Subject']}")
    return html, link.group(1)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_portal() as (site, mail), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=BROWSER_ARGS
        )
        context = browser.new_context(locale="sv-SE", viewport=SIZES["phone"])
        page = context.new_page()
        page.goto(f"{site}/idea/new/")
        page.fill("#id_title", "Bybuss till Ramsberg")
        page.fill("#id_need", "Bussen till Lindesberg går två gånger om dagen.")
        page.fill("#id_description", "En liten bybuss som kör när folk behöver den.")
        page.select_option("#id_municipality", label="Lindesberg")
        page.locator("input[name=themes]").first.check()
        page.fill("#id_submitter_email", "anna@example.org")
        for consent in page.locator("input[type=checkbox][name^=consent]").all():
            consent.check()
        page.locator("main form button[type=submit]:not([name])").click()
        page.wait_for_url("**/idea/received/")
        html, tracking = latest_receipt(mail)
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            for name, path in (("front-page", "/"), ("form", "/idea/new/"), ("needs", "/needs/")):
                if page.goto(f"{site}{path}").status == 200:
                    shoot(page, name, size)
            page.goto(tracking)
            shoot(page, "tracking-page", size)
            # The mail as a mail client shows it: on its own, without the portal's CSP (which
            # forbids inline styles), on the portal's origin so that its logo loads.
            page.route(
                f"{site}/mail-preview/",
                lambda route: route.fulfill(body=html, content_type="text/html"),
            )
            page.goto(f"{site}/mail-preview/")
            shoot(page, "mail-receipt-sv", size)
        staff = browser.new_context(locale="sv-SE", viewport=SIZES["desktop"]).new_page()
        staff.goto(f"{site}/accounts/login/")
        staff.fill("#id_username", "samordnare")
        staff.fill("#id_password", os.environ.get("DEMO_PASSWORD", "idelotsen-demo"))
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_load_state()
        staff.goto(f"{site}/triage/")
        shoot(staff, "dashboard", "desktop")
        browser.close()


if __name__ == "__main__":
    main()
