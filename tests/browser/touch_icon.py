"""Draw static/img/apple-touch-icon.png (180 x 180) from static/img/favicon.svg with Chromium.

Run with `make icons` after changing the favicon. Phones show the touch icon as a full square
(they round the corners themselves), so the drawing's own rounded corners are filled in.
"""

import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parents[2] / "static" / "img"
SIZE = 180


def main() -> None:
    svg = (IMG / "favicon.svg").read_text()
    svg = svg.replace('width="64" height="64"', f'width="{SIZE}" height="{SIZE}"')
    svg = svg.replace('rx="14"', 'rx="0"')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": SIZE, "height": SIZE})
        page.set_content(f'<html><body style="margin:0">{svg}</body></html>')
        page.screenshot(path=str(IMG / "apple-touch-icon.png"))
        browser.close()


if __name__ == "__main__":
    main()
