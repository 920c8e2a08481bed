"""The dashboard's quantity view: how much reaches CEN, and how fast, by area and country over time.

A thin view over :mod:`cenlab.ui.reporting` (itself over ``cenlab.quality.impact.coverage``, the
function the coordination course uses): choose a WCO region or RILO, countries, the period, the
measure (coverage or reporting delay) and the step (month, quarter, year); a line chart follows,
with the months each country switched on the automated nCEN transfer marked as labelled vertical
lines, and a table of the area's countries, worst first. Lines differ by colour (a colour-blind
safe palette), by dash and by marker; the chart's image carries its description as alt text.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator, PercentFormatter, ScalarFormatter

from cenlab.ui import reporting as rp
from cenlab.ui.controls import SVG, HeldRedraw, choose, month_index

FILTERS = ("area", "countries", "start", "end", "measure", "freq")
DEFAULTS = {"area": None, "countries": (), "start": None, "end": None, "measure": "coverage",
            "freq": "Q"}  # fmt: skip
MAX_LINES = 6  # countries drawn at once; the table lists them all
# Okabe-Ito colours, each with its own dash and marker: lines never differ by colour alone.
AREA_STYLE = {"color": "black", "linestyle": "-", "linewidth": 2.4}
WORLD_STYLE = {"color": "#777777", "linestyle": (0, (5, 3)), "linewidth": 1.6}
COUNTRY_STYLES = [
    {"color": c, "marker": m, "linestyle": ls, "linewidth": 1.5, "markersize": 5}
    for c, m, ls in [("#0072B2", "o", "-"), ("#D55E00", "s", "--"), ("#009E73", "^", "-."),
                     ("#CC79A7", "D", ":"), ("#E69F00", "v", "-"), ("#56B4E9", "P", "--")]
]  # fmt: skip
HEADROOM = 1.2  # the y axis goes 20% past the top line: room for the switch-on labels
MAX_MARK_LABELS = 15  # beyond, switch-ons of a whole area are drawn but not labelled
TABLE_STYLE = (
    "<style>.cenq-table table{border-collapse:collapse;font-size:12px;line-height:1.3}"
    ".cenq-table th,.cenq-table td{padding:2px 8px;border-bottom:1px solid #ddd;"
    "text-align:right}.cenq-table td:nth-child(-n+2),.cenq-table th{text-align:left}</style>"
)


class QuantityDashboard(HeldRedraw):
    """Coverage and reporting delay over a reporting panel (``make_reporting_panel(...)``, or any
    object with its ``monthly`` and ``countries`` tables). ``set_filters`` changes the filters as a
    user would; ``views`` and ``summary`` hold what is on screen."""

    def __init__(self, panel):
        self.monthly, self.countries = panel.monthly, panel.countries
        self.views: dict[str, pd.DataFrame] = {}
        self.redraws = {"chart": 0, "table": 0}
        self._drawn_with: dict[str, tuple] = {}
        self._holding = 0
        self._build_controls()
        self.status = widgets.HTML()
        self.chart = widgets.HTML(layout=widgets.Layout(min_height="380px"))
        self.table = widgets.HTML(layout=widgets.Layout(max_height="420px", overflow="auto"))
        self.figure = _figure()
        self.widget = self._layout()
        self.refresh()

    def set_filters(self, **filters) -> None:
        """Set filters as a user would (``area``: a region code or RILO name; ``countries``: ISO
        codes; ``start``/``end``: dates, snapped to whole months; ``measure``: "coverage" or
        "delay"; ``freq``: "M", "Q" or "Y"), then redraw once. None means the default."""
        unknown = sorted(set(filters) - set(FILTERS))
        if unknown:
            raise ValueError(f"unknown filter {unknown}; choose from {list(FILTERS)}")
        f = {k: DEFAULTS[k] if v is None else v for k, v in filters.items()}
        months = [m for _, m in self.period.options]
        lo, hi = self.period.index
        with self._hold():
            if "area" in f:
                rp.in_area(self.countries.head(0), f["area"])  # names an unknown area
                self.area.value = f["area"] or ""
            if "countries" in f:
                choose(self.chosen, f["countries"], name="countries")
            if "start" in filters:
                lo = month_index(months, filters["start"], default=0)
            if "end" in filters:
                hi = month_index(months, filters["end"], default=len(months) - 1)
            self.period.index = (lo, hi)
            for name in ("measure", "freq"):
                if name in f:
                    _pick(getattr(self, name), f[name], name)
        self.refresh()

    @property
    def filters(self) -> dict:
        """The current filters, as keyword arguments for the functions of ``reporting``."""
        start, end = self.period.value
        return {"area": self.area.value or None, "countries": list(self.chosen.value),
                "start": start, "end": end, "measure": self.measure.value,
                "freq": self.freq.value}  # fmt: skip

    def refresh(self) -> None:
        """Recompute the chart's lines, the marks and the table; redraw what changed."""
        f = self.filters
        period = {"area": f["area"], "start": f["start"], "end": f["end"]}
        drawn = f["countries"][:MAX_LINES]
        views = {
            "trend": rp.trend(
                self.monthly, f["measure"], countries=drawn, freq=f["freq"], **period
            ),
            "marks": rp.adoption_marks(self.countries, chosen=drawn, **period),
            "table": rp.country_table(self.monthly, self.countries, f["measure"], **period),
        }
        self.summary = rp.describe(views["trend"], views["marks"], f["measure"], f["freq"])
        key = {"chart": (f["measure"], f["freq"]), "table": (f["measure"], tuple(f["countries"]))}
        changed = {
            n for n, v in views.items() if n not in self.views or not self.views[n].equals(v)
        }
        self.views = views
        for part, needs in [("chart", {"trend", "marks"}), ("table", {"table"})]:
            if changed & needs or self._drawn_with.get(part) != key[part]:
                self._drawn_with[part] = key[part]
                getattr(self, f"_draw_{part}")(f)
                self.redraws[part] += 1
        self._show_status(views["table"], f)  # last: when it shows, so do the rest

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- widgets ------------------------------------------------------------------------

    def _build_controls(self) -> None:
        months = sorted(self.monthly["month"].unique())
        self.period = widgets.SelectionRangeSlider(
            options=[(f"{m:%b %Y}", pd.Timestamp(m)) for m in months],
            index=(0, len(months) - 1), continuous_update=False, description="Period",
            layout=widgets.Layout(width="620px"), style={"description_width": "50px"},
        )  # fmt: skip
        self.area = widgets.Dropdown(
            options=[(label, value or "") for label, value in rp.area_options(self.countries)],
            value="", description="Area", layout=widgets.Layout(width="340px"),
            style={"description_width": "40px"},
        )  # fmt: skip
        self.chosen = widgets.SelectMultiple(
            options=self._country_options(None), rows=16, layout=widgets.Layout(width="240px")
        )
        self.measure = widgets.ToggleButtons(
            options=[("Coverage", "coverage"), ("Delay", "delay")], description="Show",
            style={"button_width": "90px", "description_width": "40px"},
        )  # fmt: skip
        self.freq = widgets.ToggleButtons(
            options=[(n.capitalize(), k) for k, n in rp.FREQS.items()], value="Q",
            description="By", style={"button_width": "76px", "description_width": "25px"},
        )  # fmt: skip
        self.clear = widgets.Button(description="Clear filters", icon="times")
        self.clear.on_click(lambda _: self.set_filters(**dict.fromkeys(FILTERS)))
        self.area.observe(self._on_area, "value")
        for w in [self.period, self.chosen, self.measure, self.freq]:
            w.observe(self._on_change, "value")

    def _country_options(self, area) -> list[tuple[str, str]]:
        rows = self.countries[rp.in_area(self.countries, area)]
        return sorted((rp.country_label(c), str(c)) for c in rows["country"])

    def _layout(self) -> widgets.Widget:
        head = widgets.HTML(f"<b>Countries to draw</b><br><i>Ctrl-click for several (up to "
                            f"{MAX_LINES})</i>")  # fmt: skip
        top = widgets.HBox([self.area, self.measure, self.freq, self.clear],
                           layout=widgets.Layout(align_items="center", grid_gap="16px"))  # fmt: skip
        middle = widgets.HBox([widgets.VBox([head, self.chosen]), self.chart])
        table_head = widgets.HTML("<b>Countries of the area, worst first</b> "
                                  "(▶ marks the countries drawn)")  # fmt: skip
        parts = [top, self.period, self.status, middle, table_head, self.table]
        return widgets.VBox(parts, layout=widgets.Layout(padding="4px"))

    def _on_area(self, change) -> None:
        """A new area offers its countries, keeping those chosen that are still offered."""
        with self._hold():
            kept = self.chosen.value
            self.chosen.options = self._country_options(change.new or None)
            choose(self.chosen, kept)
        self._on_change()

    # --- drawing ------------------------------------------------------------------------

    def _show_status(self, table: pd.DataFrame, f: dict) -> None:
        made, reported = int(table["true_seizures"].sum()), int(table["reported_seizures"].sum())
        share = f"{reported / made:.1%}" if made else "–"
        more = len(f["countries"]) - MAX_LINES
        note = f" The chart draws the first {MAX_LINES} countries chosen." if more > 0 else ""
        self.status.value = (
            f"{rp.area_label(f['area'])}, {f['start']:%b %Y} to {f['end']:%b %Y}: "
            f"{len(table)} countries, {made:,} seizures made, {reported:,} reached CEN "
            f"({share}).{note}"
        )

    def _draw_chart(self, f: dict) -> None:
        wide, marks = self.views["trend"], self.views["marks"]
        fig, ax = self.figure, self.figure.axes[0]
        for artist in [*ax.lines, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        fig.texts[0].set_text(f"{rp.MEASURES[f['measure']][1]}, by {rp.FREQS[f['freq']]}")
        styles = [AREA_STYLE, *([WORLD_STYLE] if f["area"] else []), *COUNTRY_STYLES]
        every = max(1, len(wide) // 12)
        for name, style in zip(wide.columns, styles):
            ax.plot(wide.index, wide[name], label=name, markevery=every, **style)
        _marks(ax, marks, dict(zip(f["countries"][:MAX_LINES], COUNTRY_STYLES)))
        if len(wide):
            ax.set_xlim(wide.index[0], max(wide.index[-1], wide.index[0] + pd.Timedelta(days=31)))
        top = wide.max().max() if len(wide) else float("nan")
        if f["measure"] == "coverage":
            ax.set_ylim(0, HEADROOM)
            ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        else:
            ax.set_ylim(0, top * HEADROOM if top == top and top > 0 else 1)
            ax.yaxis.set_major_locator(AutoLocator())
            ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.set_ylabel("Share reaching CEN" if f["measure"] == "coverage" else "Days", fontsize=9)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        buf = io.BytesIO()
        with matplotlib.rc_context(SVG):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        src = base64.b64encode(buf.getvalue()).decode()
        self.chart.value = (
            f'<img class="cenq-chart" alt="{html.escape(self.summary)}" '
            f'src="data:image/svg+xml;base64,{src}">'
        )

    def _draw_table(self, f: dict) -> None:
        t = self.views["table"]
        drawn = t.index.isin(f["countries"][:MAX_LINES])
        shown = pd.DataFrame(
            {
                "name": np.where(drawn, "▶ ", "") + t["name"],
                "rilo": t["rilo"],
                "true_seizures": t["true_seizures"].map("{:,}".format),
                "reported_seizures": t["reported_seizures"].map("{:,}".format),
                "share_reported": t["share_reported"].map("{:.1%}".format),
                "median_delay_days": t["median_delay_days"].map("{:.0f}".format),
                "late_share": t["late_share"].map("{:.1%}".format),
                "adopted": t["adopted"].dt.strftime("%b %Y"),
                "automated_from": t["automated_from"].dt.strftime("%b %Y"),
            }
        ).replace({"nan": "–", "nan%": "–"})
        shown = shown.fillna("–").rename(columns=rp.TABLE_COLUMNS)
        body = shown.to_html(index=False, border=0, classes="cenq")
        self.table.value = f'{TABLE_STYLE}<div class="cenq-table">{body}</div>'


def _pick(w: widgets.ToggleButtons, value, name: str) -> None:
    offered = [v for _, v in w.options]
    if value not in offered:
        raise ValueError(f"{name}: {value!r} not on offer; choose from {offered}")
    w.value = value


def _figure() -> Figure:
    """One figure, made once and redrawn in place, with fixed margins (room for the legend)."""
    fig = Figure(figsize=(9.4, 3.8), dpi=100)
    ax = fig.add_subplot()
    fig.text(0.01, 0.97, "", fontsize=11, va="top")
    fig.subplots_adjust(left=0.08, right=0.72, top=0.86, bottom=0.09)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    return fig


def _marks(ax, marks: pd.DataFrame, styles: dict[str, dict]) -> None:
    """A vertical line at each automated transfer switch-on: in the country's colour and dash
    when it is drawn, thin grey otherwise; labelled with the country code (staggered)."""
    labelled = bool(styles) or len(marks) <= MAX_MARK_LABELS
    spot = ax.get_xaxis_transform()  # x in data, y in axes fractions
    for i, (code, when) in enumerate(zip(marks["country"], marks["automated_from"])):
        style = styles.get(code, {"color": "#555555", "linestyle": ":"})
        ax.axvline(when, color=style["color"], linestyle=style["linestyle"], linewidth=1.1)
        if labelled:
            ax.text(when, 0.99 - 0.05 * (i % 3), f" {code}", transform=spot, fontsize=7.5,
                    va="top", color=style["color"])  # fmt: skip
    if len(marks):  # one legend entry for every mark
        ax.plot([], [], color="#555555", linestyle=":", label="Automated transfer switched on")
