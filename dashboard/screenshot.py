"""Screenshot the dashboard's tabs with Debian's Chromium (for the README).

Usage: ``python -m dashboard.screenshot`` (``make screenshots``): starts the dashboard on the
current DATA_DIR / REPORTS_DIR, waits for the charts, and saves
``REPORTS_DIR/screenshots/<tab>.png`` (1400×1000) and ``phone_dark_insights.png`` (390 px
wide, dark theme). External requests are blocked.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

from dashboard.launcher import start_dashboard
from pipeline.settings import Settings

TABS = ("Insights", "Overview", "Trends", "Artists", "Explore", "Data quality", "Benchmarks")


def capture(url: str, out_dir: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking"])  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in
                   ("127.0.0.1", "localhost") else r.abort())  # fmt: skip
        page.goto(url, wait_until="load")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            if tab == "Artists":
                page.get_by_label("Search artists").fill("orchestra")
                page.get_by_label("Search artists").press("Enter")
            page.wait_for_timeout(4000)
            path = out_dir / f"{tab.lower().replace(' ', '_')}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
        phone.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in
                    ("127.0.0.1", "localhost") else r.abort())  # fmt: skip
        phone.goto(url + "/?__theme=dark", wait_until="load")
        phone.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        phone.wait_for_timeout(4000)
        path = out_dir / "phone_dark_insights.png"
        phone.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 390, "height": 1600},
                         full_page=True)  # fmt: skip
        saved.append(path)
        browser.close()
    return saved


def main() -> int:
    settings = Settings()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    proc, url = start_dashboard(settings.data_dir, settings.reports_dir)
    try:
        for path in capture(url, Path(settings.reports_dir) / "screenshots", chromium):
            print(f"[screenshot] {path}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
