"""The dashboard in a real headless Chromium (Debian's, via Playwright; no downloads).

The page must render its Plotly charts, react to inputs, show no console errors, and
never try to reach a host other than the local server. Screenshots of the small test gold
go to a temporary folder (the README's come from the full-size data: ``make screenshots``).
"""

from __future__ import annotations

import re
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
    """Open a tab; on a narrow screen the tabs that do not fit are in a "More tabs" menu."""
    tab = page.get_by_role("tab", name=name)
    if not tab.count():
        page.get_by_role("button", name="More tabs").click()
        page.locator(".overflow-dropdown button", has_text=name).first.click()
    else:
        tab.click()
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
                         (p.layout.title.text || '').replace(/<br>/g, ' ').includes(title));
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
                  (p.layout.title.text || '').replace(/<br>/g, ' ')
                    .startsWith('Average loudness per year'))""",
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
    top, _, _ = gradio_client.predict(1000, 2100, 3, api_name="/top_artists")
    name = top["data"][0][0]
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


def _queue_joins(page) -> list:
    """Requests that start a server-side event (Gradio's queue), recorded from now on."""
    joins = []
    page.on("request", lambda r: "/queue/join" in r.url and joins.append(r.url))
    return joins


def test_one_request_per_year_edit_and_no_message_while_typing(page):
    _tab(page, "Trends")
    _visible_plots(page, 1)
    page.wait_for_timeout(1000)
    joins = _queue_joins(page)
    box = page.get_by_label("From year").locator("visible=true").first
    box.click()
    box.press("Control+A")
    for key in "1990":
        box.press(key)
        page.wait_for_timeout(150)
        assert "Note:" not in page.locator("body").inner_text()
    assert joins == [], "a request went out while the year was being typed"
    box.press("Enter")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(p =>
             p.offsetParent !== null && p._fullData && p._fullData[0] &&
             p._fullData[0].x[0] >= 1990)""",
        timeout=30_000,
    )
    page.wait_for_timeout(1000)
    assert len(joins) == 1, joins


def test_row_click_opens_the_artist(page):
    _tab(page, "Explore")
    page.get_by_text("Click a row to open its artist").first.wait_for(timeout=30_000)
    grid = page.get_by_role("grid", name="Tracks").locator("visible=true").first
    headers = [grid.locator(f"[data-testid=header-{i}]").get_attribute("title")
               for i in range(int(grid.get_attribute("aria-colcount")))]  # fmt: skip
    artist = grid.locator(f"[data-testid=cell-0-{headers.index('Artist')}]").inner_text().strip()
    grid.locator("[data-testid=cell-0-0]").click()
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('h3')].some(h => h.offsetParent !== null"
        " && h.innerText.trim() === name)", arg=artist, timeout=30_000,
    )  # fmt: skip
    assert page.get_by_role("tab", selected=True).inner_text().strip() == "Artists"


def test_csv_download_holds_the_table(page):
    import pandas as pd

    _tab(page, "Artists")
    page.get_by_text("The top 20 artists").first.wait_for(timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download CSV").locator("visible=true").nth(2).click()
    frame = pd.read_csv(download.value.path())
    assert list(frame.columns) == ["Artist", "Tracks"] and len(frame) == 20
    assert frame["Tracks"].is_monotonic_decreasing


def test_empty_search_says_so(page):
    _tab(page, "Artists")
    search = page.get_by_label("Search artists")
    search.fill("zzqqxxnothing")
    search.press("Enter")
    page.get_by_text("No artist name contains 'zzqqxxnothing'").wait_for(timeout=30_000)


@pytest.fixture
def phone_dark(browser, dashboard):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(dashboard + "/?__theme=dark", wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    yield page
    context.close()


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


@pytest.mark.parametrize("tab", ["Insights", "Trends", "Explore"])
def test_phone_width_dark_mode_titles_fit_and_controls_apart(phone_dark, tab):
    page = phone_dark
    assert page.evaluate("document.body.classList.contains('dark')")
    if tab != "Insights":
        _tab(page, tab)
    _visible_plots(page, 1)
    page.wait_for_timeout(1500)
    width = page.viewport_size["width"]
    titles = page.locator(".js-plotly-plot .gtitle").locator("visible=true")
    assert titles.count() >= 1
    for i in range(titles.count()):
        box = titles.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            titles.nth(i).text_content(),
            box,
        )
    backgrounds = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].filter(p =>
             p.offsetParent !== null).map(p => p.layout.paper_bgcolor)"""
    )
    transparent = {b.replace(" ", "") for b in backgrounds}
    assert transparent == {"rgba(0,0,0,0)"}, "charts must show the theme behind them"
    controls = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, button, [role=tab]')]
             .filter(e => e.offsetParent !== null && !e.closest('[aria-hidden=true]'))
             .map(e => e.getBoundingClientRect())
             .filter(r => r.width >= 4 && r.height >= 4)
             .map(r => ({x: r.x + window.scrollX, y: r.y + window.scrollY,
                         width: r.width, height: r.height}))"""
    )  # controls a person can see and touch
    for i, a in enumerate(controls):
        for b in controls[i + 1 :]:
            assert not _overlaps(a, b), (a, b)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone_dark_{tab.lower()}.png"), full_page=True)


def test_both_namesakes_reachable_from_the_artist_list(page):
    from tests.conftest import NAMESAKE

    _tab(page, "Artists")
    search = page.get_by_label("Search artists")
    search.fill(NAMESAKE)
    search.press("Enter")
    page.get_by_text("Showing 2 of 2 matching artists").wait_for(timeout=30_000)
    seen = set()
    for option in ("1 track ·", "2 tracks ·"):
        page.get_by_label("Artist", exact=True).click()
        page.get_by_role("option", name=re.compile(option)).click()
        page.get_by_text(re.compile(rf"^Showing {option[0]} of {option[0]} track")).wait_for(
            timeout=30_000)  # fmt: skip
        seen.add(option)
        assert "1 other artist shares this name" in page.locator("body").inner_text()
    assert len(seen) == 2
