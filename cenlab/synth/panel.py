"""``make_reporting_panel``: a world of administrations reporting their seizures to CEN, monthly.

Each country makes true seizures (what nCEN or its national system holds); a share of them reaches
CEN, after a delay, depending on how the country reports. Some countries adopt nCEN, in a
staggered way, and later switch on the automated transfer to CEN, which raises the share reported
and cuts the delay. Adopters are not a random draw: the better reporters adopt, and adopt first,
and everyone improves over time anyway, so a naive before/after or adopters-versus-others
comparison is biased; the true effect comes back with ``return_truth=True``.

Generation is an ordered pipeline of small steps (``STEPS``), each with its own random stream:
the same seed gives the same bytes. Countries are arrays of ``n``, country-months arrays of
``n * months`` (country-major), seizures one row each; no Python loop over rows.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cenlab.files.dates import day
from cenlab.reference import panel as ref
from cenlab.reference.regions import COUNTRY_REGION, COUNTRY_RILO, REGION_SEIZURES
from cenlab.reference.reporting import LATE_AFTER_DAYS, MODE_SHARES, REPORTING_MODES
from cenlab.seeding import check_seed, make_rng
from cenlab.synth.options import keyword_options

MANUAL_MODES = ["by hand", "spreadsheet upload"]  # the modes before nCEN, slowest first
AUTOMATED = "automated nCEN transfer"


@dataclass
class ReportingPanel:
    """A reporting panel: ``countries`` (one row each), ``monthly`` (country x month) and
    ``seizures`` (one row per true seizure)."""

    countries: pd.DataFrame
    monthly: pd.DataFrame
    seizures: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"countries": self.countries, "monthly": self.monthly, "seizures": self.seizures}


@dataclass
class PanelTruth:
    """The true effect of the automated transfer, to check an estimate against.

    ``share_reported_pp`` (percentage points) and ``median_delay_days`` (days, negative = faster)
    average the effect over every automated country-month once the switch-over is complete
    (``months_since_switch >= full_from``); ``by_event_time`` gives the average effect per month
    since the switch (for an event-study chart), ``by_country`` the full effect per country.
    """

    share_reported_pp: float
    median_delay_days: float
    full_from: int
    by_event_time: pd.DataFrame
    by_country: pd.DataFrame

    def average(self, first: int | None = None, last: int | None = None) -> dict[str, float]:
        """The true effect averaged from month ``first`` to ``last`` since the switch (default:
        from ``full_from`` to the end), each month weighted by its country count, as
        ``quality.impact.did`` averages its estimates. Keys: share_reported_pp, median_delay_days.
        """
        e = self.by_event_time
        first = self.full_from if first is None else first
        last = int(e["months_since_switch"].max()) if last is None else last
        rows = e[e["months_since_switch"].between(first, last)]
        n = rows["countries"]
        return {
            k: float((rows[k] * n).sum() / n.sum())
            for k in ["share_reported_pp", "median_delay_days"]
        }


# --- the steps: each takes (state, rng) and adds arrays to ``state`` ---------------------------


def _countries(w, rng):
    """Which countries: ``n`` real ISO codes from the regions table, in alphabetical order."""
    table = np.array(sorted(COUNTRY_REGION))
    w["code"] = np.sort(table[rng.choice(len(table), w["n"], replace=False)])
    w["region"] = np.array([COUNTRY_REGION[c] for c in w["code"]])
    w["rilo"] = np.array([COUNTRY_RILO[c] for c in w["code"]])


def _sizes(w, rng):
    """Mean monthly seizures per country: its region's ITR share times a lognormal country effect,
    scaled so that countries average ``seizures_per_month``."""
    regions, counts = np.unique(list(COUNTRY_REGION.values()), return_counts=True)
    per_country = dict(zip(regions, [REGION_SEIZURES[r] / k for r, k in zip(regions, counts)]))
    size = np.array([per_country[r] for r in w["region"]]) ** ref.REGION_SIZE_POWER
    size = size * np.exp(ref.SIZE_SIGMA * rng.standard_normal(w["n"]))
    w["size"] = size / size.mean() * w["seizures_per_month"]
    w["growth"] = rng.normal(ref.GROWTH_MEAN, ref.GROWTH_SD, w["n"])


def _capacity_and_mode(w, rng):
    """A hidden reporting capacity per country; better-equipped countries report by spreadsheet
    upload more often than by hand."""
    z = rng.standard_normal(w["n"])
    q = MODE_SHARES[MANUAL_MODES[1]] / sum(MODE_SHARES[m] for m in MANUAL_MODES)
    logit = np.log(q / (1 - q)) + ref.CAPACITY_EFFECT["spreadsheet_logit"] * z
    w["capacity"], w["mode"] = z, (rng.random(w["n"]) < 1 / (1 + np.exp(-logit))).astype(int)


def _adoption(w, rng):
    """Who adopts nCEN (the highest propensities), when (the most capable first, over the adoption
    window) and when each switches on the automated transfer (after a lag). Month indices;
    ``months`` (past the end) means never within the panel."""
    n, months, k = w["n"], w["months"], w["adopters"]
    propensity = ref.ADOPTION_SELECTION * w["capacity"] + rng.standard_normal(n)
    adopters = np.argsort(-propensity, kind="stable")[:k]
    first = np.argsort(-(w["capacity"][adopters] + ref.TIMING_NOISE * rng.standard_normal(k)))
    lo, hi = (int(f * months) for f in ref.ADOPTION_WINDOW)
    when = np.sort(rng.integers(lo, max(hi, lo + 1), k))
    adopted = np.full(n, months)
    adopted[adopters[first]] = when
    lag = rng.integers(ref.SWITCH_LAG_MONTHS[0], ref.SWITCH_LAG_MONTHS[1] + 1, n)
    w["adopted"] = adopted
    w["switch"] = np.where(adopted < months, np.minimum(adopted + lag, months), months)


def _true_seizures(w, rng):
    """True seizures per country-month: size x season x growth x noise, Poisson counts."""
    n, months = w["n"], w["months"]
    years = np.arange(months) / 12
    calendar = (w["start"].month - 1 + np.arange(months)) % 12 + 1
    season = 1 + ref.SEASONALITY * np.cos(2 * np.pi * (calendar - ref.SEASON_PEAK_MONTH) / 12)
    growth = np.exp(np.outer(w["growth"], years - years.mean()))
    noise = np.exp(ref.MONTH_NOISE * rng.standard_normal((n, months)) - ref.MONTH_NOISE**2 / 2)
    w["expected"] = w["size"][:, None] * season[None, :] * growth * noise
    w["true"] = rng.poisson(w["expected"]).ravel()


def _without_automation(w, rng):
    """Per country-month, the share reaching CEN and the median delay without the automated
    transfer: the old mode, moved by capacity, plus the trend everyone shares and the Charter
    step (from June 2021). Stays what would have happened, for the truth."""
    t, cap, z = ref.COMMON_TREND, ref.CAPACITY_EFFECT, w["capacity"]
    modes = [REPORTING_MODES[m] for m in MANUAL_MODES]
    w["share_mode"] = np.array([m["share_reported"] for m in modes])[w["mode"]]
    w["base_delay"] = np.array([m["delay_median_days"] for m in modes])[w["mode"]] * np.exp(
        cap["delay_log"] * z
    )
    w["sigma_mode"] = np.array([m["delay_sigma"] for m in modes])[w["mode"]]
    years = np.arange(w["months"]) / 12
    after = pd.date_range(w["start"], periods=w["months"], freq="MS") >= t["charter_month"]
    share = (w["share_mode"] + cap["share"] * z)[:, None] + t["share_per_year"] * years
    w["share0"] = np.clip(share + t["charter_share"] * after, *ref.SHARE_BOUNDS)
    delay = w["base_delay"][:, None] + t["delay_per_year"] * years + t["charter_delay"] * after
    w["delay0"] = np.maximum(delay, ref.MIN_MANUAL_DELAY_DAYS)


def _automation(w, rng):
    """From its switch on, each country closes part of the gap between its old mode and the
    automated one (``REPORTING_MODES``), in share and in delay, built up over ``RAMP_MONTHS``."""
    auto = REPORTING_MODES[AUTOMATED]
    closed = w["effect_scale"] * rng.beta(*ref.GAP_CLOSED_BETA, w["n"])
    w["since"] = np.arange(w["months"])[None, :] - w["switch"][:, None]
    ramp = np.clip((w["since"] + 1) / ref.RAMP_MONTHS, 0, 1)
    gain = (closed * (auto["share_reported"] - w["share_mode"]))[:, None]
    w["share"] = np.clip(w["share0"] + ramp * gain, *ref.SHARE_BOUNDS)
    cut = (closed * (w["base_delay"] - auto["delay_median_days"]))[:, None]
    floor = min(auto["delay_median_days"], ref.MIN_MANUAL_DELAY_DAYS)
    w["delay"] = np.where(ramp > 0, np.maximum(w["delay0"] - ramp * cut, floor), w["delay0"])
    sigma = w["sigma_mode"][:, None]
    w["sigma"] = sigma + ramp * (auto["delay_sigma"] - sigma)


def _seizure_rows(w, rng):
    """One row per true seizure: a day in its month, reported or not with the month's share, and a
    lognormal delay around the month's median (whole days)."""
    months, cells = w["months"], w["n"] * w["months"]
    first_days = pd.date_range(w["start"], periods=months + 1, freq="MS").to_numpy("datetime64[D]")
    length = np.diff(first_days).astype(np.int64)
    cell = np.repeat(np.arange(cells), w["true"])
    offset = (rng.random(len(cell)) * length[cell % months]).astype(np.int64)
    key = np.sort(cell * 32 + offset)  # seizures in date order within each country-month
    cell, offset = key // 32, key % 32
    reported = rng.random(len(cell)) < w["share"].ravel()[cell]
    median, sigma = w["delay"].ravel()[cell], w["sigma"].ravel()[cell]
    delay = np.rint(median * np.exp(sigma * rng.standard_normal(len(cell)))).astype(np.int64)
    seized = first_days[:-1][cell % months] + offset
    if w["as_of"] is not None:
        reported &= seized + delay <= np.datetime64(w["as_of"].date(), "D")
    w["cell"], w["seized"], w["reported"], w["delay_days"] = cell, seized, reported, delay


# The order matters: countries and their size first; capacity decides both the old reporting mode
# and nCEN adoption (that is the selection bias); reporting without automation is the baseline the
# switch then changes; the seizure rows draw from the resulting shares and delays.
STEPS = [_countries, _sizes, _capacity_and_mode, _adoption, _true_seizures, _without_automation,
         _automation, _seizure_rows]  # fmt: skip


@keyword_options
def make_reporting_panel(
    n_countries: int = 180,
    *,
    years: int = 10,
    start="2016-01",
    seed: int = 0,
    adopters: int | None = None,
    seizures_per_month: float = ref.SEIZURES_PER_MONTH,
    effect_scale: float = 1.0,
    as_of=None,
    return_truth: bool = False,
):
    """A panel of ``n_countries`` administrations over ``years`` of monthly reporting to CEN.

    ``start`` is the first month (a date inside it); ``adopters`` the number of countries on nCEN
    by the end (default: ``ADOPTER_SHARE`` of them, about 50 of 180); ``seizures_per_month`` the
    mean true seizures per country-month; ``effect_scale`` multiplies the effect of the automated
    transfer (0: automation changes nothing, a placebo world). Without ``as_of`` a seizure counts
    as reported if it ever reaches CEN (``reported_date`` may fall after the panel); with it, only
    if it reached CEN by that day. Returns a ``ReportingPanel``; with ``return_truth=True`` the
    pair ``(panel, PanelTruth)``.
    """
    w = _setup(n_countries, years, start, seed, adopters, seizures_per_month, effect_scale, as_of)
    for step in STEPS:
        step(w, make_rng(w["seed"], stream=f"panel.{step.__name__.lstrip('_')}"))
    panel = ReportingPanel(_countries_frame(w), _monthly_frame(w), _seizures_frame(w))
    return (panel, _truth(w)) if return_truth else panel


def _setup(n, years, start, seed, adopters, seizures_per_month, effect_scale, as_of) -> dict:
    """Check the options and return the state the steps fill in."""
    most = len(COUNTRY_REGION)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= most:
        raise ValueError(f"n_countries must be a whole number from 1 to {most}, got {n!r}")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 2:
        raise ValueError(f"years must be a whole number, 2 or more, got {years!r}")
    if adopters is None:
        adopters = round(ref.ADOPTER_SHARE * n)
    if isinstance(adopters, bool) or not isinstance(adopters, (int, np.integer)):
        raise ValueError(f"adopters must be a whole number, got {adopters!r}")
    if not 0 <= adopters <= n:
        raise ValueError(f"adopters must be between 0 and n_countries ({n}), got {adopters}")
    if not isinstance(seizures_per_month, numbers.Real) or not seizures_per_month > 0:
        raise ValueError(f"seizures_per_month must be above 0, got {seizures_per_month!r}")
    if not isinstance(effect_scale, numbers.Real) or not 0 <= effect_scale <= 1.5:
        raise ValueError(f"effect_scale must be between 0 and 1.5, got {effect_scale!r}")
    return {
        "n": int(n), "months": 12 * int(years), "start": day(start, "start").replace(day=1),
        "seed": check_seed(seed), "adopters": int(adopters),
        "seizures_per_month": float(seizures_per_month), "effect_scale": float(effect_scale),
        "as_of": None if as_of is None else day(as_of, "as_of"),
    }  # fmt: skip


def _month_index(w) -> pd.DatetimeIndex:
    return pd.date_range(w["start"], periods=w["months"], freq="MS")


def _at(w, index: np.ndarray) -> np.ndarray:
    """Month indices as month-start dates, NaT for "not within the panel"."""
    months = _month_index(w).to_numpy()
    return np.where(
        index < w["months"], months[np.minimum(index, w["months"] - 1)], np.datetime64("NaT")
    )


def _countries_frame(w) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": pd.Categorical(w["code"]),
            "region": pd.Categorical(w["region"]),
            "rilo": pd.Categorical(w["rilo"]),
            "mode": pd.Categorical.from_codes(w["mode"], categories=MANUAL_MODES),
            "adopted": _at(w, w["adopted"]).astype("datetime64[ns]"),
            "automated_from": _at(w, w["switch"]).astype("datetime64[ns]"),
        }
    )


def _monthly_frame(w) -> pd.DataFrame:
    """Country x month, aggregated from the seizure rows: counts, share and median delay."""
    n, months = w["n"], w["months"]
    cells = n * months
    cell, reported, delay = w["cell"], w["reported"], w["delay_days"]
    n_reported = np.bincount(cell[reported], minlength=cells)
    late = np.bincount(cell[reported & (delay > LATE_AFTER_DAYS)], minlength=cells)
    # Median delay per cell without a groupby: sort the reported delays by (cell, delay), then
    # read the middle one (or the two middle ones) of each cell's run.
    key = np.sort(cell[reported] * 2**20 + np.minimum(delay[reported], 2**20 - 1))
    sorted_delay = np.append(key % 2**20, 0)  # one spare so that empty cells index safely
    begin = np.cumsum(n_reported) - n_reported
    middle = sorted_delay[begin + (n_reported - 1) // 2] + sorted_delay[begin + n_reported // 2]
    median = np.where(n_reported > 0, middle / 2, np.nan)
    true = w["true"]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(true > 0, n_reported / true, np.nan)
    rows = np.repeat(np.arange(n), months)
    return pd.DataFrame(
        {
            "country": pd.Categorical(w["code"][rows]),
            "region": pd.Categorical(w["region"][rows]),
            "rilo": pd.Categorical(w["rilo"][rows]),
            "month": np.tile(_month_index(w).to_numpy().astype("datetime64[ns]"), n),
            "true_seizures": true,
            "reported_seizures": n_reported,
            "late_seizures": late,
            "share_reported": share,
            "median_delay_days": median,
            "automated": (w["since"] >= 0).ravel(),
        }
    )


def _seizures_frame(w) -> pd.DataFrame:
    rows = w["cell"] // w["months"]
    reported_date = np.where(
        w["reported"], w["seized"] + w["delay_days"], np.datetime64("NaT", "D")
    )
    return pd.DataFrame(
        {
            "country": pd.Categorical.from_codes(rows, categories=list(w["code"])),
            "seizure_date": w["seized"].astype("datetime64[ns]"),
            "reported": w["reported"],
            "reported_date": reported_date.astype("datetime64[ns]"),
        }
    )


def _truth(w) -> PanelTruth:
    """The effect in the model (expected share and median delay, with minus without automation)
    over the automated country-months, per month since the switch and per country."""
    since, full_from = w["since"], ref.RAMP_MONTHS - 1
    effects = {"share_reported_pp": 100 * (w["share"] - w["share0"]),
               "median_delay_days": w["delay"] - w["delay0"]}  # fmt: skip
    on, full = since >= 0, since >= full_from
    by_e = pd.DataFrame({"months_since_switch": since[on]} | {k: v[on] for k, v in effects.items()})
    by_e = by_e.groupby("months_since_switch").agg(
        share_reported_pp=("share_reported_pp", "mean"),
        median_delay_days=("median_delay_days", "mean"),
        countries=("share_reported_pp", "size"),
    )
    cells = pd.DataFrame({"country": np.repeat(w["code"], w["months"])[full.ravel()]})
    cells = cells.assign(**{k: v[full] for k, v in effects.items()})
    by_country = cells.groupby("country", sort=True).mean().reset_index()
    switch = dict(zip(w["code"], _at(w, w["switch"]).astype("datetime64[ns]")))
    by_country.insert(1, "automated_from", by_country["country"].map(switch))
    return PanelTruth(
        share_reported_pp=float(effects["share_reported_pp"][full].mean())
        if full.any()
        else np.nan,
        median_delay_days=float(effects["median_delay_days"][full].mean())
        if full.any()
        else np.nan,
        full_from=full_from,
        by_event_time=by_e.reset_index(),
        by_country=by_country,
    )
