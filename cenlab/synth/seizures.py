"""``make_seizures``: synthetic CEN seizures calibrated to the WCO Illicit Trade Report 2025.

Generation is an ordered pipeline of small steps over whole columns (see ``CASE_STEPS`` and
``SEIZURE_STEPS``). Each step draws from its own named random stream, so the same seed gives the
same bytes on every run, and a change to one step does not shift the numbers another step sees.

The records are CEN's: every seizure has reached CEN, on its ``reported_date``. Each reporting
country reports in one of ``REPORTING_MODES`` (by hand, by spreadsheet upload, by the automated
nCEN transfer), drawn once per seed at ``MODE_SHARES``; each seizure's delay is drawn from its
country's mode. A mode's ``share_reported`` (how many seizures ever reach CEN) plays no part here:
seizures that never reach CEN are not in CEN data. With ``nominal=True`` the tables are an nCEN
extract, national records before the transfer, so ``reported_date`` is empty there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cenlab.files.dates import day
from cenlab.reference import operations as ops
from cenlab.reference.flows import FLOWS
from cenlab.reference.reporting import MODE_SHARES, REPORTING_MODES
from cenlab.seeding import check_seed, make_rng
from cenlab.synth import calibration as cal
from cenlab.synth import identifiers as ids
from cenlab.synth.options import keyword_options
from cenlab.synth.sampling import draw, draw_by_group

LOCATION_CODES = {
    "Airport": "AIR",
    "Mail Centre": "MAIL",
    "Inland": "INL",
    "Land boundary": "LND",
    "Express Courier": "EXP",
    "Seaport": "SEA",
    "Rail": "RAIL",
    "High seas": "HSEA",
    "River": "RIV",
    "Border of free trade zone": "FTZ",
    "Unknown": "UNK",
}


def parse_period(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end dates, or a ValueError naming the bad one."""
    s, e = day(start, "start"), day(end, "end")
    if e < s:
        raise ValueError(f"end date {e.date()} is before start date {s.date()}")
    return s, e


# --- case-level steps: each takes (cases, rng, params) and adds columns to ``cases`` -----------


def _flows(c, rng, p):
    """The commodity flow of each case, weighted by ITR case counts; everything else depends on it."""
    c["flow"] = draw(rng, cal.tables()["case_weights"], p["n"])


def _dates(c, rng, p):
    """Seizure dates with a yearly season (peak in early summer) and a rising trend."""
    days = np.arange((p["end"] - p["start"]).days + 1)
    dates = p["start"] + pd.to_timedelta(days, unit="D")
    season = 1 + p["seasonality"] * np.sin(2 * np.pi * (dates.day_of_year.to_numpy() - 80) / 365.25)
    trend = 1 + p["trend"] * days / max(days[-1], 1)
    c["day"] = draw(rng, season * trend, p["n"])


def _direction(c, rng, p):
    c["direction"] = draw_by_group(rng, c["flow"], cal.tables()["direction"])


def _place_and_method(c, rng, p):
    """Location and concealment drawn jointly (coherent pairs), then conveyance and detection.
    A landlocked reporting country draws from the same table without its sea locations."""
    t = cal.tables()
    landlocked = np.isin(c["home"], cal.landlocked_codes())
    groups = c["flow"] + len(cal.FLOW_NAMES) * landlocked
    pair = draw_by_group(rng, groups, np.vstack([t["joint"], t["joint_inland"]]))
    n_conc = len(ops.CONCEALMENTS)
    c["location"], c["concealment"] = pair // n_conc, pair % n_conc
    conv = np.zeros(p["n"], dtype=np.int64)
    table = np.array(
        [
            [ops.CONVEYANCE_AT[loc].get(v, 0.0) for v in ops.CONVEYANCES]
            for loc in ops.LOCATION_TYPES
        ]
    )
    conv[:] = draw_by_group(rng, c["location"], table)
    for conc, vehicle in ops.CONVEYANCE_FOR_CONCEALMENT.items():
        conv[c["concealment"] == ops.CONCEALMENTS.index(conc)] = ops.CONVEYANCES.index(vehicle)
    c["conveyance"] = conv
    c["detection"] = draw_by_group(rng, c["flow"], t["detection"])


def _ecommerce(c, rng, p):
    """E-commerce at each flow's ITR share of cases, first among mail and courier items."""
    rate = cal.tables()["ecommerce"][c["flow"]]
    small = np.isin(
        c["concealment"], [ops.CONCEALMENTS.index(x) for x in ops.SMALL_CONSIGNMENT_CONCEALMENTS]
    )
    share_small = np.bincount(c["flow"], small, minlength=len(cal.FLOW_NAMES)) / np.maximum(
        np.bincount(c["flow"], minlength=len(cal.FLOW_NAMES)), 1
    )
    s = share_small[c["flow"]]
    p_small = np.minimum(1.0, rate / np.maximum(s, 1e-9))
    p_other = np.clip((rate - s) / np.maximum(1 - s, 1e-9), 0.0, 1.0)
    c["ecommerce"] = rng.random(p["n"]) < np.where(small, p_small, p_other)


def _routes(c, rng, p):
    """Departure, destination and reporting country: a top ITR route of the flow or a generic one,
    oriented by direction (importers report imports, exporters exports). Countries are indices
    into ``calibration.countries()`` until the frame is built."""
    n, flow = p["n"], c["flow"]
    world, world_p = cal.world_pool()
    xx = cal.country_index("XX")
    dep = world[draw(rng, world_p, n)]
    dest = world[draw(rng, world_p, n)]
    home = np.empty(n, dtype=np.int64)
    on_top = np.zeros(n, dtype=bool)
    u = rng.random(n)
    for i, name in enumerate(cal.FLOW_NAMES):
        rows = np.flatnonzero(flow == i)
        spec = FLOWS[name]
        rep_codes = np.array([cal.country_index(r[0]) for r in spec["reporters"]] + [-1])
        rep_w = [r[1] for r in spec["reporters"]]
        rep_w = rep_w + [max(spec["seizures"] - sum(rep_w), 0)]
        h = rep_codes[draw(rng, rep_w, len(rows))]
        other = h == -1
        h[other] = world[draw(rng, world_p, int(other.sum()))]
        home[rows] = h
        routes = spec["routes"]
        p_top = sum(r[2] for r in routes) / spec["seizures"]
        top = rows[u[rows] < p_top]
        k = draw(rng, [r[2] for r in routes], len(top))
        dep[top] = np.array([cal.country_index(r[0]) for r in routes])[k]
        dest[top] = np.array([cal.country_index(r[1]) for r in routes])[k]
        on_top[top] = True
    d = c["direction"]
    imp, exp, tra, inn = (d == ops.DIRECTIONS.index(x) for x in ops.DIRECTIONS)
    # Generic routes: the reporting country sits at the end the direction says.
    dest = np.where(~on_top & (imp | inn), home, dest)
    dep = np.where(~on_top & exp, home, dep)
    # Top routes: the reporting country is the end the direction says.
    home = np.where(on_top & (imp | inn), dest, home)
    home = np.where(on_top & exp, dep, home)
    # A transit country is neither end; where it is, the movement is an import or an export.
    d = np.where(tra & (home == dest), ops.DIRECTIONS.index("Import"), d)
    d = np.where(tra & (home == dep), ops.DIRECTIONS.index("Export"), d)
    home = np.where(home == xx, world[draw(rng, world_p, n)], home)
    # The reporting end of every movement is the reporting country, even on an "unknown" route.
    exp = d == ops.DIRECTIONS.index("Export")
    dest = np.where(imp | inn, home, dest)
    dep = np.where(exp, home, np.where(inn, xx, dep))
    clash = dep == dest
    dest = np.where(clash & exp, xx, dest)
    dep = np.where(clash & ~exp, xx, dep)
    c["direction"], c["departure"], c["destination"], c["home"] = d, dep, dest, home


def _counts(c, rng, p):
    """Seizures per case: 1 plus a Poisson count with each flow's ITR seizures-per-case ratio."""
    c["n_seizures"] = 1 + rng.poisson(cal.tables()["extra_seizures"][c["flow"]])


# The order matters: the flow comes first because every later draw is conditional on it; the
# direction precedes routes because it decides which end of a route reports the seizure; the
# reporting country precedes the location (no seaport in a landlocked country), and the
# concealment precedes e-commerce (online purchases travel by mail and courier first).
CASE_STEPS = [_flows, _dates, _direction, _routes, _place_and_method, _ecommerce, _counts]


# --- seizure-level steps: each takes (seizures, rng, rows), where ``rows`` holds the case columns
# repeated per seizure, and adds columns to ``seizures`` ---------------------------------------


def _goods(s, rng, rows):
    """Per seizure: sub-commodity, HS code, a lognormal quantity around the flow's ITR mean, and
    a value from an indicative unit price."""
    flow = rows["flow"]
    u = cal.unit_table()
    n = len(flow)
    names, index, weights = cal.detail_codes()
    width = max(len(w) for w in weights)
    table = np.array([np.pad(w, (0, width - len(w))) for w in weights])
    lookup = np.array([np.pad(ix, (0, width - len(ix))) for ix in index])
    detail = lookup[flow, draw_by_group(rng, flow, table)]
    qty = np.exp(u["mu"][flow] + u["sigma"][flow] * rng.standard_normal(n))
    unit_code = np.array([ops.UNITS.index(x) for x in u["unit"]])[flow]
    whole = unit_code == ops.UNITS.index("pieces")
    cash = unit_code == ops.UNITS.index("USD")
    qty = np.where(whole, np.maximum(np.round(qty), 1.0), np.round(qty, 3))
    qty = np.where(cash, np.round(qty, 0), qty)
    qty = np.maximum(qty, 0.001)
    value = qty * u["price"][flow] * np.exp(0.3 * rng.standard_normal(n))
    value = np.where(cash, qty, np.round(value, 2))
    hs_names, hs_of_flow = np.unique(u["hs_code"], return_inverse=True)
    s["commodity_detail"] = pd.Categorical.from_codes(detail, categories=names)
    s["hs_code"] = pd.Categorical.from_codes(hs_of_flow[flow], categories=list(hs_names))
    s["unit"] = pd.Categorical.from_codes(unit_code, categories=ops.UNITS)
    s["quantity"], s["value_usd"] = qty, value


MODES = list(REPORTING_MODES)


def _country_modes(rng) -> np.ndarray:
    """Each known country's reporting mode (an index into ``MODES``), drawn at ``MODE_SHARES``
    for every country at once, so a country's mode depends on the seed only."""
    return draw(rng, [MODE_SHARES[m] for m in MODES], len(cal.countries()))


def _reported(s, rng, rows):
    """Per seizure: the day it reached CEN, a lognormal delay in whole days after the seizure
    around its reporting country's mode (median ``delay_median_days``, log-spread
    ``delay_sigma``)."""
    mode = _country_modes(rng)[rows["home"]]
    median = np.log([REPORTING_MODES[m]["delay_median_days"] for m in MODES])[mode]
    sigma = np.array([REPORTING_MODES[m]["delay_sigma"] for m in MODES])[mode]
    delay = np.rint(np.exp(median + sigma * rng.standard_normal(len(mode)))).astype(np.int64)
    s["reported_day"] = rows["day"] + delay


# The goods come first and keep the stream name they had before the report date existed; the
# report date comes last: it depends on the reporting country and the seizure date only.
SEIZURE_STEPS = {"goods": _goods, "reported": _reported}


def reporting_modes(seed: int = 0) -> pd.Series:
    """The reporting mode ``make_seizures`` gives each country for ``seed`` (ISO code -> mode)."""
    modes = _country_modes(make_rng(check_seed(seed), stream="reported"))
    return pd.Series(np.array(MODES, dtype=object)[modes], index=cal.countries(), name="mode")


def _categorical(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=names)


@keyword_options
def make_seizures(
    n_cases: int,
    *,
    seed: int = 0,
    start="2024-01-01",
    end="2025-12-31",
    nominal: bool = False,
    seasonality: float = 0.15,
    trend: float = 0.2,
):
    """Synthetic CEN seizures for ``n_cases`` cases (about 1.38 seizures per case).

    Returns a DataFrame with the CEN seizure fields, every seizure reported to CEN on its
    ``reported_date``; with ``nominal=True`` an ``NCENExtract`` holding it, not yet reported
    (``reported_date`` empty), with the linked nCEN persons, companies and conveyances.
    ``seasonality`` is the amplitude of the yearly cycle, ``trend`` the growth of daily seizures
    from start to end.
    """
    if isinstance(n_cases, bool) or not isinstance(n_cases, (int, np.integer)):
        raise ValueError(f"the number of cases must be a whole number, got {n_cases!r}")
    if n_cases < 0:
        raise ValueError(f"the number of cases must be zero or more, got {n_cases}")
    seed = check_seed(seed)
    s0, e0 = parse_period(start, end)
    if not 0 <= seasonality < 1 or trend <= -1:
        raise ValueError("seasonality must be in [0, 1) and trend above -1")
    params = {"n": int(n_cases), "start": s0, "end": e0, "seasonality": seasonality, "trend": trend}
    cases: dict = {}
    for step in CASE_STEPS:
        step(cases, make_rng(seed, stream=step.__name__), params)
    df = _expand(cases, params, seed)
    if not nominal:
        return df
    from cenlab.synth.nominal import make_nominal

    df["reported_date"] = np.full(len(df), np.datetime64("NaT"), dtype="datetime64[ns]")
    return make_nominal(df, cases, seed=seed)


def _expand(c: dict, p: dict, seed: int) -> pd.DataFrame:
    """One row per seizure: case fields repeated, then the seizure-level steps."""
    reps = c["n_seizures"]
    idx = np.repeat(np.arange(p["n"]), reps)
    case_ids, seizure_ids = _seizure_ids(reps, p["n"])
    office_code, offices = _offices(c, p["n"])
    flow = c["flow"][idx]
    section_of_flow = np.array([ops.SECTIONS.index(s) for s in cal.tables()["section_of_flow"]])
    rows = {"flow": flow, "home": c["home"][idx], "day": c["day"][idx]}
    each: dict = {}
    for stream, step in SEIZURE_STEPS.items():
        step(each, make_rng(seed, stream=stream), rows)
    day0 = np.datetime64(p["start"].date(), "D")
    return pd.DataFrame(
        {
            "case_id": case_ids,
            "seizure_id": seizure_ids,
            "seizure_date": (day0 + rows["day"]).astype("datetime64[ns]"),
            "reporting_country": _country(c["home"], idx),
            "office": pd.Categorical.from_codes(office_code[idx], categories=offices),
            "location_type": _categorical(c["location"][idx], ops.LOCATION_TYPES),
            "direction": _categorical(c["direction"][idx], ops.DIRECTIONS),
            "section": _categorical(section_of_flow[flow], ops.SECTIONS),
            "commodity": _categorical(flow, cal.FLOW_NAMES),
            "commodity_detail": each["commodity_detail"],
            "hs_code": each["hs_code"],
            "quantity": each["quantity"],
            "unit": each["unit"],
            "value_usd": each["value_usd"],
            "detection_method": _categorical(c["detection"][idx], ops.DETECTION_METHODS),
            "concealment": _categorical(c["concealment"][idx], ops.CONCEALMENTS),
            "conveyance": _categorical(c["conveyance"][idx], ops.CONVEYANCES),
            "departure_country": _country(c["departure"], idx),
            "destination_country": _country(c["destination"], idx),
            "ecommerce": c["ecommerce"][idx],
            "reported_date": (day0 + each["reported_day"]).astype("datetime64[ns]"),
        }
    )


def _seizure_ids(reps: np.ndarray, n_cases: int) -> tuple[pd.Series, pd.Series]:
    """Case ids (C0000001) and seizure ids (C0000001-01), one per seizure row.

    Fixed widths that grow only for very large datasets, so ids sort as text in case order.
    """
    idx = np.repeat(np.arange(n_cases), reps)
    seq = np.arange(len(idx)) - np.repeat(np.cumsum(reps) - reps, reps) + 1
    n_rows = len(idx)
    case_digits = ids.digits(idx + 1, max(7, len(str(n_cases))))
    seq_width = max(2, len(str(int(seq.max())))) if n_rows else 2
    case_ids = ids.column(ids.const("C", n_rows), case_digits)
    dash, seq_digits = ids.const("-", n_rows), ids.digits(seq, seq_width)
    return case_ids, ids.column(ids.const("C", n_rows), case_digits, dash, seq_digits)


def _offices(c: dict, n_cases: int) -> tuple[np.ndarray, list[str]]:
    """Per case, a code into the office names ("NL-AIR-2") that occur.

    Three offices per country and location type, taken in turn by case number; only offices
    that occur become categories, so the category list stays small.
    """
    loc_codes = np.array([LOCATION_CODES[x] for x in ops.LOCATION_TYPES], dtype=object)
    key = (c["home"] * len(loc_codes) + c["location"]) * 3 + np.arange(n_cases) % 3
    keys = np.flatnonzero(np.bincount(key))
    lookup = np.zeros(keys[-1] + 1 if len(keys) else 1, dtype=np.int64)
    lookup[keys] = np.arange(len(keys))
    names = cal.countries()
    offices = [
        f"{names[k // (3 * len(loc_codes))]}-{loc_codes[k // 3 % len(loc_codes)]}-{k % 3 + 1}"
        for k in keys.tolist()
    ]
    return lookup[key], offices


def _country(codes: np.ndarray, idx: np.ndarray) -> pd.Categorical:
    """Per-case country indices as a categorical over seizure rows, with only the countries that
    occur as categories (a few dozen out of every country the generator knows)."""
    names = cal.countries()
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))
    local = np.zeros(len(names), dtype=np.int64)
    local[used] = np.arange(len(used))
    return pd.Categorical.from_codes(local[codes][idx], categories=list(names[used]))
