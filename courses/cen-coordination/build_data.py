"""Data files of the cen-coordination assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/cen-coordination/source/<assignment>``.
Both assignments share one synthetic world: 180 administrations reporting to CEN, month by month,
from January 2016 to December 2025 (``make_reporting_panel``), about 50 of them adopting nCEN and
switching on the automated transfer at different times.

- ``countries.csv``: one row per administration: region, RILO, how it reported before nCEN, when
  it adopted nCEN and when it switched on the automated transfer (empty: never in the panel).
- ``monthly.csv``: one row per country and month: seizures held nationally (``true_seizures``),
  those that reached CEN, those that came late, the month's median reporting delay and whether
  the automated transfer was on. ``share_reported`` is left out: the notebooks compute it on
  reading (reported over true), which keeps the file small.
- ``seizures.csv`` (assignment 1 only): the seizures of 2025, one row each, with the day each
  reached CEN (empty if it never did).
- ``truth.csv`` (assignment 2 only): the true effect of the automated transfer by month since the
  switch, which only a synthetic world can give. It holds no autograded answer: the answers are
  estimates from ``monthly.csv``, and the hidden tests recompute them from it.

Each trainee gets a world of their own (``build(..., variant=k)``, ``personal_tables``): the same
model from another seed, with the teaching cases built in (``TEACHING``) and checked
(``teaching_problems``). It is made the short way: the model's country and country-month steps,
then one row per seizure only where a file needs them (the seizures of 2025); every other month's
reported and late counts and median delay are drawn directly, from the same distributions. It
runs ``cenlab.synth.panel``'s own steps (``STEPS``, ``_setup``, ``_truth``), so the model stays
the library's: a change there changes the committed files' check and these alike.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from cenlab.files import atomic_write, write_tables
from cenlab.reference.reporting import LATE_AFTER_DAYS
from cenlab.seeding import make_rng
from cenlab.synth import make_reporting_panel
from cenlab.synth import panel as model

# Fewer seizures per country-month than the default (92) keep the files to a few MB; the
# event-study estimate still lands within a point of the truth on this seed.
WORLD = {"n_countries": 180, "years": 10, "start": "2016-01", "seed": 7, "seizures_per_month": 30.0}
ASSIGNMENTS = {
    # The last three years of the panel, and the seizure rows of 2025 for delays and the quarter.
    "01-how-much-reaches-cen": {"from_month": "2023-01-01", "seizures_year": 2025},
    # The whole panel, and the truth for the last section.
    "02-did-automation-help": {"from_month": "2016-01-01", "seizures_year": None},
}


@lru_cache(maxsize=1)
def world():
    """The panel and its truth (one call, about a second)."""
    return make_reporting_panel(WORLD["n_countries"], return_truth=True,
                                **{k: v for k, v in WORLD.items() if k != "n_countries"})  # fmt: skip


def build(assignment: str, out, *, variant=None) -> list:
    """Write the data files of ``assignment`` into ``out``: the committed world, or with
    ``variant`` (a seed) one trainee's own."""
    if variant is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in personal_tables(assignment, variant).items():
            paths.append(out / f"{name}.csv")
            atomic_write(paths[-1], csv_text(table).encode())
        return paths
    spec = ASSIGNMENTS[assignment]
    panel, truth = world()
    monthly = panel.monthly.drop(columns=["share_reported"])
    tables = {
        "countries": panel.countries,
        "monthly": monthly[monthly["month"] >= spec["from_month"]],
    }
    if spec["seizures_year"] is not None:
        s = panel.seizures
        tables["seizures"] = s[s["seizure_date"].dt.year == spec["seizures_year"]]
    else:
        tables["truth"] = truth.by_event_time
    return write_tables(tables, out)


# --- one trainee's world ------------------------------------------------------------------------

RILO = "RILO West Africa"  # the RILO of assignment 1's quarterly report
MIN_SEIZURES = 100  # assignment 1's "fair league" threshold
MIN_ADOPTER_SIZE = 10.0  # mean seizures a month of an nCEN adopter, at least
# What every trainee's world holds (the notebooks' text, and the wrong methods the committed wrong
# submissions use, rely on them):
TEACHING = {
    "01 coverage": "the average of the country-month shares is at least half a point away from "
    "the share of all seizures; months range from a handful of seizures to a few hundred; the "
    "country that loses most seizures is not the one with the lowest share",
    "01 league": "the top of the 2025 league is one small automated administration (a few dozen "
    "seizures, all reported); most of the top ten are automated; some country held 100 or more "
    "seizures but reported fewer than 100",
    "01 delays": "a median delay of at most four weeks, a tail past a year, a mean above the median",
    "01 RILO": f"every member of {RILO} seized something in the last quarter of 2025, three or "
    "more only a handful; those reporting nearly all within a week are mostly automated; some of "
    "the quarter's seizures reached CEN after the end of January 2026",
    "02 design": "several countries switched during 2020; the never-automated improved; in 2016 "
    "early adopters reported more than late ones, and late ones more than the never-automated",
    "02 estimates": "both naive comparisons overstate the true effect by 3 points or more, the "
    "before/after about twice the difference-in-differences, which lands within 1.5 points of "
    "the truth; the event study stays near zero before the switch and well above it from month 2",
}
MAX_ATTEMPTS = 20
FIRST_MONTHS = {"2020": 48, "2021": 60, "2023": 84, "2025": 108}  # month indices from January 2016


def personal_tables(assignment: str, variant: int) -> dict:
    """One trainee's tables for ``assignment``: the committed world's design from seed
    ``variant``, with the teaching cases built in. A draw on which a check still fails is
    replaced by the next seed of the same variant: the result stays a pure function of it."""
    for attempt in range(MAX_ATTEMPTS):
        seed = (
            variant
            if attempt == 0
            else int(make_rng(variant, stream=f"retry{attempt}").integers(2**32))
        )
        w = _world(seed, rows=ASSIGNMENTS[assignment]["seizures_year"] is not None)
        if not teaching_problems(assignment, w):  # about one draw in twenty fails a check
            return _tables(assignment, w)
    raise RuntimeError(f"no world with every teaching case for variant {variant}")


def _world(seed: int, *, rows: bool) -> dict:
    """The model's state for ``seed`` (``cenlab.synth.panel``'s steps, without its seizure rows),
    cast so that the teaching cases hold, then the monthly counts, and the seizure rows of 2025
    when ``rows``."""
    w = model._setup(WORLD["n_countries"], WORLD["years"], WORLD["start"], seed, None,
                     WORLD["seizures_per_month"], 1.0, None)  # fmt: skip
    rng = make_rng(seed, stream="teaching")
    steps = {step.__name__.lstrip("_"): step for step in model.STEPS}
    for name in ["countries", "sizes", "capacity_and_mode", "adoption"]:
        steps[name](w, make_rng(seed, stream=f"panel.{name}"))
    _cast_adoption(w, rng)
    _cast_fast_members(w, steps, seed)
    for name in ["without_automation", "automation"]:  # they do not depend on the sizes
        steps[name](w, make_rng(seed, stream=f"panel.{name}"))
    _cast_sizes(w, rng)
    steps["true_seizures"](w, make_rng(seed, stream="panel.true_seizures"))
    _cast_quarter(w, rng)
    _monthly_counts(w, make_rng(seed, stream="cen.monthly"))
    if rows:
        _seizure_rows(w, make_rng(seed, stream="cen.rows"))
    return w


def _members(w) -> np.ndarray:
    return np.flatnonzero(w["rilo"] == RILO)


def _cast_adoption(w, rng) -> None:
    """Three or more countries switching during 2020: an adopter's lag set within 2020 where
    its adoption allows."""
    months = w["months"]
    lo, hi = FIRST_MONTHS["2020"], FIRST_MONTHS["2021"] - 1
    in_2020 = int(((w["switch"] >= lo) & (w["switch"] <= hi)).sum())
    movable = np.flatnonzero(
        (w["adopted"] < months) & ((w["switch"] < lo) | (w["switch"] > hi))
        & (w["adopted"] <= hi) & (w["adopted"] + 12 >= lo)
    )  # fmt: skip
    for k in rng.permutation(movable)[: max(0, int(rng.integers(3, 6)) - in_2020)]:
        w["switch"][k] = rng.integers(max(lo, w["adopted"][k]), min(hi, w["adopted"][k] + 12) + 1)


def _cast_fast_members(w, steps, seed: int) -> None:
    """Two members of ``RILO`` on the automated transfer since 2024 at the latest: those that
    would report the most, the fastest, once automated (a non-member adopter's dates go to the
    member, the member's to that adopter). ``_seizure_rows`` has them report all the seizures
    of the last quarter of 2025: the members that report nearly all within days are mostly
    automated."""
    months, members = w["months"], _members(w)
    probe = dict(w, switch=np.where(w["rilo"] == RILO, 0, w["switch"]))
    for name in ["without_automation", "automation"]:
        steps[name](probe, make_rng(seed, stream=f"panel.{name}"))
    quarter = slice(months - 3, months)
    share = probe["share"][members, quarter].mean(axis=1)
    delay = probe["delay"][members, quarter].mean(axis=1)
    fast = members[np.lexsort((-share, delay > 5))[:2]]
    early = FIRST_MONTHS["2025"] - 12
    for member in fast:
        if w["switch"][member] <= early:
            continue
        donors = np.flatnonzero((w["switch"] <= early) & (w["rilo"] != RILO))
        donor = donors[np.argmin(w["capacity"][donors])]
        for key in ["adopted", "switch"]:
            w[key][member], w[key][donor] = w[key][donor], w[key][member]
    w["fast"] = fast


def _cast_sizes(w, rng) -> None:
    """Sizes swapped between countries of one region: first so that no nCEN adopter makes fewer
    than ``MIN_ADOPTER_SIZE`` seizures a month (a national system is worth it; fewer would make
    the event study too noisy to read), then between never-adopters outside ``RILO`` until
    large administrations report a share of their seizures at least a point away from the
    average country's (so that the average of the shares is not the share of all seizures).
    One small administration, automated early, is made the top of assignment 1's league, and
    three or four members of ``RILO`` that never adopt small: a handful of seizures a quarter."""
    size, region = w["size"], w["region"]
    adopter, free = w["adopted"] < w["months"], w["rilo"] != RILO
    # The top of assignment 1's league: a small administration, automated before 2025 and among
    # the best reporters then.
    ready = np.flatnonzero(free & (w["switch"] <= FIRST_MONTHS["2025"] - 3))
    best = ready[np.argsort(-w["share"][ready, FIRST_MONTHS["2025"] :].mean(axis=1))[:5]]
    w["top"] = top = best[rng.integers(len(best))]
    size[top] = rng.uniform(35, 70) / _expected_2025(w, top)  # 35 to 70 seizures expected in 2025
    free = free & (np.arange(w["n"]) != top)
    others = np.arange(w["n"]) != top
    for k in np.flatnonzero(adopter & others & (size < MIN_ADOPTER_SIZE)):
        pool = np.flatnonzero(~adopter & others & (region == region[k]))
        pool = pool[size[pool] >= MIN_ADOPTER_SIZE]
        if len(pool):
            j = pool[np.argmin(size[pool])]
            size[k], size[j] = size[j], size[k]
        else:
            size[k] = MIN_ADOPTER_SIZE
    share = w["share"][:, FIRST_MONTHS["2023"] :].mean(axis=1)
    # The five lowest shares stay out of it, and no larger than the median: the country that
    # loses most seizures is not the one with the lowest share.
    for k in np.argsort(share)[:5]:
        pool = np.flatnonzero(free & ~adopter & (region == region[k]) & (size < size[k]))
        if free[k] and not adopter[k] and size[k] > np.median(size) and len(pool):
            j = pool[np.argmin(size[pool])]
            size[k], size[j] = size[j], size[k]
        free[k] = False
    # Then the swaps between countries that never adopt, so that the adopters stay as they are:
    # the large ones become the weaker reporters, which also keeps the late adopters (2021 and
    # later) ahead of the never-automated in 2016.
    free &= ~adopter
    same = (region[:, None] == region[None, :]) & free[:, None] & free[None, :]
    in_2016 = w["share"][:, :12].mean(axis=1)
    late = adopter & (w["switch"] >= FIRST_MONTHS["2021"])

    def ahead():  # the late adopters' share of their seizures of 2016, minus the never's
        return np.average(in_2016[late], weights=size[late]) - np.average(
            in_2016[~adopter], weights=size[~adopter]
        )

    for _ in range(60):
        gap = share.mean() - (size * share).sum() / size.sum()
        if gap >= 0.012 and ahead() >= 0.03:
            break
        # swapping the sizes of i and j widens the gap by this much
        move = (size[:, None] - size[None, :]) * (share[:, None] - share[None, :]) / size.sum()
        i, j = np.unravel_index(np.argmax(np.where(same, move, -np.inf)), move.shape)
        if not move[i, j] > 0:
            break
        size[i], size[j] = size[j], size[i]
    members = _members(w)
    members = members[w["adopted"][members] >= w["months"]]  # a tiny adopter: a noisy event study
    small = members[np.argsort(size[members])[: int(rng.integers(3, 5))]]
    # A quarter is about three months of the size; aim at 3 to 6 seizures in the quarter.
    size[small] = np.minimum(size[small], rng.uniform(1.0, 2.0, len(small)))
    w["small"] = small


def _expected_2025(w, k: int) -> float:
    """The seizures country ``k`` makes in 2025 per unit of size: its growth and the seasons, as
    ``cenlab.synth.panel._true_seizures`` has them (without the month-to-month noise)."""
    ref = model.ref
    years = np.arange(w["months"]) / 12
    growth = np.exp(w["growth"][k] * (years - years.mean()))[FIRST_MONTHS["2025"] :]
    calendar = np.arange(1, 13)
    season = 1 + ref.SEASONALITY * np.cos(2 * np.pi * (calendar - ref.SEASON_PEAK_MONTH) / 12)
    return float((growth * season).sum())


def _cast_quarter(w, rng) -> None:
    """Every member of ``RILO`` holds at least one seizure in the last quarter of 2025, the
    small ones two to ten."""
    quarter = slice(w["months"] - 3, w["months"])
    true = w["true"].reshape(w["n"], w["months"])
    for k in _members(w):
        held = true[k, quarter]
        least, most = (2, 10) if k in w["small"] else (1, None)
        while held.sum() < least:
            held[rng.integers(3)] += 1
        while most is not None and held.sum() > most:
            held[np.argmax(held)] -= 1
        true[k, quarter] = held
    w["true"] = true.ravel()


# --- the monthly counts, and the seizure rows of 2025 -------------------------------------------


def _monthly_counts(w, rng) -> None:
    """Per country-month: reported seizures (binomial), late ones and the median delay of the
    reported ones, drawn as order statistics of their lognormal delays (what one row per seizure
    would give, without the rows)."""
    true, share = w["true"], w["share"].ravel()
    median, sigma = w["delay"].ravel(), w["sigma"].ravel()
    n = rng.binomial(true, share)
    p = _ndtr(np.log((LATE_AFTER_DAYS + 0.5) / median) / sigma)  # P(delay <= LATE_AFTER_DAYS)
    late = rng.binomial(n, 1 - p)
    m = n - late  # sorted uniforms: the first m below p (on time), the last ``late`` above
    k1, k2 = (n - 1) // 2, n // 2  # the middle one (two middle ones) of the sorted delays
    low, high = k2 <= m - 1, k1 >= m  # both middle ones on time, both late; else one of each
    # The first middle one: an order statistic of the uniforms below p or above p.
    a = np.where(low, k1 + 1, np.where(high, k1 - m + 1, np.maximum(m, 1)))
    b = np.where(low, m - k1, np.where(high, late - (k1 - m), 1))
    beta = rng.beta(a, b)
    u1 = np.where(high, p + (1 - p) * beta, p * beta)
    # The next one (n even): the smallest of the uniforms above u1 (or above p), Beta(1, r).
    rest = np.where(low, m - k1 - 1, np.where(high, late - (k1 - m) - 1, late))
    smallest = 1 - rng.random(len(n)) ** (1 / np.maximum(rest, 1))
    top = np.where(low, p, 1.0)
    u2 = np.where(low | high, u1 + (top - u1) * smallest, p + (1 - p) * smallest)
    u2 = np.where(k2 > k1, u2, u1)
    d1 = np.rint(median * np.exp(sigma * _ndtri(u1)))
    d2 = np.rint(median * np.exp(sigma * _ndtri(u2)))
    w["reported_n"], w["late_n"] = n, late
    w["median_days"] = np.where(n > 0, (d1 + d2) / 2, np.nan)


def _seizure_rows(w, rng) -> None:
    """One row per seizure of 2025 (as ``make_reporting_panel``'s seizure rows), the 2025 months'
    counts recomputed from them, and the top of the league cast: the small automated country
    chosen by ``_cast_sizes`` reports all its 2025 seizures, and no other country all of its
    own."""
    months, n = w["months"], w["n"]
    first = FIRST_MONTHS["2025"]
    cells = (np.arange(n)[:, None] * months + np.arange(first, months)[None, :]).ravel()
    days = pd.date_range(w["start"], periods=months + 1, freq="MS").to_numpy("datetime64[D]")
    length = np.diff(days).astype(np.int64)
    cell = np.repeat(cells, w["true"][cells])
    offset = np.sort(cell * 32 + (rng.random(len(cell)) * length[cell % months]).astype(np.int64))
    cell, offset = offset // 32, offset % 32
    reported = rng.random(len(cell)) < w["share"].ravel()[cell]
    z = rng.standard_normal(len(cell))
    delay = np.rint(w["delay"].ravel()[cell] * np.exp(w["sigma"].ravel()[cell] * z)).astype(
        np.int64
    )
    country = cell // months
    # The top of the league (``_cast_sizes``): all its 2025 seizures reach CEN.
    held = np.bincount(country, minlength=n)
    top = w["top"]
    reported |= country == top
    reported |= np.isin(country, w["fast"]) & (cell % months >= months - 3)
    # Nobody else reports all: one seizure each (the last of January to September) goes missing.
    got = np.bincount(country, reported, minlength=n)
    for k in np.flatnonzero((got == held) & (held > 0) & (np.arange(n) != top)):
        rows = np.flatnonzero((country == k) & (cell % months < months - 3))
        rows = rows if len(rows) else np.flatnonzero(country == k)
        reported[rows[-1]] = False
    w["row_cell"], w["row_day"] = cell, days[:-1][cell % months] + offset
    w["row_reported"], w["row_delay"] = reported, delay
    # The 2025 months' counts come from the rows.
    size = n * months
    w["reported_n"][cells] = np.bincount(cell[reported], minlength=size)[cells]
    late = reported & (delay > LATE_AFTER_DAYS)
    w["late_n"][cells] = np.bincount(cell[late], minlength=size)[cells]
    w["median_days"][cells] = _medians(cell[reported], delay[reported], size)[cells]


def _medians(cell: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """The median of ``values`` per cell (NaN where a cell has none), without a groupby."""
    count = np.bincount(cell, minlength=size)
    key = np.sort(cell * 2**20 + np.minimum(values, 2**20 - 1))
    ordered = np.append(key % 2**20, 0)
    begin = np.cumsum(count) - count
    middle = ordered[begin + (count - 1) // 2] + ordered[begin + count // 2]
    return np.where(count > 0, middle / 2, np.nan)


# --- the normal distribution, without scipy -----------------------------------------------------


def _ndtr(x: np.ndarray) -> np.ndarray:
    """The standard normal distribution function (Abramowitz and Stegun 7.1.26 for erf, error
    below 1e-7)."""
    z = np.abs(x) / np.sqrt(2)
    t = 1 / (1 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1 - poly * np.exp(-z * z)
    return 0.5 * (1 + np.sign(x) * erf)


def _ndtri(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile function (Acklam's rational approximation, relative error
    below 1.2e-9)."""
    a = [-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
         1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00]  # fmt: skip
    b = [-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
         6.680131188771972e01, -1.328068155288572e01]  # fmt: skip
    c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
         -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00]  # fmt: skip
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
         3.754408661907416e00]  # fmt: skip
    p = np.clip(p, 1e-300, 1 - 1e-16)
    q = np.minimum(p, 1 - p)
    tail = q < 0.02425
    r = np.sqrt(-2 * np.log(np.where(tail, q, 0.5)))
    x_tail = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / (
        (((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1
    )
    x_tail = np.where(p < 0.5, x_tail, -x_tail)
    s = p - 0.5
    r2 = s * s
    x_mid = (
        (((((a[0] * r2 + a[1]) * r2 + a[2]) * r2 + a[3]) * r2 + a[4]) * r2 + a[5])
        * s
        / (((((b[0] * r2 + b[1]) * r2 + b[2]) * r2 + b[3]) * r2 + b[4]) * r2 + 1)
    )
    return np.where(tail, x_tail, x_mid)


# --- the checks ---------------------------------------------------------------------------------


def teaching_problems(assignment: str, w: dict) -> list[str]:
    """The teaching cases (``TEACHING``) that the world ``w`` lacks for ``assignment``, each
    computed the way the notebook and its hidden tests compute it."""
    if assignment == "01-how-much-reaches-cen":
        return _problems_01(w)
    return _problems_02(w)


def _grid(w, key):
    return w[key].reshape(w["n"], w["months"]).astype(float)


def _problems_01(w) -> list[str]:
    out = []
    recent = slice(FIRST_MONTHS["2023"], w["months"])
    true, rep = _grid(w, "true")[:, recent], _grid(w, "reported_n")[:, recent]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(true > 0, rep / true, np.nan)
    if not abs(np.nanmean(shares) - rep.sum() / true.sum()) > 0.0055:
        out.append("the average of the shares is the share of all seizures")
    if not ((true <= 5).any() and true.max() >= 200):
        out.append("no month with a handful of seizures, or none with a few hundred")
    gap, share = true.sum(axis=1) - rep.sum(axis=1), rep.sum(axis=1) / true.sum(axis=1)
    if set(np.flatnonzero(gap == gap.max())) & set(np.flatnonzero(share == share.min())):
        out.append("the country that loses most seizures has the lowest share")
    # the seizure rows of 2025
    n, months = w["n"], w["months"]
    country, reported, delay = w["row_cell"] // months, w["row_reported"], w["row_delay"]
    d = delay[reported]
    if not (d.min() == 0 and (d >= 365).any() and np.median(d) <= 28 and d.max() > 180):
        out.append("the delays lack their shape")
    if not d.mean() > np.median(d):
        out.append("the mean delay is not above the median")
    held = np.bincount(country, minlength=n)
    got = np.bincount(country, reported, minlength=n)
    league = got / np.maximum(held, 1)
    order = np.argsort(-league, kind="stable")
    if w["top"] < 0 or order[0] != w["top"] or league[order[1]] == league[order[0]]:
        out.append("the league has no single small automated country at the top")
    elif not 20 <= held[w["top"]] < MIN_SEIZURES:
        out.append("the top of the league is not small")
    auto = w["switch"] < w["months"]
    medians = _medians(country[reported], delay[reported], n)
    if (auto & (medians <= 7))[order[:10]].sum() < 8:
        out.append("fewer than eight of the league's top ten are automated and report within days")
    if not ((held >= MIN_SEIZURES) & (got < MIN_SEIZURES)).any():
        out.append("no country held 100 or more seizures and reported fewer than 100")
    # the quarter of the RILO
    quarter = w["row_cell"] % months >= months - 3
    members = _members(w)
    q_held = np.bincount(country[quarter], minlength=n)[members]
    q_got = np.bincount(country[quarter], reported[quarter], minlength=n)[members]
    if (q_held == 0).any() or (q_held <= 10).sum() < 3:
        out.append(f"a member of {RILO} seized nothing in the quarter, or too few seized a handful")
    q_median = _medians(country[quarter & reported], delay[quarter & reported], n)[members]
    with np.errstate(invalid="ignore", divide="ignore"):
        fast = (q_got / q_held >= 0.95) & (q_median <= 7)
    if not fast.any() or not auto[members][fast].mean() > 0.5:
        out.append(
            f"the members of {RILO} that report nearly all within days are not mostly automated"
        )
    in_rilo = quarter & np.isin(country, members)
    if not (reported & in_rilo & (delay > LATE_AFTER_DAYS)).any():
        out.append(f"no report of {RILO}'s quarter came late")
    after = reported & (w["row_day"] + delay > np.datetime64("2026-01-31"))
    if not (after & in_rilo).any() or not (after & quarter).any():
        out.append("nothing of the quarter arrives after the end of January")
    return out


def _problems_02(w) -> list[str]:
    out = []
    months, switch = w["months"], w["switch"]
    if not 3 <= ((switch >= FIRST_MONTHS["2020"]) & (switch < FIRST_MONTHS["2021"])).sum():
        out.append("fewer than three countries switched during 2020")
    true, rep = _grid(w, "true"), _grid(w, "reported_n")
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(true > 0, rep / true, np.nan)
    never = switch >= months

    def share(rows, year):
        cols = slice(12 * year, 12 * year + 12)
        return rep[rows, cols].sum() / true[rows, cols].sum()

    if not share(never, 9) > share(never, 0):
        out.append("the never-automated did not improve")
    early, late = switch < FIRST_MONTHS["2021"], (switch >= FIRST_MONTHS["2021"]) & ~never
    if not share(early, 0) > share(late, 0) > share(never, 0):
        out.append("in 2016 the early adopters were not ahead of the late, and they of the never")
    naive = 100 * _before_after(y, switch)
    versus = 100 * _adopters_vs_others(y, switch)
    e, est = _event_study(y, switch)
    did_pp = 100 * _did(e, est, first=2)
    did_delay = _did(*_event_study(_grid(w, "median_days"), switch), first=2)
    since = w["since"].ravel()
    effect = 100 * (w["share"] - w["share0"]).ravel()
    truth_pp = effect[since >= 2].mean()
    if not (naive - truth_pp >= 3 and versus - truth_pp >= 3):
        out.append("the naive comparisons do not overstate the effect by 3 points or more")
    if not (did_pp > 0 and did_delay < 0 and 1.5 <= naive / did_pp <= 2.5):
        out.append("the before/after is not about twice the difference-in-differences")
    if not abs(did_pp - truth_pp) <= 1.45:
        out.append("the difference-in-differences misses the truth by more than a point and a half")
    pre, post = 100 * est[(e >= -24) & (e < 0)][:, 0], 100 * est[(e >= 2) & (e <= 36)][:, 0]
    if not (abs(pre.mean()) < 0.95 and np.abs(pre).max() < 4.95 and post.min() > 5.05):
        out.append("the event study does not stay near zero before the switch and above 5 after")
    if not est[e == 0][0, 0] < est[e == 2][0, 0]:
        out.append("the event study does not climb over the first months")
    if not effect[since == 0].mean() < effect[since == 2].mean():
        out.append("the true effect does not build up")
    return out


def _before_after(y: np.ndarray, switch: np.ndarray) -> float:
    """``quality.before_after`` on a countries x months array."""
    ok = ~np.isnan(y)
    after = np.arange(y.shape[1])[None, :] >= switch[:, None]
    y0 = np.where(ok, y, 0)
    n_a, n_b = (ok & after).sum(axis=1), (ok & ~after).sum(axis=1)
    keep = (switch < y.shape[1]) & (n_a > 0) & (n_b > 0)
    diff = (y0 * after).sum(axis=1) / np.maximum(n_a, 1) - (y0 * ~after).sum(axis=1) / np.maximum(
        n_b, 1
    )
    return float(diff[keep].mean())


def _adopters_vs_others(y: np.ndarray, switch: np.ndarray, last: int = 12) -> float:
    """``quality.adopters_vs_others`` on a countries x months array."""
    tail = y[:, -last:]
    ok = ~np.isnan(tail)
    mean = np.where(ok, tail, 0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1)
    on, has = switch < y.shape[1], ok.any(axis=1)
    return float(mean[on & has].mean() - mean[~on & has].mean())


def _event_study(y: np.ndarray, switch: np.ndarray, base_months: int = 12):
    """``quality.event_study`` on a countries x months array, for every month since the switch:
    (months since the switch, [[estimate, countries], ...]). The countries never automated are
    controls in every month, so their part is a few matrix products."""
    n_months = y.shape[1]
    months = np.arange(n_months)
    ok = ~np.isnan(y)
    y0 = np.where(ok, y, 0.0)
    sums = np.hstack([np.zeros((len(y), 1)), np.cumsum(y0, axis=1)])
    counts = np.hstack([np.zeros((len(y), 1)), np.cumsum(ok, axis=1)])
    never = switch >= n_months
    ok_never, y_never = ok[never].astype(float), y0[never]
    adopters = np.flatnonzero(~never)
    y_a, s_a = y[adopters], switch[adopters]
    events, weighted, weights = [], [], []
    for g in np.unique(s_a):
        if g == 0:
            continue
        lo = max(g - base_months, 0)
        have = counts[:, g] - counts[:, lo]
        base = np.where(have > 0, (sums[:, g] - sums[:, lo]) / np.maximum(have, 1), np.nan)
        known = ~np.isnan(base)
        b_never = np.where(known[never], base[never], 0.0)
        k_never = known[never].astype(float)
        control_sum = k_never @ y_never - b_never @ ok_never
        control_n = k_never @ ok_never
        change = y_a - base[adopters][:, None]
        good = ~np.isnan(change)
        control = (s_a[:, None] > np.maximum(months, g - 1)[None, :]) & good
        treated = (s_a == g)[:, None] & good
        control_sum = control_sum + np.where(control, change, 0).sum(axis=0)
        control_n = control_n + control.sum(axis=0)
        n_t = treated.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            att = np.where(treated, change, 0).sum(axis=0) / n_t - control_sum / control_n
        keep = (n_t > 0) & (control_n > 0) & ~np.isnan(att)
        events.append(months[keep] - g)
        weighted.append(att[keep] * n_t[keep])
        weights.append(n_t[keep])
    e = np.concatenate(events)
    shift = -e.min()
    total = np.bincount(e + shift, np.concatenate(weighted))
    n = np.bincount(e + shift, np.concatenate(weights))
    seen = np.flatnonzero(n > 0)
    return seen - shift, np.column_stack([total[seen] / n[seen], n[seen]])


def _did(e: np.ndarray, est: np.ndarray, first: int) -> float:
    """``quality.did``: the estimates from month ``first`` on, weighted by their countries."""
    after = e >= first
    return float((est[after, 0] * est[after, 1]).sum() / est[after, 1].sum())


# --- the tables ---------------------------------------------------------------------------------


def _tables(assignment: str, w: dict) -> dict:
    """The files of ``assignment`` from the world ``w``, as the committed ones hold them."""
    spec = ASSIGNMENTS[assignment]
    n, months = w["n"], w["months"]
    dates = model._month_index(w).to_numpy().astype("datetime64[ns]")

    def by_country(rows, key):  # a country's field on rows of that country
        names, index = np.unique(w[key], return_inverse=True)
        return pd.Categorical.from_codes(index[rows], categories=names.tolist())

    everyone = np.arange(n)
    countries = pd.DataFrame(
        {
            "country": by_country(everyone, "code"),
            "region": by_country(everyone, "region"),
            "rilo": by_country(everyone, "rilo"),
            "mode": pd.Categorical.from_codes(w["mode"], categories=model.MANUAL_MODES),
            "adopted": model._at(w, w["adopted"]).astype("datetime64[ns]"),
            "automated_from": model._at(w, w["switch"]).astype("datetime64[ns]"),
        }
    )
    first = int(np.searchsorted(dates, np.datetime64(spec["from_month"], "ns")))
    keep = (np.arange(n * months) % months) >= first
    rows = np.repeat(everyone, months)[keep]
    monthly = pd.DataFrame(
        {
            "country": by_country(rows, "code"),
            "region": by_country(rows, "region"),
            "rilo": by_country(rows, "rilo"),
            "month": np.tile(dates, n)[keep],
            "true_seizures": w["true"][keep],
            "reported_seizures": w["reported_n"][keep],
            "late_seizures": w["late_n"][keep],
            "median_delay_days": w["median_days"][keep],
            "automated": (np.arange(months)[None, :] >= w["switch"][:, None]).ravel()[keep],
        }
    )
    tables = {"countries": countries, "monthly": monthly}
    if spec["seizures_year"] is not None:
        reported = w["row_reported"]
        arrived = (w["row_day"] + w["row_delay"]).astype("datetime64[ns]")
        tables["seizures"] = pd.DataFrame(
            {
                "country": by_country(w["row_cell"] // months, "code"),
                "seizure_date": w["row_day"].astype("datetime64[ns]"),
                "reported": reported,
                "reported_date": np.where(reported, arrived, np.datetime64("NaT", "ns")),
            }
        )
    else:
        tables["truth"] = model._truth(w).by_event_time
    return tables


def csv_text(table: pd.DataFrame) -> str:
    """``table`` as ``write_tables`` writes it (ISO days, empty for missing), several times
    faster: each column is turned into text at once, its distinct values through a look-up."""
    columns = []
    for name in table.columns:
        column = table[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            names, index = column.cat.categories.to_numpy().astype(str), column.cat.codes.to_numpy()
        elif column.dtype.kind == "b":
            names, index = np.array(["False", "True"]), column.to_numpy().astype(np.int64)
        elif column.dtype.kind in "iu":
            columns.append(list(map(str, column.to_numpy().tolist())))
            continue
        elif column.dtype.kind in "Mf":
            values = column.to_numpy()
            if column.dtype.kind == "M":
                values = values.astype("datetime64[D]")
            missing = np.isnat(values) if column.dtype.kind == "M" else np.isnan(values)
            seen, inverse = np.unique(values[~missing], return_inverse=True)
            if column.dtype.kind == "M":
                names = np.datetime_as_string(seen)
            else:
                names = np.array([repr(v) for v in seen.tolist()], dtype=object)
            index = np.full(len(values), -1)
            index[~missing] = inverse
        else:
            names, index = np.unique(column.to_numpy().astype(str), return_inverse=True)
        names = np.array(names.tolist() + [""], dtype=object)  # index -1: missing, empty
        if any(c in v for v in names.tolist() for c in ',"\n'):
            return table.to_csv(index=False, date_format="%Y-%m-%d")  # values that need quotes
        columns.append(names[index].tolist())
    lines = map(",".join, zip(*columns))
    return ",".join(table.columns) + "\n" + "\n".join(lines) + "\n"
