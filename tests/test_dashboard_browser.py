"""The dashboard in a real headless Chromium (Debian's, via Playwright; no downloads).

The page must render its Plotly charts, react to inputs, show no console errors, and
never try to reach a host other than the local server. Screenshots of the small test gold
go to a temporary folder (the README's come from the full-size data: ``make screenshots``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(tempfile.gettempdir()) / "spotify-medallion-test-shots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not installed (.ci/run installs it with apt)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, dashboard):
    """A page that blocks and records every request to a non-local host, and errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.external_requests = []
    page.console_errors = []

    def route(r):
        if urlparse(r.request.url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            page.external_requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    # "load", not "networkidle": Gradio's queue connection may keep the network busy, and a
    # fresh CI run once timed out waiting for idleness. Readiness is the first drawn chart.
    page.goto(dashboard, wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    yield page
    assert page.external_requests == [], "the page tried to leave the machine"
    # Failed (blocked) external requests would also log errors; the list above is empty.
    assert page.console_errors == []
    context.close()


def _tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def _visible_plots(page, minimum: int, timeout: int = 60_000):
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('.js-plotly-plot')]
              .filter(p => p.offsetParent !== null && p.querySelector('.main-svg')).length
              >= {minimum}""",
        timeout=timeout,
    )


def _first_x(page, title: str):
    return page.evaluate(
        """(title) => {
          const plots = [...document.querySelectorAll('.js-plotly-plot')]
            .filter(p => p.offsetParent !== null && p.layout && p.layout.title &&
                         (p.layout.title.text || '').includes(title));
          return plots.length ? plots[0]._fullData[0].x[0] : null;
        }""",
        title,
    )


def test_insights_tab_first_and_opens_its_detail(page):
    """Insights is the first tab; a finding's button opens Trends with that finding's
    features, drawn with confidence bands."""
    _visible_plots(page, 3)
    assert page.get_by_role("tab", selected=True).inner_text().strip() == "Insights"
    body = page.locator("body").inner_text()
    assert "The loudness war" in body and "95% confidence interval" in body
    page.get_by_role("button", name="Open in Trends →").first.click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .some(p => p.offsetParent !== null && p.layout && p.layout.title &&
                  (p.layout.title.text || '').startsWith('Average loudness per year'))""",
        timeout=30_000,
    )
    assert page.get_by_role("tab", selected=True).inner_text().strip() == "Trends"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "insights_link.png"), full_page=True)


def test_overview_renders(page):
    _tab(page, "Overview")
    _visible_plots(page, 2)
    assert "tracks" in page.locator("body").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)


def test_trends_follow_the_year_range(page):
    _tab(page, "Trends")
    _visible_plots(page, 1)
    before = _first_x(page, "per year")
    box = page.get_by_label("From year").locator("visible=true").first
    box.fill("1990")
    box.press("Enter")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .some(p => p.offsetParent !== null && p._fullData && p._fullData[0]
                   && p._fullData[0].x[0] >= 1990)""",
        timeout=30_000,
    )
    assert _first_x(page, "per year") >= 1990 and before != _first_x(page, "per year")
    page.screenshot(path=str(SHOTS / "trends.png"), full_page=True)


def test_artist_search_shows_a_profile(page, gradio_client):
    top, _ = gradio_client.predict(1000, 2100, 3, api_name="/top_artists")
    name = top["data"][0][1]
    _tab(page, "Artists")
    search = page.get_by_label("Search artists")
    search.fill(name[:5])
    search.press("Enter")
    page.get_by_text("tracks on").first.wait_for(timeout=30_000)
    _visible_plots(page, 2)
    assert name in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "artists.png"), full_page=True)


@pytest.mark.parametrize("tab", ["Data quality", "Benchmarks", "Explore"])
def test_report_tabs_render_charts(page, tab):
    _tab(page, tab)
    _visible_plots(page, 2)
    page.screenshot(path=str(SHOTS / f"{tab.lower().replace(' ', '_')}.png"), full_page=True)
