"""Seeded data-entry mistakes with an answer key, each paired with the rule that must catch it.

``inject_defects(df, seed=...)`` returns a damaged copy of a seizure frame and the answer key:
one row per damaged cell with the defect type, the rule that must flag it, the value before and
after. Each damaged record gets one mistake; a record entered twice follows the one it copies, a
case entered twice follows the whole case, and the key's ``row`` is the row in the damaged frame. ``recall`` scores a validator's
findings against the key. What each mistake looks like is in ``cenlab.reference.defects``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pycountry

from cenlab import schema
from cenlab.quality import rules as rulebook
from cenlab.reference import defects as ref
from cenlab.reference import operations as ops
from cenlab.reference.commodities import FLOW_UNITS
from cenlab.seeding import check_seed, make_rng
from cenlab.synth.options import keyword_options

KEY_COLUMNS = ["row", "seizure_id", "field", "defect", "rule", "dimension", "original", "damaged"]
COUNTRIES = rulebook.COUNTRY_FIELDS
# defect type -> (inject, where): ``where(clean, ctx)`` marks the records where the mistake is
# possible (None: all); ``inject(clean, out, rows, rng, ctx)`` damages ``rows`` of ``out`` and
# returns key entries (field, rows, before, after[, rule when not the type's first rule]).
INJECTORS: dict[str, tuple[Callable, Callable | None]] = {}


def injector(name: str, where=None):
    def register(inject):
        INJECTORS[name] = (inject, where)
        return inject

    return register


def describe() -> pd.DataFrame:
    """The defect types in plain words, with their default rate and the rule that catches them."""
    dims = {r.name: r.dimension for r in rulebook.RULES}
    rows = [(k, d, ref.DEFAULT_RATES[k], rules[0], dims[rules[0]])
            for k, (d, rules) in ref.DEFECT_TYPES.items()]  # fmt: skip
    columns = ["defect", "description", "rate", "rule", "dimension"]
    return pd.DataFrame(rows, columns=columns).set_index("defect")


@keyword_options
def inject_defects(df: pd.DataFrame, *, seed: int = 0, rates=None, cutoff=None):
    """A damaged copy of ``df`` and its answer key (see the module docstring).

    ``rates`` maps defect types to the share of the records where the mistake is possible that
    receive it; types left out keep ``DEFAULT_RATES``, 0 switches one off. ``cutoff`` is the last
    day of the reporting period for ``after_cutoff`` dates (default: the last date in ``df``).
    The seizure date becomes text when mixed date formats are injected, as in an exported file.
    """
    seed, rates = check_seed(seed), _rates(rates)
    clean = df.reset_index(drop=True)
    out, n = clean.copy(), len(clean)
    cutoff = pd.Timestamp(cutoff) if cutoff is not None else _dates(clean).max()
    ctx = {"cutoff": cutoff, "copies": [], "free": np.ones(n, dtype=bool)}
    keys = []
    for name in ref.DEFECT_TYPES:  # in this order: dates turn into text after the date slips
        inject, where = INJECTORS[name]
        rng = make_rng(seed, stream=f"defects.{name}")
        eligible = where(clean, ctx) if where else np.ones(n, dtype=bool)
        rows = _pick(rng, eligible & ctx["free"], round(rates[name] * eligible.sum()))
        ctx["free"][rows] = False
        if not len(rows):
            continue
        for field, pos, before, after, *rule in inject(clean, out, rows, rng, ctx):
            rule = rule[0] if rule else ref.DEFECT_TYPES[name][1][0]
            entry = {"row": pos, "field": field, "defect": name, "rule": rule}
            keys.append(pd.DataFrame(entry | {"original": before, "damaged": after}))
    return _assemble(out, clean, ctx["copies"], keys)


def _rates(rates) -> dict:
    given = dict(rates or {})
    unknown = sorted(set(given) - set(ref.DEFECT_TYPES))
    if unknown:
        raise ValueError(f"unknown defect types {unknown}; accepted: {', '.join(ref.DEFECT_TYPES)}")
    bad = {k: v for k, v in given.items() if not 0 <= v <= 1}
    if bad:
        raise ValueError(f"rates must be between 0 and 1, got {bad}")
    return ref.DEFAULT_RATES | given


def _pick(rng, mask: np.ndarray, k: int) -> np.ndarray:
    pool = np.flatnonzero(mask)
    return np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False))


def _text(values) -> np.ndarray:
    """Values as the text a trainee sees in a table; None where empty."""
    s = pd.Series(values).reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(s):
        s = s.dt.strftime("%Y-%m-%d")
    return s.astype(str).astype(object).where(s.notna().to_numpy(), None).to_numpy()


def _set(out: pd.DataFrame, field: str, rows: np.ndarray, values) -> tuple:
    """Write ``values`` (None: empty) into ``out``; return (field, rows, before, after)."""
    col = out[field]
    before = _text(col.iloc[rows])
    if isinstance(col.dtype, pd.CategoricalDtype) and values is not None:
        new = pd.Index(pd.unique(np.asarray(values, dtype=object))).difference(col.cat.categories)
        col = col.cat.add_categories(new)
    elif field == "ecommerce" and values is None:
        col = col.astype("boolean")
    col = col.copy()
    col.iloc[rows] = values
    out[field] = col
    return field, rows, before, _text(col.iloc[rows])


def _values(clean: pd.DataFrame, field: str) -> np.ndarray:
    return clean[field].astype(object).to_numpy()


def _dates(clean: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(clean["seizure_date"], errors="coerce")


def _canonical(clean: pd.DataFrame) -> np.ndarray:
    """Each record's canonical unit (None for an unknown commodity)."""
    units = {c: u[0] for c, u in FLOW_UNITS.items()}
    return pd.Series(_values(clean, "commodity")).map(units).to_numpy(dtype=object)


def _each(rng, values: np.ndarray, options: Callable) -> np.ndarray:
    """For each row, one of ``options(value)`` at random (one call per distinct value)."""
    u, out = rng.random(len(values)), np.empty(len(values), dtype=object)
    for v in pd.unique(values):
        m = values == v
        opts = np.array(options(v), dtype=object)
        out[m] = opts[(u[m] * len(opts)).astype(int)]
    return out


def _assemble(out, clean, copies, keys):
    """Insert the copies after their originals; number the key's rows in the damaged frame."""
    src = np.concatenate([np.arange(len(out))] + [c[0] + 0.5 for c in copies])
    order = np.argsort(src, kind="stable")
    new_pos = np.empty(len(order), dtype=np.int64)
    new_pos[order] = np.arange(len(order))
    damaged = pd.concat([out] + [c[1] for c in copies], ignore_index=True)
    ids = np.array(damaged["seizure_id"].astype(object))
    ids[: len(out)] = _values(clean, "seizure_id")  # the id before any damage
    key = pd.concat(keys, ignore_index=True) if keys else pd.DataFrame(columns=KEY_COLUMNS)
    pos = key["row"].to_numpy(dtype=np.int64)
    key = key.assign(row=new_pos[pos], seizure_id=ids[pos])
    key["dimension"] = key["rule"].map({r.name: r.dimension for r in rulebook.RULES})
    key = key[KEY_COLUMNS].sort_values(["row", "field"], kind="stable", ignore_index=True)
    return damaged.take(order).reset_index(drop=True), key


# --- the defect types ------------------------------------------------------------------------


def _has_namibia(clean, ctx):
    return np.logical_or.reduce([_values(clean, f) == "NA" for f in COUNTRIES])


@injector("namibia_as_missing", _has_namibia)
def _namibia(clean, out, rows, rng, ctx):
    rows_of = {f: rows[_values(clean, f)[rows] == "NA"] for f in COUNTRIES}
    return [_set(out, f, r, None) for f, r in rows_of.items() if len(r)]


@injector("missing_mandatory")
def _missing(clean, out, rows, rng, ctx):
    names, w = list(ref.MISSING_FIELD_WEIGHTS), np.array(list(ref.MISSING_FIELD_WEIGHTS.values()))
    pick = rng.choice(len(names), size=len(rows), p=w / w.sum())
    rule = {f: "country_missing" if f in COUNTRIES else "mandatory_missing" for f in names}
    return [(*_set(out, names[i], rows[pick == i], None), rule[names[i]]) for i in np.unique(pick)]


@injector("invalid_country")
def _invalid_country(clean, out, rows, rng, ctx):
    which = rng.integers(0, len(COUNTRIES), size=len(rows))
    return [_set(out, f, rows[which == i], _each(rng, _values(clean, f)[rows[which == i]], _wrong_codes))
            for i, f in enumerate(COUNTRIES) if (which == i).any()]  # fmt: skip


def _wrong_codes(code: str) -> list[str]:
    """Codes an officer might type for ``code``: its usual confusion (most often), its alpha-3
    code, lower case, or a made-up code."""
    alpha3 = getattr(pycountry.countries.get(alpha_2=code), "alpha_3", None)
    usual = ref.WRONG_CODES_FOR.get(code, []) * 8
    return usual + [alpha3] * 2 * bool(alpha3) + [code.lower()] + ref.MADE_UP_CODES


def _valued(clean) -> np.ndarray:
    """Records whose value can show a wrong quantity (a value of at least USD 1)."""
    if "value_usd" not in clean:
        return np.zeros(len(clean), dtype=bool)
    return clean["value_usd"].to_numpy() >= 1


def _mixups(clean) -> np.ndarray:
    """Per record and mix-up of UNIT_MIXUPS, whether it can happen: a change of unit shows in
    the unit, a wrong factor only in the value; cartons hold many pieces; tonnes are large."""
    canon, qty, valued = _canonical(clean), clean["quantity"].to_numpy(), _valued(clean)
    ok = [(canon == c) & (qty > 0) & (valued | (u != c))
          & ((qty * f >= 5) if c == u == "pieces" else (qty >= 1000) if f < 1 else True)
          for c, u, f, _ in ref.UNIT_MIXUPS]  # fmt: skip
    return np.column_stack(ok)


@injector("unit_mixup", lambda clean, ctx: _mixups(clean).any(axis=1))
def _unit_mixup(clean, out, rows, rng, ctx):
    ok = _mixups(clean)[rows]
    choice = (ok * rng.random(ok.shape)).argmax(axis=1)  # one of the mix-ups possible on each row
    qty, keys = clean["quantity"].to_numpy()[rows], []
    for i, (canon, unit, factor, _) in enumerate(ref.UNIT_MIXUPS):
        m, rule = choice == i, "value_per_unit" if unit == canon else "unit_for_commodity"
        if m.any() and factor != 1:
            new = qty[m] * factor
            new = np.maximum(np.round(new), 1.0) if unit == "pieces" else np.round(new, 6)
            keys.append((*_set(out, "quantity", rows[m], new), rule))
        if m.any() and unit != canon:
            keys.append((*_set(out, "unit", rows[m], np.full(m.sum(), unit, dtype=object)), rule))
    return keys


@injector("quantity_slip", lambda clean, ctx: (_canonical(clean) != "USD") & _valued(clean))
def _quantity_slip(clean, out, rows, rng, ctx):
    factors = np.array(list(ref.QUANTITY_SLIPS))[
        rng.integers(0, len(ref.QUANTITY_SLIPS), len(rows))
    ]
    qty, pieces = clean["quantity"].to_numpy()[rows], _canonical(clean)[rows] == "pieces"
    factors = np.where(pieces & (np.abs(qty * factors) < 5), 1 / factors, factors)  # whole pieces
    new = np.where(pieces, np.round(qty * factors), np.round(qty * factors, 6))
    return [(*_set(out, "quantity", rows[m], new[m]), rule)
            for m, rule in ((factors > 0, "value_per_unit"), (factors < 0, "quantity_positive"))
            if m.any()]  # fmt: skip


def _dated(clean, ctx):
    return _dates(clean).notna().to_numpy()


@injector("future_date", _dated)
def _future_date(clean, out, rows, rng, ctx):
    dates = pd.DatetimeIndex(_dates(clean).to_numpy()[rows])
    years = np.array(ref.FUTURE_YEAR_SLIPS)[rng.integers(0, len(ref.FUTURE_YEAR_SLIPS), len(rows))]
    new = dates.to_numpy().copy()
    for y in np.unique(years):
        new[years == y] = (dates[years == y] + pd.DateOffset(years=int(y))).to_numpy()
    return [_set(out, "seizure_date", rows, new)]


@injector("after_cutoff", _dated)
def _after_cutoff(clean, out, rows, rng, ctx):
    lo, hi = ref.AFTER_CUTOFF_DAYS
    days = pd.to_timedelta(rng.integers(lo, hi + 1, len(rows)), unit="D")
    return [_set(out, "seizure_date", rows, (ctx["cutoff"].normalize() + days).to_numpy())]


@injector("mixed_date_format", _dated)
def _mixed_dates(clean, out, rows, rng, ctx):
    if not len(rows):
        return []
    dates = _dates(out)
    out["seizure_date"] = dates.dt.strftime("%Y-%m-%d").astype("string")  # the file holds text
    which = rng.integers(0, len(ref.DATE_FORMATS), len(rows))
    text = np.empty(len(rows), dtype=object)
    for i, f in enumerate(ref.DATE_FORMATS):
        text[which == i] = dates.iloc[rows[which == i]].dt.strftime(f).to_numpy(dtype=object)
    return [_set(out, "seizure_date", rows, text)]


@injector("commodity_variant")
def _commodity_variant(clean, out, rows, rng, ctx):
    def variants(c):
        return ref.COMMODITY_VARIANTS.get(c) or [c.lower(), c.upper()]

    return [_set(out, "commodity", rows, _each(rng, _values(clean, "commodity")[rows], variants))]


@injector("conveyance_location", lambda clean, ctx: clean["location_type"].isin(list(ops.CONVEYANCE_FORBIDDEN_AT)).to_numpy())  # fmt: skip
def _conveyance_location(clean, out, rows, rng, ctx):
    new = _each(rng, _values(clean, "location_type")[rows], ops.CONVEYANCE_FORBIDDEN_AT.get)
    return [_set(out, "conveyance", rows, new)]


def _route_ends(clean):
    """Per record: the end to overwrite so that departure equals destination, its new value, and
    whether that gives a known country (the officer typed the reporting country twice, usually)."""
    dep, dest, home = (_values(clean, f) for f in (*COUNTRIES[1:], COUNTRIES[0]))
    field = np.where(dest == home, COUNTRIES[1], COUNTRIES[2])
    value = np.where((dest == home) | (dep == home), home, dep)
    return field, value, (value != schema.UNKNOWN_COUNTRY) & (dep != dest) & pd.notna(value)


@injector("same_departure_destination", lambda clean, ctx: _route_ends(clean)[2])
def _same_route(clean, out, rows, rng, ctx):
    field, value, _ = _route_ends(clean)
    return [_set(out, f, rows[field[rows] == f], value[rows][field[rows] == f])
            for f in COUNTRIES[1:] if (field[rows] == f).any()]  # fmt: skip


@injector("cash_in_kg", lambda clean, ctx: (_canonical(clean) == "USD") & (clean["quantity"] > 0).to_numpy())  # fmt: skip
def _cash_in_kg(clean, out, rows, rng, ctx):
    kg = np.maximum(np.round(clean["quantity"].to_numpy()[rows] / ref.CASH_USD_PER_KG, 3), 0.001)
    return [
        _set(out, "quantity", rows, kg),
        _set(out, "unit", rows, np.full(len(rows), "kg", object)),
    ]


@injector("section_mismatch", lambda clean, ctx: clean["section"].isin(ops.SECTIONS).to_numpy())
def _section_mismatch(clean, out, rows, rng, ctx):
    now = pd.Index(ops.SECTIONS).get_indexer(_values(clean, "section")[rows])
    new = (now + rng.integers(1, len(ops.SECTIONS), len(rows))) % len(ops.SECTIONS)
    return [_set(out, "section", rows, np.array(ops.SECTIONS, dtype=object)[new])]


@injector("duplicate_seizure")
def _duplicate_seizure(clean, out, rows, rng, ctx):
    return _copy(out, rows, ctx, out.iloc[rows].copy())


def _case_starts(clean, ctx):
    """The first record of each case whose records are all still undamaged."""
    case = pd.factorize(clean["case_id"])[0]
    damaged = np.bincount(
        case[case >= 0], weights=~ctx["free"][case >= 0], minlength=case.max() + 1
    )
    return ~pd.Series(case).duplicated().to_numpy() & (case >= 0) & (damaged[case] == 0)


@injector("double_counted_case", _case_starts)
def _double_counted(clean, out, rows, rng, ctx):
    case = pd.factorize(clean["case_id"])[0]
    src = np.flatnonzero(np.isin(case, case[rows]))
    ctx["free"][src] = False
    last = pd.Series(src).groupby(case[src]).transform("max").to_numpy()
    copies = out.iloc[src].copy()
    new_case = pd.Series(_new_case_ids(_values(clean, "case_id"), case[src]), index=copies.index)
    number = (new_case.groupby(new_case).cumcount() + 1).astype("string")
    copies["case_id"] = new_case.astype(clean["case_id"].dtype)
    copies["seizure_id"] = (new_case.astype("string") + "-" + number).astype(
        clean["seizure_id"].dtype
    )
    return _copy(out, last, ctx, copies)  # the copied case follows the whole original case


def _new_case_ids(all_ids: np.ndarray, case_codes: np.ndarray) -> np.ndarray:
    """Case ids after the highest one, as the system would number a case entered again."""
    ids = pd.Series(pd.unique(all_ids)).astype("string[pyarrow]")
    digits = ids.str.slice(1)
    numbered = bool((ids.str.startswith("C") & digits.str.isdigit()).all())
    width = int(digits.str.len().max()) if numbered else 7
    start = int(digits.astype("int64").max()) + 1 if numbered else 1
    _, new = np.unique(case_codes, return_inverse=True)
    return np.char.add("C", np.char.zfill((start + new).astype(str), width)).astype(object)


def _copy(out, after, ctx, copies):
    """Queue ``copies`` to go after rows ``after``; their key entries point past ``out``'s end."""
    first = len(out) + sum(len(c[0]) for c in ctx["copies"])
    ctx["copies"].append((after, copies))
    pos = np.arange(first, first + len(after))
    return [
        ("seizure_id", pos, np.full(len(after), None, dtype=object), _text(copies["seizure_id"]))
    ]


# --- scoring a validator against the key ---------------------------------------------------


def recall(report, key: pd.DataFrame) -> pd.DataFrame:
    """Per defect type: mistakes injected, caught by one of the rules paired with it, and the
    share caught. ``report`` is a QualityReport or its findings frame."""
    findings = getattr(report, "findings", report)
    events = key[["row", "defect"]].drop_duplicates()
    pairs = [(k, r) for k, (_, rules) in ref.DEFECT_TYPES.items() for r in rules]
    flagged = findings[["row", "rule"]].astype({"rule": str}).drop_duplicates()
    hits = events.merge(pd.DataFrame(pairs, columns=["defect", "rule"])).merge(flagged)
    out = events.groupby("defect").size().rename("injected").to_frame()
    out["caught"] = hits.drop_duplicates(["row", "defect"]).groupby("defect").size()
    out["caught"] = out["caught"].fillna(0).astype(int)
    out["recall"] = out["caught"] / out["injected"]
    return out.reindex([d for d in ref.DEFECT_TYPES if d in out.index])


def false_positive_rate(report, key: pd.DataFrame) -> float:
    """The share of undamaged records the validator flagged anyway."""
    damaged = set(key["row"])
    clean = report.n_rows - len(damaged)
    return len(set(report.findings["row"]) - damaged) / clean if clean else 0.0
