"""Consignment steps of `cenlab.synth.traffic.make_consignments`: an ordered list of draws.

Each step reads and extends the shared ``state`` dict and draws from its own random stream.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cenlab.reference import traffic as ref
from cenlab.synth import pools, sampling

_STREAMS = list(ref.STREAMS)
_CHAPTERS = list(ref.HS_CHAPTERS)
_CODES = [
    (ch, code, d, v) for ch, t in ref.HS_CHAPTERS.items() for code, (d, v) in t["codes"].items()
]
_CODE_CHAPTER = sampling.index_of([c[0] for c in _CODES], _CHAPTERS)
_CODE_VALUE = np.array([c[3] for c in _CODES])
_SMUGGLING = ref.CONSIGNMENT_SMUGGLING
_FRAUD = ref.REVENUE_FRAUD
_HIDDEN = [ref.HIDDEN_OFFENCES[o] for o in ref.OFFENCES]
_RATE = np.array([ref.DUTY_RATES[c] for c in _CHAPTERS])
_COUNTRIES = sorted(
    {c for t in ref.HS_CHAPTERS.values() for c in t["origins"]}
    | set(ref.OTHER_ORIGINS)
    | {
        c
        for t in _SMUGGLING.values()
        for key in ("origins_before", "origins_after")
        for c in t[key]
    }
    | {c for t in _SMUGGLING.values() for c in (t["hubs_after"] or {})}
    | {c for t in ref.STREAMS.values() for c in t["hubs"]}
    | set(ref.ENTRY_POINTS)
)
_USUAL = np.array([[c in ref.HS_CHAPTERS[ch]["origins"] for c in _COUNTRIES] for ch in _CHAPTERS])


def _weights(d: dict, labels: list, drop=()) -> np.ndarray:
    """A weight per label from a {label: weight} table, zero for labels listed in ``drop``."""
    return np.array([0.0 if k in drop else float(d.get(k, 0.0)) for k in labels])


def _per_stream(key: str) -> np.ndarray:
    """One entry of STREAMS per stream, as an array to index with stream codes."""
    return np.array([t[key] for t in ref.STREAMS.values()])


def _per_commodity(s: dict, key: str) -> np.ndarray:
    """One entry of CONSIGNMENT_SMUGGLING per commodity, to index with commodity codes."""
    return np.array([_SMUGGLING[c][key] for c in s["commodities"]])


def _per_fraud(s: dict, key: str) -> np.ndarray:
    """One entry of REVENUE_FRAUD per row: undervaluation's, else misdeclaration's."""
    return np.where(s["under"], _FRAUD["undervaluation"][key], _FRAUD["misdeclaration"][key])


def _c_dates(s, rng):
    """Declaration days, sorted, following the monthly traffic; the route shift splits them."""
    monthly = ref.MONTHLY_TRAFFIC["consignments"]
    s["declaration_date"] = sampling.draw_dates(rng, s["n"], s["start"], s["end"], monthly)
    shift = s["shift"] if s["shift"] is not None else s["end"] + pd.Timedelta(days=1)
    s["after"] = (s["declaration_date"] >= shift).astype(np.int64)


def _c_who(s, rng):
    """Offending or not, and which offence; the commodity smuggled; the stream; the goods.

    ``loud`` offences carry the planted indicators; the hidden share looks like legitimate trade.
    ``cover`` is what the goods really are (smugglers' cover goods; the true goods of a revenue
    offence), ``declared`` the chapter the declaration gives (another one when misdeclared).
    """
    n, k = s["n"], len(s["commodities"])
    s["illicit"] = rng.random(n) < s["rate"]
    offence = np.where(s["illicit"], sampling.draw(rng, list(ref.OFFENCES.values()), n) + 1, 0)
    hidden = s["illicit"] & (rng.random(n) < np.array([0.0, *_HIDDEN])[offence])
    smug, under, misd = (offence == i for i in (1, 2, 3))
    s["offence"], s["smug"], s["under"], s["misd"] = offence, smug, under, misd
    s["loud"], s["hidden"] = smug & ~hidden, hidden
    s["loud_rev"] = (under | misd) & ~hidden
    com = sampling.draw(rng, s["commodity_p"], n)
    s["com"] = np.where(smug, com, -1)
    streams = [_weights(_SMUGGLING[c]["streams"], _STREAMS) for c in s["commodities"]]
    fraud = [_weights(_FRAUD[o]["streams"], _STREAMS) for o in _FRAUD]
    table = np.array([_per_stream("share"), *streams, *fraud])
    group = np.where(smug, com + 1, np.where(offence >= 2, k + offence - 1, 0))
    s["stream_code"] = sampling.draw_by_group(rng, group, table)
    cover = np.array([_weights(_SMUGGLING[c]["cover"], _CHAPTERS) for c in s["commodities"]])
    mix = np.array([t["mix"] for t in ref.HS_CHAPTERS.values()]).T  # streams x chapters
    pays = mix * (1.0 + _FRAUD["undervaluation"]["duty_weight"] * _RATE) * (_RATE > 0)
    true_misd = _weights({c: w for c, (w, _) in ref.MISDECLARATION.items()}, _CHAPTERS)
    goods = np.array([*cover, *pays, true_misd])
    row = np.where(smug, com, np.where(under, k + s["stream_code"], k + len(_STREAMS)))
    drawn = sampling.draw_by_group(rng, row, goods)
    s["cover"] = np.where(s["loud"] | under | misd, drawn, -1)
    to = np.array([_weights(ref.MISDECLARATION.get(c, (0, {c: 1}))[1], _CHAPTERS)
                   for c in _CHAPTERS])  # fmt: skip
    swapped = sampling.draw_by_group(rng, np.maximum(s["cover"], 0), to)
    s["declared"] = np.where(misd, swapped, s["cover"])


def _c_importer(s, rng):
    """Consignee: private person, established company, new legitimate company or front company.

    Established companies form a register (activity, registered trade, registration date, price
    level); offenders who use one mostly pick a company that trades in their goods (a hidden
    misdeclaration: in the goods it declares). Some registration dates are missing.
    """
    n, h, st = s["n"], ref.IMPORTER_HISTORY, s["stream_code"]
    loud, rev = s["loud"], s["loud_rev"]
    com = np.maximum(s["com"], 0)
    smug_private = np.where(st == _STREAMS.index("Cargo"), 0.0, _per_commodity(s, "private")[com])
    private = rng.random(n) < np.where(loud, smug_private, _per_stream("private")[st])
    new_p = np.where(loud, _per_commodity(s, "front")[com],
                     np.where(rev, _per_fraud(s, "front"), _per_stream("new")[st]))  # fmt: skip
    new = ~private & (rng.random(n) < new_p)
    established = ~private & ~new
    m = max(200, n // h["rows_per_company"])
    activity = sampling.normalise(rng.pareto(1.2, size=m) + 1.0)
    trade = sampling.normalise([t["mix"][0] + t["mix"][1] for t in ref.HS_CHAPTERS.values()])
    reg_main = sampling.draw(rng, trade, m)
    reg_age = sampling.lognormal(rng, np.full(m, h["established_age"][0]), h["established_age"][1])
    reg_price = sampling.lognormal(rng, np.ones(m), ref.CONSIGNMENT_NOISE["company_price_sd"])
    company = sampling.draw(rng, activity, n)
    order, count = np.argsort(reg_main, kind="stable"), np.bincount(reg_main, minlength=len(trade))
    goods = np.maximum(np.where(s["misd"] & s["hidden"], s["declared"], s["cover"]), 0)
    offset = (rng.random(n) * count[goods]).astype(np.int64)
    in_trade = order[np.minimum((np.cumsum(count) - count)[goods] + offset, m - 1)]
    off = np.where(loud, _per_commodity(s, "off_trade")[com], _per_fraud(s, "off_trade"))
    offender = loud | s["under"] | s["misd"]
    use_trade = offender & (rng.random(n) >= off) & (count[goods] > 0)
    company = np.where(use_trade, in_trade, company)
    days = (s["declaration_date"] - s["start"].to_datetime64()) // np.timedelta64(1, "D")
    annual = activity * established.sum() * 365.0 / ((s["end"] - s["start"]).days + 1)
    front = loud | rev
    new_age = sampling.lognormal(
        rng, np.where(front, h["front_age"][0], h["new_age"][0]), h["new_age"][1]
    )
    prior = np.where(new, np.where(front, h["front_prior"], h["new_prior"]), annual[company])
    n_new = int(new.sum())
    importer = np.where(new, m + np.cumsum(new), company + 1)
    s["importer_id"] = np.where(private, m + n_new + np.cumsum(private), importer).astype(np.int64)
    s["importer_type"] = sampling.categorical(private.astype(np.int64), ["company", "private"])
    age = np.round(np.where(new, new_age, reg_age[company] + days))
    unknown = rng.random(n) < ref.CONSIGNMENT_NOISE["missing"]["importer_age_days"]
    s["importer_age_days"] = np.where(private | unknown, np.nan, age)
    s["importer_prior_declarations"] = rng.poisson(np.where(private, h["private_prior"], prior))
    s["private"], s["new"], s["established"] = private, new, established
    s["main"] = np.where(established, reg_main[company], -1)
    s["price"] = np.where(established, reg_price[company], 1.0)
    s["n_companies"] = m + n_new


def _c_goods(s, rng):
    """Goods declared (HS code), the true goods, and the importer's registered trade (fronts and
    new companies get one here)."""
    n, st = s["n"], s["stream_code"]
    mix = np.array([t["mix"] for t in ref.HS_CHAPTERS.values()]).T  # streams x chapters
    off_trade = _per_stream("off_trade")[st]
    chapter = sampling.draw_by_group(rng, st, mix)
    chapter = np.where(s["established"] & (rng.random(n) >= off_trade), s["main"], chapter)
    true_chapter = np.where(s["cover"] >= 0, s["cover"], chapter)
    chapter = np.where(s["cover"] >= 0, s["declared"], chapter)
    # A new company's registered trade: mostly its goods, sometimes something else; a hidden
    # misdeclaration registers the goods it declares.
    elsewhere = sampling.draw(rng, mix.sum(axis=0), n)
    off = np.where(s["loud"], _per_commodity(s, "off_trade")[np.maximum(s["com"], 0)], off_trade)
    own = np.where(s["misd"] & s["hidden"], chapter, true_chapter)
    main = np.where(s["new"], np.where(rng.random(n) < off, elsewhere, own), s["main"])
    first = np.searchsorted(_CODE_CHAPTER, np.arange(len(_CHAPTERS)))
    count = np.bincount(_CODE_CHAPTER, minlength=len(_CHAPTERS))
    code = first[chapter] + (rng.random(n) * count[chapter]).astype(np.int64)
    true_code = first[true_chapter] + (rng.random(n) * count[true_chapter]).astype(np.int64)
    s["chapter"], s["code"] = chapter, code
    s["true_chapter"], s["true_code"] = true_chapter, np.where(s["misd"], true_code, code)
    s["hs_code"] = sampling.categorical(code, [c[1] for c in _CODES])
    s["true_hs_code"] = sampling.categorical(s["true_code"], [c[1] for c in _CODES])
    s["hs_chapter"] = sampling.categorical(chapter, _CHAPTERS)
    s["goods_description"] = sampling.categorical(code, [c[2] for c in _CODES])
    s["importer_main_chapter"] = sampling.categorical(main, _CHAPTERS)
    s["trade_mismatch"] = (main >= 0) & (main != chapter)


def _c_names(s, rng):
    """Importer names: Faker company names with a trade ending; private names from a pool."""
    bases, suffixes = pools.company_name_pool(s["seed"]), ref.COMPANY_SUFFIXES
    span = len(bases) * len(suffixes)
    companies = [
        f"{bases[k % len(bases)]} {suffixes[(k // len(bases)) % len(suffixes)]}"
        + (f" {k // span + 1}" if k >= span else "")
        for k in rng.permutation(s["n_companies"]).tolist()
    ]
    locale = ref.NAME_LOCALES.get(s["country"], ref.DEFAULT_NAME_LOCALE)
    people, pool = pools.person_name_pool(s["seed"], (locale,), size=45)
    person = len(companies) + pool[0, rng.integers(0, pool.shape[1], size=s["n"])]
    idx = np.where(s["private"], person, np.minimum(s["importer_id"], s["n_companies"]) - 1)
    s["importer_name"] = sampling.categorical(idx, companies + people)


def _c_origin(s, rng):
    """Country of origin: mostly a usual exporter of the goods, sometimes another country;
    smugglers use their own source countries, which change at the route shift."""
    n, st, k, home = s["n"], s["stream_code"], len(_COUNTRIES), [s["country"]]
    usual = np.array([_weights(t["origins"], _COUNTRIES, home) for t in ref.HS_CHAPTERS.values()])
    goods = np.where(s["misd"] & ~s["hidden"], s["true_chapter"], s["chapter"])
    origin = sampling.draw_by_group(rng, goods, usual)
    other = sampling.draw(rng, _weights(ref.OTHER_ORIGINS, _COUNTRIES, home), n)
    origin = np.where(rng.random(n) < _per_stream("off_origin")[st], other, origin)
    periods = ("origins_before", "origins_after")
    smug = np.array(
        [[_weights(_SMUGGLING[c][key], _COUNTRIES, home) for key in periods]
         for c in s["commodities"]]
    )  # fmt: skip
    group = np.maximum(s["com"], 0) * 2 + s["after"]
    smuggled = sampling.draw_by_group(rng, group, smug.reshape(-1, k))
    s["origin"] = np.where(s["loud"], smuggled, origin)
    s["origin_country"] = sampling.categorical(s["origin"], _COUNTRIES)
    s["unusual_origin"] = ~_USUAL[s["chapter"], s["origin"]]


def _c_transit(s, rng):
    """Transhipment through a hub of the stream, or after the shift through the smugglers' new
    hubs; and the route. A hub that is the origin itself means a direct consignment."""
    n, st, ill, k, home = s["n"], s["stream_code"], s["loud"], len(_COUNTRIES), [s["country"]]
    com = np.maximum(s["com"], 0)
    hubs = [_weights(t["hubs"], _COUNTRIES, home) for t in ref.STREAMS.values()]
    after = {c: _weights(_SMUGGLING[c]["hubs_after"] or {}, _COUNTRIES, home)
             for c in s["commodities"]}  # fmt: skip
    # Only commodities that keep a hub outside the reporting country get a row of their own: an
    # all-zero row cannot be drawn from, and the others keep their stream's hubs.
    after = {c: w for c, w in after.items() if w.sum() > 0}
    row = {c: len(hubs) + i for i, c in enumerate(after)}
    after_row = np.array([row.get(c, -1) for c in s["commodities"]])[com]
    use_after = ill & (s["after"] == 1) & (after_row >= 0)
    table = np.array(hubs + list(after.values()))
    hub = sampling.draw_by_group(rng, np.where(use_after, after_row, st), table)
    p = np.where(ill, _per_commodity(s, "transit")[com, s["after"]], _per_stream("transit")[st])
    hub = np.where((rng.random(n) < p) & (hub != s["origin"]), hub, -1)
    unrecorded = rng.random(n) < ref.CONSIGNMENT_NOISE["missing"]["transit_country"]
    s["transit_country"] = sampling.categorical(np.where(unrecorded, -1, hub), _COUNTRIES)
    routes = [
        f"{o}-{t}-{s['country']}" if t else f"{o}-{s['country']}"
        for o in _COUNTRIES
        for t in _COUNTRIES + [""]
    ]
    s["hub"] = hub
    s["route"] = sampling.categorical(s["origin"] * (k + 1) + np.where(hub >= 0, hub, k), routes)


def _c_conveyance(s, rng):
    """Transport mode, the office of entry (seaport or airport) and the vessel or flight of the
    last leg."""
    n, st, k = s["n"], s["stream_code"], len(_COUNTRIES)
    modes = sorted({m for t in ref.STREAMS.values() for m in t["conveyance"]})
    by_stream = np.array([_weights(t["conveyance"], modes) for t in ref.STREAMS.values()])
    mode = sampling.draw_by_group(rng, st, by_stream)
    vessel = mode == modes.index("Vessel")
    entry = ref.ENTRY_POINTS[s["country"]]
    last = np.where(s["hub"] >= 0, s["hub"], s["origin"])
    flights = [
        f"{ref.AIRLINE_DESIGNATORS[c]}{100 + (37 * i + 11) % 900:04d}"
        for i, c in enumerate(_COUNTRIES)
    ]
    imo = [
        f"IMO {9_000_000 + x // 10 * 10 + _imo_check(9_000_000 + x // 10 * 10)}"
        for x in rng.integers(0, 999_999, ref.N_VESSELS)
    ]
    ship = rng.integers(0, len(imo), size=n)
    s["air_cargo"] = (st == _STREAMS.index("Cargo")) & ~vessel
    s["transport_mode"] = sampling.categorical(mode, modes)
    s["office"] = sampling.categorical(
        vessel.astype(np.int64), [entry["airport"], entry["seaport"]]
    )
    s["conveyance_ref"] = sampling.categorical(np.where(vessel, k + ship, last), flights + imo)


def _imo_check(number: int) -> int:
    """The check digit of an IMO ship number (first six digits weighted 7 down to 2)."""
    digits = [int(d) for d in str(number)[:6]]
    return sum(d * w for d, w in zip(digits, range(7, 1, -1))) % 10


def _c_value(s, rng):
    """Gross weight, true and declared value, the value per kg against the norm for the declared
    goods, and the duty: declared, and owed on the truth.

    A company's price level moves its values (discount traders declare low unit values, honestly);
    undervaluation declares a share of the true value; a revealed misdeclaration keeps the true
    goods' value, so its value per kg is off the declared code's norm.
    """
    st, com = s["stream_code"], s["com"]
    cargo_kg = np.array([t["cargo_kg"] for t in ref.HS_CHAPTERS.values()])[s["true_chapter"]]
    small = np.array([t["kg"] or (1.0, 1.0) for t in ref.STREAMS.values()])[st]
    cargo_kg = np.where(s["air_cargo"], cargo_kg / 10.0, cargo_kg)  # air freight: smaller lots
    median = np.where(st == _STREAMS.index("Cargo"), cargo_kg, small[:, 0])
    sigma = np.where(st == _STREAMS.index("Cargo"), 0.5, small[:, 1])
    weight = np.maximum(np.round(sampling.lognormal(rng, median, sigma), 2), 0.05)
    ratio_sd = np.array([t["value_sd"] for t in ref.STREAMS.values()])[st]
    smug = np.array([_SMUGGLING[c]["value_ratio"] for c in s["commodities"]])[np.maximum(com, 0)]
    loud = s["loud"]
    ratio = sampling.lognormal(
        rng, np.where(loud, smug[:, 0], s["price"]), np.where(loud, smug[:, 1], ratio_sd)
    )
    norm = _CODE_VALUE[np.where(s["misd"] & ~s["hidden"], s["true_code"], s["code"])]
    true_value = np.maximum(np.round(weight * norm * ratio, 2), 1.0)
    u = _FRAUD["undervaluation"]
    f, cap = (np.array(u[k])[s["hidden"].astype(np.int64)] for k in ("value_factor", "value_cap"))
    factor = np.minimum(sampling.lognormal(rng, f[:, 0], f[:, 1]), cap)
    declared = np.where(s["under"], np.maximum(np.round(true_value * factor, 2), 1.0), true_value)
    # An undervalued declaration is at least one dollar under the truth, so duty is always lost.
    true_value = np.where(s["under"], np.maximum(true_value, declared + 1.0), true_value)
    rate = _RATE[s["chapter"]]
    duty = np.round(declared * rate / 100.0, 2)
    owed = np.round(true_value * _RATE[s["true_chapter"]] / 100.0, 2)
    s["gross_weight_kg"], s["declared_value_usd"] = weight, declared
    s["value_per_kg"] = np.round(declared / weight, 2)
    s["value_ratio"] = np.round(declared / weight / _CODE_VALUE[s["code"]], 3)
    s["duty_rate"], s["declared_duty_usd"] = rate, duty
    s["true_value_usd"] = true_value
    s["revenue_at_risk_usd"] = np.where(s["under"] | s["misd"], np.round(owed - duty, 2), 0.0)


def _c_declarant(s, rng):
    """Customs broker for companies (some smugglers use watch-listed ones); operators otherwise."""
    n, com = s["n"], s["com"]
    brokers = [f"BRK{i:03d}" for i in range(1, ref.N_DECLARANTS + 1)]
    operators = ref.OPERATOR_DECLARANTS
    labels = brokers + list(operators.values())
    broker = sampling.draw(rng, 1.0 / np.arange(1, len(brokers) + 1) ** 0.8, n)
    watch = sampling.index_of(ref.WATCHLIST_DECLARANTS, brokers)
    watch_p = np.array([_SMUGGLING[c]["watchlist"] for c in s["commodities"]])[np.maximum(com, 0)]
    watch_p = np.where(s["loud"], watch_p, np.where(s["loud_rev"], _per_fraud(s, "watchlist"), 0))
    use_watch = rng.random(n) < watch_p
    broker = np.where(use_watch, watch[rng.integers(0, len(watch), size=n)], broker)
    # Per stream, the label of the operator that declares for private consignees (-1: a broker).
    operator = np.array(
        [len(brokers) + list(operators).index(x) if x in operators else -1 for x in _STREAMS]
    )[s["stream_code"]]
    by_operator = s["private"] & (operator >= 0)
    s["declarant"] = sampling.categorical(np.where(by_operator, operator, broker), labels)


def _c_truth(s, rng):
    """What is hidden: the offence; for smuggling the commodity, quantity, unit, value and
    concealment (zero or missing otherwise)."""
    com, ill, st = np.maximum(s["com"], 0), s["smug"], s["stream_code"]
    q = [[_SMUGGLING[c]["quantity"][1].get(x, (1.0, 0.0)) for x in _STREAMS]
         for c in s["commodities"]]  # fmt: skip
    q = np.array(q)[com, st]
    qty = np.where(ill, sampling.lognormal(rng, q[:, 0], q[:, 1]), 0.0)
    units = [_SMUGGLING[c]["quantity"][0] for c in s["commodities"]]
    value = np.array([ref.COMMODITIES[c][2] for c in s["commodities"]])[com]
    places = [ref.STREAM_CONCEALMENT[x] for x in _STREAMS]
    s["offence"] = sampling.categorical(s["offence"], ["none", *ref.OFFENCES])
    s["true_commodity"] = sampling.categorical(s["com"], s["commodities"])
    s["true_quantity"] = np.round(qty, 3)
    s["true_unit"] = sampling.categorical(np.where(ill, com, -1), units)
    s["true_contraband_value_usd"] = np.round(qty * value, 2)
    s["true_concealment"] = sampling.categorical(np.where(ill, st, -1), places)
    s["stream"] = sampling.categorical(st, _STREAMS)
    s["consignment_id"] = np.arange(1, s["n"] + 1, dtype=np.int64)


# Order matters: dates first (the route shift depends on them), then who smuggles what through
# which stream; the importer before the goods (a company mostly declares its own trade); goods
# before the origin (usual exporters depend on the goods) and before the value (norms are per HS
# code); the origin before the transit (a hub is never the origin), the transit before the
# conveyance (the flight is the last leg's) and the conveyance before the value (air cargo lots
# are smaller).
CONSIGNMENT_STEPS = [
    _c_dates,
    _c_who,
    _c_importer,
    _c_goods,
    _c_names,
    _c_origin,
    _c_transit,
    _c_conveyance,
    _c_value,
    _c_declarant,
    _c_truth,
]
# The truth: what an inspection finds. Smuggling fills the commodity columns; undervaluation and
# misdeclaration make the true value or HS code differ from the declared one.
CONSIGNMENT_TRUTH_COLUMNS = [
    "illicit", "offence", "true_commodity", "true_quantity", "true_unit",
    "true_contraband_value_usd", "true_concealment", "true_hs_code", "true_value_usd",
    "revenue_at_risk_usd",
]  # fmt: skip
CONSIGNMENT_COLUMNS = [
    "consignment_id", "declaration_date", "stream", "transport_mode", "office",
    "conveyance_ref", "importer_id", "importer_name", "importer_type", "importer_main_chapter",
    "importer_age_days", "importer_prior_declarations", "declarant", "hs_code", "hs_chapter",
    "goods_description", "origin_country", "transit_country", "route", "gross_weight_kg",
    "declared_value_usd", "value_per_kg", "value_ratio", "duty_rate", "declared_duty_usd",
    "trade_mismatch", "unusual_origin", *CONSIGNMENT_TRUTH_COLUMNS,
]  # fmt: skip
