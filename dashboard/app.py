"""The Gradio dashboard: explore gold, read the data-quality and benchmark reports.

Offline by construction: analytics off and the Hugging Face hub offline are set before
Gradio is imported, nothing is shared, the server binds 127.0.0.1 by default (``HOST``,
``PORT``), the theme uses system fonts, and plotly.js is served by the app. Every
interaction is also a named API endpoint (see ``/gradio_api/info`` or ``gradio_client``).
The dashboard never imports Spark.
"""

from __future__ import annotations

from pipeline.settings import go_offline

go_offline()  # before gradio is imported

import sys  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, HTTPException  # noqa: E402
from fastapi.responses import FileResponse  # noqa: E402

from dashboard import views  # noqa: E402
from pipeline.catalogue import (  # noqa: E402
    EXPLICIT_FILTERS,
    FEATURE_RANGES,
    PROFILE_FEATURES,
    TREND_FEATURES,
)
from pipeline.failures import EXIT_BAD_INPUT  # noqa: E402
from pipeline.layers import insights  # noqa: E402
from pipeline.settings import Settings, SettingsError  # noqa: E402

DECADES = ["All", *[f"{d}s" for d in range(1900, 2030, 10)]]
THEME = gr.themes.Soft(
    primary_hue="green", font=["ui-sans-serif", "system-ui", "sans-serif"],
    font_mono=["ui-monospace", "monospace"],
)  # fmt: skip
SHUTDOWN_S = 3  # seconds a stop waits for open pages and requests before closing them
CONCURRENCY = 8  # views are thread-safe: GoldReader keeps one read-only connection per thread
SERVED_REPORTS = (
    "latency.html",
    "scale.html",
    "latency.md",
    "data_quality.md",
    "insights.html",
    "insights.md",
)


def _whole(value: int, label: str) -> gr.Number:
    """A whole-number input that Gradio does not round (``precision=0`` would turn an API
    call's 1.5 into 2): the catalogue refuses fractions with a message instead."""
    return gr.Number(value, label=label, step=1)


def _plot() -> gr.Plot:
    """A chart without Gradio's "Plot" badge (on a phone Plotly's toolbar covered it)."""
    return gr.Plot(show_label=False)


def _table(label: str, headers: list[str] | None = None) -> gr.Dataframe:
    """A read-only table headed in words from the start (never "1 2 3")."""
    return gr.Dataframe(pd.DataFrame(columns=headers or []), label=label, interactive=False,
                        wrap=True)  # fmt: skip


def _download(label: str = "Download CSV") -> gr.DownloadButton:
    return gr.DownloadButton(label, value=None, size="sm", scale=0)


def build_blocks(settings: Settings) -> gr.Blocks:
    """The UI; each event handler is a :mod:`dashboard.views` function with an API name."""
    v = views.Views(settings)
    with gr.Blocks(title="spotify-medallion") as demo:
        gr.Markdown("# spotify-medallion\nServed from the DuckDB gold layer.")
        with gr.Tabs(selected="Insights") as tabs:
            with gr.Tab("Insights", id="Insights"):
                in_status = gr.Markdown()
                finding_out, links = [], {}
                for key, (tab, _) in insights.LINKS.items():
                    with gr.Group():
                        headline = gr.Markdown()
                        plot = _plot()
                        with gr.Accordion("Table", open=False):
                            table = gr.Dataframe(interactive=False)
                        with gr.Row():
                            method = gr.Markdown()
                            links[key] = gr.Button(f"Open in {tab} →", size="sm", scale=0)
                    finding_out += [headline, plot, table, method]
            with gr.Tab("Overview", id="Overview"):
                kpis = gr.Markdown()
                with gr.Row():
                    loud_plot, trend_plot = _plot(), _plot()
                ov_status = gr.Markdown()
            with gr.Tab("Trends", id="Trends"):
                with gr.Row():
                    features = gr.Dropdown(list(TREND_FEATURES), multiselect=True,
                                           value=["energy", "danceability", "acousticness"],
                                           label="Features")  # fmt: skip
                    t_from = _whole(1950, "From year")
                    t_to = _whole(2020, "To year")
                    explicit = gr.Radio(list(EXPLICIT_FILTERS), value="all", label="Explicit")
                trend_lines = _plot()
                tr_status = gr.Markdown()
                profile_feature = gr.Dropdown(list(PROFILE_FEATURES), value="loudness",
                                              label="Decade profile feature")  # fmt: skip
                profile_plot = _plot()
                pr_status = gr.Markdown()
            with gr.Tab("Artists", id="Artists"):
                with gr.Row():
                    search = gr.Textbox(label="Search artists", placeholder="e.g. orchestra")
                    pick = gr.Dropdown([], label="Artist", allow_custom_value=True)
                se_status = gr.Markdown()
                with gr.Row():
                    matches = _table("Matching artists", views.ARTIST_HEADERS)
                se_csv = _download()
                summary = gr.Markdown()
                with gr.Row():
                    timeline_plot, compare_plot = _plot(), _plot()
                ap_status = gr.Markdown()
                artist_tracks = _table("Tracks", views.TRACK_HEADERS)
                ap_csv = _download()
                gr.Markdown("### Top artists by tracks")
                with gr.Row():
                    ta_from = _whole(2000, "From year")
                    ta_to = _whole(2020, "To year")
                    ta_limit = _whole(20, "How many")
                ta_status = gr.Markdown()
                top_table = _table("Top artists", ["Artist", "Tracks"])
                ta_csv = _download()
            with gr.Tab("Explore", id="Explore"):
                with gr.Row():
                    fx = gr.Dropdown(list(FEATURE_RANGES), value="loudness", label="x")
                    fy = gr.Dropdown(list(FEATURE_RANGES), value="energy", label="y")
                    decade = gr.Dropdown(DECADES, value="All", label="Decade (drives this tab)")
                density_plot = _plot()
                de_status = gr.Markdown()
                with gr.Row():
                    corr_plot, keymode_plot = _plot(), _plot()
                co_status, km_status = gr.Markdown(), gr.Markdown()
                gr.Markdown("### Tracks of the decade")
                with gr.Row():
                    tl_explicit = gr.Radio(list(EXPLICIT_FILTERS), value="all", label="Explicit")
                    tl_text = gr.Textbox(label="Title contains (Enter)")
                    tl_limit = _whole(50, "Rows shown")
                tl_status = gr.Markdown()
                track_table = _table("Tracks", views.TRACK_HEADERS)
                tl_csv = _download()
            with gr.Tab("Data quality", id="Data quality"):
                dq_checks = gr.Markdown()
                with gr.Row():
                    funnel_plot, reasons_plot = _plot(), _plot()
                dq_examples = gr.Dataframe(label="Example rows", interactive=False)
            with gr.Tab("Benchmarks", id="Benchmarks"):
                bench_note = gr.Markdown()
                bench_plot = _plot()
                with gr.Row():
                    storage_plot = _plot()
                    etl_table = gr.Dataframe(label="ETL seconds", interactive=False)
                env_table = gr.Dataframe(label="Machine", interactive=False)
                scale_plot = _plot()
        # (label, artist id) of each shown row of a table: what a click on the row opens
        se_links, ap_links, ta_links, tl_links = (gr.State([]) for _ in range(4))

        ov_out = [kpis, loud_plot, trend_plot, ov_status]
        tr_in, tr_out = [features, t_from, t_to, explicit], [trend_lines, tr_status]
        dq_out = [funnel_plot, reasons_plot, dq_examples, dq_checks]
        bench_out = [bench_plot, storage_plot, etl_table, env_table, scale_plot, bench_note]
        ex_out = {"density": [density_plot, de_status], "correlations": [corr_plot, co_status],
                  "key_mode": [keymode_plot, km_status]}  # fmt: skip
        tl_in, tl_out = (
            [decade, tl_explicit, tl_text, tl_limit],
            [track_table, tl_links, tl_csv, tl_status],
        )
        # Tables: the table, its rows' links (hidden), its CSV, then the status line, last.
        ta_in, ta_out = [ta_from, ta_to, ta_limit], [top_table, ta_links, ta_csv, ta_status]
        se_out = [pick, matches, se_links, se_csv, se_status]
        ap_out = [summary, timeline_plot, compare_plot, artist_tracks, ap_links, ap_csv,
                  ap_status]  # fmt: skip

        demo.load(partial(views.insight_findings, v), None, [*finding_out, in_status],
                  api_name="insights")  # fmt: skip
        link_out = [tabs, features, t_from, t_to, explicit, decade]
        for key, button in links.items():
            event = button.click(partial(open_link, key), None, link_out,
                                 api_visibility="private")  # fmt: skip
            if insights.LINKS[key][0] == "Trends":  # year boxes apply on blur: redraw here
                event.then(partial(views.trends, v), tr_in, tr_out, api_visibility="private")
        demo.load(partial(views.overview, v), None, ov_out, api_name="overview")
        demo.load(partial(views.trends, v), tr_in, tr_out, api_name="trends")
        demo.load(partial(views.decade_profile, v), [profile_feature], [profile_plot, pr_status],
                  api_name="decade_profile")  # fmt: skip
        demo.load(partial(views.top_artists, v), ta_in, ta_out, api_name="top_artists").then(
            first_artist, [ta_links], [pick], api_visibility="private")  # fmt: skip
        demo.load(partial(views.density, v), [fx, fy, decade], ex_out["density"],
                  api_name="density")  # fmt: skip
        demo.load(partial(views.correlations, v), [decade], ex_out["correlations"],
                  api_name="correlations")  # fmt: skip
        demo.load(partial(views.key_mode, v), [decade], ex_out["key_mode"], api_name="key_mode")
        demo.load(partial(views.track_list, v), tl_in, tl_out, api_name="tracks")
        demo.load(partial(views.data_quality, v), None, dq_out, api_name="data_quality")
        demo.load(partial(views.benchmarks, v), None, bench_out, api_name="benchmarks")

        # Ranges apply once per edit: on Enter or on leaving the box, never per keystroke.
        # Enter only blurs the box (in the browser, no request); the blur sends the one request.
        for control in (t_from, t_to):
            _on_commit(control, partial(views.trends, v), tr_in, tr_out)
        for control in (features, explicit):
            control.change(partial(views.trends, v), tr_in, tr_out, api_visibility="private")
        profile_feature.change(partial(views.decade_profile, v), [profile_feature],
                               [profile_plot, pr_status], api_visibility="private")  # fmt: skip
        for control in ta_in:
            _on_commit(control, partial(views.top_artists, v), ta_in, ta_out)

        def suggest(text):
            choices, *rest = views.artist_search(v, text)
            return gr.update(choices=choices, value=choices[0][1] if choices else None), *rest

        search.submit(suggest, [search], se_out, api_name="artist_search")
        search.change(suggest, [search], se_out, api_visibility="private",
                      trigger_mode="always_last")  # fmt: skip
        pick.change(partial(views.artist_profile, v), [pick], ap_out, api_name="artist_profile")
        for table, rows in ((matches, se_links), (top_table, ta_links),
                            (artist_tracks, ap_links), (track_table, tl_links)):  # fmt: skip
            table.select(open_artist, [rows], [tabs, pick], api_visibility="private")
        for control in (fx, fy, decade):
            control.change(partial(views.density, v), [fx, fy, decade], ex_out["density"],
                           api_visibility="private")  # fmt: skip
        decade.change(partial(views.correlations, v), [decade], ex_out["correlations"],
                      api_visibility="private")  # fmt: skip
        decade.change(partial(views.key_mode, v), [decade], ex_out["key_mode"],
                      api_visibility="private")  # fmt: skip
        for control in (decade, tl_explicit):
            control.change(partial(views.track_list, v), tl_in, tl_out, api_visibility="private")
        tl_text.submit(partial(views.track_list, v), tl_in, tl_out, api_visibility="private")
        _on_commit(tl_limit, partial(views.track_list, v), tl_in, tl_out)
    return demo


BLUR_ON_ENTER = "(...args) => { document.activeElement && document.activeElement.blur(); }"


def _on_commit(control: gr.Number, fn, inputs, outputs) -> None:
    """Run ``fn`` when the user leaves ``control`` (Enter leaves it too): one request per
    edit, and no message while a year is half typed."""
    control.submit(None, None, None, js=BLUR_ON_ENTER)
    control.blur(fn, inputs, outputs, api_visibility="private", trigger_mode="always_last")


def first_artist(rows: list) -> dict:
    """The first top artist, opened in the profile: no empty placeholders on first load."""
    return gr.update(choices=rows[:1], value=rows[0][1] if rows else None)


def open_artist(rows: list, evt: gr.SelectData) -> tuple:
    """A click on a table row: the Artists tab, showing that row's artist."""
    row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
    if not rows or row is None or row >= len(rows):
        return gr.update(), gr.update()
    label, artist_id = rows[row]
    return gr.Tabs(selected="Artists"), gr.update(choices=[(label, artist_id)], value=artist_id)


def open_link(key: str) -> tuple:
    """A finding's "Open in …" button: select its tab and set that tab's filters (the
    controls' change events then redraw the tab)."""
    tab, filters = insights.LINKS[key]
    keep = gr.update()
    if tab == "Trends":
        return (gr.Tabs(selected=tab), filters.get("features", keep),
                filters.get("year_from", keep), filters.get("year_to", keep),
                filters.get("explicit", "all"), keep)  # fmt: skip
    return gr.Tabs(selected=tab), keep, keep, keep, keep, filters.get("decade", keep)


def build_app(settings: Settings) -> FastAPI:
    """FastAPI app: the reports under /reports/<name>, the dashboard at /."""
    app = FastAPI(title="spotify-medallion", docs_url=None, redoc_url=None)
    reports = Path(settings.reports_dir).resolve()

    @app.get("/reports/{name}")
    def report_file(name: str):
        if name not in SERVED_REPORTS or not (reports / name).is_file():
            raise HTTPException(404, f"no report {name!r}: run `make bench` to create it")
        return FileResponse(reports / name)

    blocks = build_blocks(settings).queue(default_concurrency_limit=CONCURRENCY)
    return gr.mount_gradio_app(app, blocks, path="/", theme=THEME,
                               footer_links=["api"], server_name=settings.dashboard_host,
                               server_port=settings.dashboard_port)  # fmt: skip


def main() -> int:
    """Serve until stopped; a bad setting ends with one line and exit 2."""
    settings = Settings()
    try:
        host, port = settings.dashboard_host, settings.dashboard_port
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"[dashboard] serving {settings.gold_db} and {settings.reports_dir} at "
          f"http://{host}:{port}")  # fmt: skip
    # Open pages keep a heartbeat stream; without a timeout a stop would wait for them all.
    uvicorn.run(build_app(settings), host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_S)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
