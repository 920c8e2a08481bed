"""What the dashboard's quantity view shows, as pure functions over a reporting panel.

How much reaches CEN (coverage: the share of seizures reported) and how fast (the median
reporting delay), over time, for the whole world, a WCO region or a RILO, and for chosen
countries; the months their automated nCEN transfer was switched on; and a table of countries.
Inputs are ``make_reporting_panel(...)``'s ``monthly`` (one row per country and month) and
``countries`` (one row per country, with ``adopted`` and ``automated_from``). Every figure comes
from :func:`cenlab.quality.impact.coverage`, the function the coordination course uses; none
changes its input.
"""

from __future__ import annotations

import pandas as pd

from cenlab.quality.impact import coverage
from cenlab.reference.regions import REGIONS, RILO_REGION
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.schema import country_name

# Measure name -> (column of ``coverage``, label for people).
MEASURES = {
    "coverage": ("share_reported", "Coverage: share of seizures reaching CEN"),
    "delay": ("median_delay_days", "Reporting delay: median days to reach CEN"),
}
FREQS = {"M": "month", "Q": "quarter", "Y": "year"}
WORLD = "World (all countries)"
TABLE_COLUMNS = {  # column -> heading in the country table
    "name": "Country",
    "rilo": "RILO",
    "true_seizures": "Seizures made",
    "reported_seizures": "Reached CEN",
    "share_reported": "Coverage",
    "median_delay_days": "Median delay (days)",
    "late_share": f"Late (over {LATE_AFTER_DAYS} days)",
    "adopted": "nCEN adopted",
    "automated_from": "Automated transfer from",
}


def area_label(area: str | None) -> str:
    """An area as people read it: "Europe (EUR)" for a region code, a RILO by its name."""
    if area is None:
        return WORLD
    return f"{REGIONS[area]} ({area})" if area in REGIONS else area


def area_options(countries: pd.DataFrame) -> list[tuple[str, str | None]]:
    """The areas a panel covers, as (label, value): the world, then each region followed by its
    RILOs (indented), in the order of ``REGIONS``."""
    rilos = set(countries["rilo"].astype(str))
    regions = set(countries["region"].astype(str))
    options: list[tuple[str, str | None]] = [(WORLD, None)]
    for region in [r for r in REGIONS if r in regions]:
        options.append((area_label(region), region))
        inside = sorted(r for r in rilos if RILO_REGION.get(r) == region)
        options += [("\u2003" + r, r) for r in inside]
    return options


def in_area(frame: pd.DataFrame, area: str | None) -> pd.Series:
    """Rows of ``frame`` (with ``region`` and ``rilo``) inside ``area``: a region code, a RILO
    name, or None for all."""
    if area is None:
        return pd.Series(True, index=frame.index)
    if area in REGIONS:
        return frame["region"] == area
    if area in RILO_REGION:
        return frame["rilo"] == area
    raise ValueError(f"unknown area {area!r}; choose a region {sorted(REGIONS)} or a RILO name")


def select(monthly: pd.DataFrame, *, area=None, countries=None, start=None, end=None):
    """The rows of ``monthly`` inside ``area``, of ``countries`` (None: all) and from the month of
    ``start`` to the month of ``end`` (None: the panel's first or last)."""
    keep = in_area(monthly, area)
    if countries is not None:
        keep &= monthly["country"].isin(list(countries))
    if start is not None:
        keep &= monthly["month"] >= _month(start)
    if end is not None:
        keep &= monthly["month"] <= _month(end)
    return monthly[keep]


def trend(
    monthly: pd.DataFrame,
    measure: str = "coverage",
    *,
    area=None,
    countries=(),
    start=None,
    end=None,
    freq: str = "Q",
) -> pd.DataFrame:
    """``measure`` ("coverage" or "delay") per period (``freq``: "M", "Q" or "Y"), one column per
    line of the chart: the area's countries together, the world (for comparison, when the area
    is a region or a RILO), then each of ``countries`` ("Germany (DE)"). Index: the first day of
    each period; a period cut by ``start`` or ``end`` holds only the months inside."""
    column = _column(measure)
    if freq not in FREQS:
        raise ValueError(f"unknown freq {freq!r}; choose from {list(FREQS)}")
    period = {"start": start, "end": end}
    parts = {area_label(area): select(monthly, area=area, **period)}
    if area is not None:
        parts[WORLD] = select(monthly, **period)
    lines = [_by_period(df, column, freq).rename(name) for name, df in parts.items()]
    if countries:
        chosen = select(monthly, countries=countries, **period)
        wide = coverage(chosen, by="country", freq=freq).pivot(
            index="period", columns="country", values=column
        )
        wide.index = wide.index.to_timestamp()
        wide = wide.reindex(columns=list(countries))
        lines += [wide[c].rename(country_label(c)) for c in wide.columns]
    out = pd.concat(lines, axis=1) if lines else pd.DataFrame()
    out.index.name, out.columns.name = "period", measure
    return out


def adoption_marks(countries: pd.DataFrame, *, area=None, chosen=(), start=None, end=None):
    """The automated transfer switch-ons to mark on the chart: of the ``chosen`` countries if
    any, else of every country in ``area``, inside the period. Columns: ``country``, ``label``
    ("Germany (DE)"), ``adopted`` (nCEN) and ``automated_from``, in switch-on order."""
    rows = countries[countries["country"].isin(list(chosen))] if chosen else countries
    rows = rows[in_area(rows, area) & rows["automated_from"].notna()]
    when = rows["automated_from"]
    if start is not None:
        rows = rows[when >= _month(start)]
    if end is not None:
        rows = rows[rows["automated_from"] <= _month(end)]
    out = rows[["country", "adopted", "automated_from"]].assign(country=rows["country"].astype(str))
    out.insert(1, "label", out["country"].map(country_label))
    return out.sort_values(["automated_from", "country"], kind="stable").reset_index(drop=True)


def country_table(
    monthly: pd.DataFrame,
    countries: pd.DataFrame,
    measure: str = "coverage",
    *,
    area=None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """One row per country of ``area`` over the period: seizures made and reported, coverage,
    median delay, the share reported late and the nCEN dates. Sorted worst first for
    ``measure`` (lowest coverage, or longest delay), countries without data last. Index:
    country code; columns as ``TABLE_COLUMNS``."""
    column = _column(measure)
    per = coverage(select(monthly, area=area, start=start, end=end), by="country")
    per = per.assign(country=per["country"].astype(str)).set_index("country")
    facts = countries.assign(country=countries["country"].astype(str)).set_index("country")
    facts = facts.loc[per.index, ["rilo", "adopted", "automated_from"]]
    out = per.join(facts.assign(rilo=facts["rilo"].astype(str)))
    out["name"] = out.index.map(country_name)
    out = out.sort_values(column, ascending=measure == "coverage", na_position="last")
    return out[list(TABLE_COLUMNS)]


def describe(wide: pd.DataFrame, marks: pd.DataFrame, measure="coverage", freq="Q") -> str:
    """The chart in words, for people who cannot see it (the image's alt text): each line's
    first and last value, and the switch-ons marked."""
    if wide.empty or wide.isna().all().all():
        return "No chart: nothing was reported in this period."
    what = MEASURES[measure][1].split(":")[0].lower()
    span = f"{period_name(wide.index[0], freq)} to {period_name(wide.index[-1], freq)}"
    text = [f"Line chart of {what} by {FREQS[freq]}, {span}."]
    for name in wide.columns:
        values = wide[name].dropna()
        if values.empty:
            text.append(f"{name}: no data.")
        else:
            a, b = (_value(v, measure) for v in (values.iloc[0], values.iloc[-1]))
            when = [period_name(values.index[i], freq) for i in (0, -1)]
            text.append(f"{name}: {a} in {when[0]}, {b} in {when[1]}.")
    if len(marks):
        when = marks["country"] + " " + marks["automated_from"].dt.strftime("%b %Y")
        text.append(f"Automated transfer switched on (vertical lines): {', '.join(when)}.")
    return " ".join(text)


def period_name(first_day: pd.Timestamp, freq: str) -> str:
    """A period as people write it: "Mar 2021", "2021 Q1" or "2021"."""
    return {"M": f"{first_day:%b %Y}", "Q": f"{first_day.year} Q{first_day.quarter}"}.get(
        freq, str(first_day.year)
    )


# --- helpers ------------------------------------------------------------------------------------


def _column(measure: str) -> str:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose from {list(MEASURES)}")
    return MEASURES[measure][0]


def _month(when) -> pd.Timestamp:
    return pd.Timestamp(when).to_period("M").to_timestamp()


def _by_period(df: pd.DataFrame, column: str, freq: str) -> pd.Series:
    out = coverage(df, by=None, freq=freq).set_index("period")[column]
    out.index = out.index.to_timestamp()
    return out


def country_label(code) -> str:
    return f"{country_name(code)} ({code})"


def _value(v: float, measure: str) -> str:
    return f"{v:.0%}" if measure == "coverage" else f"{v:.0f} days"
