"""The CEN dashboard: ipywidgets filters, headline figures and matplotlib charts over seizures.

A thin view: every number on screen comes from a function in :mod:`cenlab.analysis`, so what a
trainee computes in a notebook and what the dashboard shows always agree. Each change filters
once; a chart is redrawn only when its numbers changed, into a matplotlib figure made once and
kept. Served with Voilà, it works for people who do not write code.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from cenlab import analysis
from cenlab.reference.regions import REGIONS
from cenlab.schema import country_name
from cenlab.ui.controls import SVG, HeldRedraw, choose, month_index

# Chart name -> title; the order is the order on the page.
CHARTS = {
    "trend": "By month and section",
    "sections": "Sections",
    "commodities": "Commodities",
    "routes": "Top routes (departure → destination)",
    "detection": "Detection methods",
    "concealment": "Concealment",
    "locations": "Location types",
}
# Filter lists, named as in analysis.filter_seizures -> (heading, width on screen).
LISTS = {
    "regions": ("WCO region", "290px"),
    "countries": ("Reporting country", "230px"),
    "sections": ("Section", "190px"),
    "commodities": ("Commodity", "220px"),
    "directions": ("Direction", "100px"),
}
FILTERS = ("start", "end", *LISTS)
MEASURE_LABELS = {"seizures": "Seizures", "cases": "Cases"}
CARD = (
    '<div style="border:1px solid #ccc;border-radius:6px;padding:6px 14px;margin-right:8px;'
    'min-width:150px"><div style="color:#555">{label}</div>'
    '<div style="font-size:{size};font-weight:bold">{text}</div></div>'
)
HELP = (
    "<i>Click a name to choose it; hold Ctrl (Cmd on a Mac) to choose several. "
    "Nothing chosen in a list means all of it.</i>"
)


class CENDashboard(HeldRedraw):
    """An interactive CEN dashboard over a seizure frame (one row per seizure).

    Show it by leaving it as the last line of a notebook cell. ``set_filters`` changes the
    filters as a user would; ``headline``, ``frame`` and ``views`` hold what is on screen.
    """

    def __init__(self, df: pd.DataFrame, *, top: int = 10):
        self.data = analysis.prepare_seizures(df)
        self.top = top
        self.countries_in = analysis.hierarchy(self.data, "region", "reporting_country")
        self.commodities_in = analysis.hierarchy(self.data, "section", "commodity")
        self.colours = {s: f"C{i}" for i, s in enumerate(sorted(self.commodities_in))}
        self.headline: dict = {}
        self.views: dict[str, pd.DataFrame] = {}
        self.redraws = dict.fromkeys(CHARTS, 0)
        self._drawn_as: dict[str, str] = {}  # chart -> measure it was last drawn with
        self._holding = 0  # > 0 while several widgets change at once
        self._build_controls()
        self.cards = {k: widgets.HTML() for k in ("cases", "seizures", "value_usd", "quantity")}
        self.status = widgets.HTML()
        self.figures = {k: _figure(wide=k == "trend") for k in CHARTS}
        self.images = {k: widgets.Image(format="svg+xml") for k in CHARTS}
        self.widget = self._layout()
        self.refresh()

    def set_filters(self, **filters) -> None:
        """Set filters as a user would (names as in ``analysis.filter_seizures``, plus
        ``measure``), then redraw once. ``start``/``end`` snap to whole months."""
        unknown = sorted(set(filters) - set(FILTERS) - {"measure"})
        if unknown:
            raise ValueError(f"unknown filter {unknown}; choose from {[*FILTERS, 'measure']}")
        months = [m for _, m in self.period.options]
        lo, hi = self.period.index
        with self._hold():
            if "start" in filters:
                lo = month_index(months, filters["start"], default=0)
            if "end" in filters:
                hi = month_index(months, filters["end"], default=len(months) - 1)
            self.period.index = (lo, hi)
            for name in LISTS:  # regions before countries: choosing one narrows the other
                if name in filters:
                    choose(self.lists[name], filters[name] or (), name=name)
            if "measure" in filters:
                self.measure.value = filters["measure"]
        self.refresh()

    @property
    def filters(self) -> dict:
        """The current filters, as keyword arguments for ``analysis.filter_seizures``."""
        start, end = self.period.value
        lists = {name: list(w.value) or None for name, w in self.lists.items()}
        return {"start": start, "end": end + pd.offsets.MonthEnd(0), **lists}

    def refresh(self) -> None:
        """Filter, recompute every view, and redraw the charts whose numbers changed."""
        f, m, top = self.filters, self.measure.value, self.top
        frame = self.frame = analysis.filter_seizures(self.data, **f)
        self.headline = analysis.headline(frame)
        self._show_headline()
        views = {
            "trend": analysis.monthly_trend(
                frame, by="section", measure=m, start=f["start"], end=f["end"]
            ),
            "sections": analysis.shares(frame, "section", measure=m),
            "commodities": analysis.top_n(frame, "commodity", top, measure=m, other="Other"),
            "routes": analysis.top_routes(frame, top, measure=m),
            "detection": analysis.shares(frame, "detection_method", measure=m),
            "concealment": analysis.shares(frame, "concealment", measure=m),
            "locations": analysis.shares(frame, "location_type", measure=m),
        }
        for name, view in views.items():
            old = self.views.get(name)
            if old is None or self._drawn_as[name] != m or not old.equals(view):
                self.views[name], self._drawn_as[name] = view, m
                self._draw(name, view)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- widgets ------------------------------------------------------------------------

    def _build_controls(self) -> None:
        months = analysis.monthly_trend(self.data).index
        self.period = widgets.SelectionRangeSlider(
            options=[(f"{m:%b %Y}", m) for m in months],
            index=(0, len(months) - 1),
            continuous_update=False,
            description="Period",
            layout=widgets.Layout(width="560px"),
            style={"description_width": "50px"},
        )
        sections = sorted(self.commodities_in)
        options = {
            "regions": [(f"{REGIONS.get(r, r)} ({r})", r) for r in sorted(self.countries_in)],
            "countries": _country_options(self.countries_in, ()),
            "sections": sections,
            "commodities": _union(self.commodities_in, sections),
            "directions": sorted(self.data["direction"].dropna().astype(str).unique()),
        }
        self.lists = {
            name: widgets.SelectMultiple(
                options=_pairs(options[name]), rows=7, layout=widgets.Layout(width=width)
            )
            for name, (_, width) in LISTS.items()
        }
        self.measure = widgets.ToggleButtons(
            options=[(v, k) for k, v in MEASURE_LABELS.items()],
            description="Count",
            style={"button_width": "80px", "description_width": "45px"},
        )
        self.clear = widgets.Button(description="Clear filters", icon="times")
        self.clear.on_click(lambda _: self.set_filters(**dict.fromkeys(FILTERS)))
        countries, commodities = self.lists["countries"], self.lists["commodities"]
        self.lists["regions"].observe(
            lambda c: self._narrow(countries, _country_options(self.countries_in, c.new)), "value"
        )
        self.lists["sections"].observe(
            lambda c: self._narrow(commodities, _pairs(_union(self.commodities_in, c.new))), "value"
        )
        for w in [self.period, self.measure, countries, commodities, self.lists["directions"]]:
            w.observe(self._on_change, "value")

    def _layout(self) -> widgets.Widget:
        heads = {name: widgets.HTML(f"<b>{head}</b>") for name, (head, _) in LISTS.items()}
        lists = widgets.HBox([widgets.VBox([heads[k], w]) for k, w in self.lists.items()])
        controls = widgets.HBox(
            [self.period, self.measure, self.clear],
            layout=widgets.Layout(align_items="center", grid_gap="24px"),
        )
        grid = widgets.GridBox(
            [self.images[k] for k in CHARTS if k != "trend"],
            layout=widgets.Layout(grid_template_columns="repeat(2, 580px)", grid_gap="8px"),
        )
        cards = widgets.HBox(list(self.cards.values()))
        parts = [controls, lists, widgets.HTML(HELP), self.status, cards, self.images["trend"]]
        return widgets.VBox([*parts, grid], layout=widgets.Layout(padding="4px"))

    def _narrow(self, child: widgets.SelectMultiple, options) -> None:
        """Offer ``options`` in ``child`` (countries of the chosen regions, commodities of the
        chosen sections), keeping whatever was chosen and is still offered."""
        with self._hold():
            kept = child.value
            child.options = options
            choose(child, kept)
        self._on_change()

    # --- drawing ------------------------------------------------------------------------

    def _show_headline(self) -> None:
        h = self.headline
        qty = "<br>".join(f"{_amount(q)} {u}" for u, q in h["quantity"].items()) or "–"
        texts = {
            "cases": ("Cases", _number(h["cases"])),
            "seizures": ("Seizures", _number(h["seizures"])),
            "value_usd": ("Value (USD)", _amount(h["value_usd"])),
            "quantity": ("Quantity", qty),
        }
        for key, (label, text) in texts.items():
            size = "13px;line-height:1.35" if key == "quantity" else "26px"
            self.cards[key].value = CARD.format(label=label, size=size, text=text)
        total = _number(len(self.data))
        self.status.value = f"Showing {_number(h['seizures'])} of {total} seizures."

    def _draw(self, name: str, view: pd.DataFrame) -> None:
        fig = self.figures[name]
        ax, title = fig.axes[0], fig.texts[0]
        _wipe(ax)
        measure = MEASURE_LABELS[self.measure.value]
        title.set_text(f"{CHARTS[name]}: {measure.lower()}")
        if view.empty:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "No seizures match these filters", ha="center", va="center")
        elif name == "trend":
            _stacked_months(ax, view, self.colours)
            ax.set_ylabel(measure, fontsize=9)
        else:
            _bars(ax, view, measure=self.measure.value)
        buf = io.BytesIO()
        with matplotlib.rc_context(SVG):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        self.images[name].value = buf.getvalue()
        self.redraws[name] += 1


# --- helpers: options, labels and chart drawing -------------------------------------------


def _pairs(options) -> list[tuple[str, object]]:
    return [o if isinstance(o, tuple) else (str(o), o) for o in options]


def _union(children: dict[str, list[str]], parents) -> list[str]:
    """Sorted children of the chosen parents (of all parents when none is chosen)."""
    return sorted({c for p in parents or children for c in children[p]})


def _country_options(countries_in: dict[str, list[str]], regions) -> list[tuple[str, str]]:
    """Reporting countries of the chosen regions, labelled "Namibia (NA)", sorted by name."""
    return sorted((f"{country_name(c)} ({c})", c) for c in _union(countries_in, regions))


def _amount(x: float) -> str:
    """Large amounts in words a reader takes in at a glance: 3.63 billion, 52.5 million."""
    for size, word in [(1e9, "billion"), (1e6, "million")]:
        if abs(x) >= size:
            return f"{x / size:,.3g} {word}" if abs(x) < 1000 * size else f"{x / size:,.0f} {word}"
    return _number(x)


def _number(x: float) -> str:
    """12,345 for counts and large amounts; one decimal below 100 (0.4 kg)."""
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.1f}"


def _percent(share: float) -> str:
    """12.3%; "<0.1%" rather than a misleading 0.0% for a handful of seizures."""
    return "<0.1%" if 0 < share < 0.0005 else f"{share:.1%}"


def _figure(*, wide: bool) -> Figure:
    """A figure with one axes, a title and fixed margins, made once and redrawn in place
    (a fixed layout is much faster than ``tight_layout`` and keeps charts from jumping)."""
    fig = Figure(figsize=(11.6, 3.0) if wide else (5.7, 3.2), dpi=100)
    ax = fig.add_subplot()
    fig.text(0.01, 0.97, "", fontsize=11, va="top")
    if wide:
        fig.subplots_adjust(left=0.07, right=0.8, top=0.86, bottom=0.12)
    else:
        fig.subplots_adjust(left=0.36, right=0.97, top=0.88, bottom=0.02)
        ax.xaxis.set_visible(False)
        ax.spines[["bottom"]].set_visible(False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return fig


def _wipe(ax) -> None:
    """Remove what the last drawing added but keep the axes and its ticks, which
    ``ax.clear()`` would rebuild at some cost."""
    for artist in [*ax.patches, *ax.collections, *ax.texts]:
        artist.remove()
    ax.containers.clear()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_axis_on()


def _stacked_months(ax, wide: pd.DataFrame, colours: dict[str, str]) -> None:
    """Months stacked by section, as areas (a handful of artists: fast to draw)."""
    x = range(len(wide))
    colour = [colours.get(s, "grey") for s in wide.columns]
    ax.stackplot(x, wide.T.to_numpy(), labels=list(wide.columns), colors=colour, alpha=0.85)
    step = max(1, len(wide) // 12)
    ax.set_xticks(list(x)[::step], [f"{m:%b %y}" for m in wide.index[::step]])
    ax.set_xlim(0, max(len(wide) - 1, 1))
    ax.set_ylim(0, max(wide.sum(axis=1).max() * 1.05, 1))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _bars(ax, table: pd.DataFrame, *, measure: str) -> None:
    """Horizontal bars, largest on top, each labelled with its value and share."""
    bars = ax.barh(range(len(table)), table[measure], color="#2c6fad")
    values, shares = table[measure], table["share"]
    labels = [f" {_number(v)} ({_percent(s)})" for v, s in zip(values, shares, strict=True)]
    ax.bar_label(bars, labels, fontsize=8)
    ax.set_yticks(range(len(table)), [str(i) for i in table.index])
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xlim(0, max(values.max(), 1) * 1.35)
