"""Seizure records told as short officer reports, for data-entry drills.

``narrate(df, seed=...)`` writes one report per seizure in varied wording: dates in several
formats, quantities in other units or in words, places and countries by name, the courier as "a
34-year-old Nigerian national arriving on a flight from São Paulo". Every field a trainee must
enter can be read from the report: a concealment or conveyance the report does not mention is
Unknown, goods not said to be bought online are not e-commerce, an import goes to the reporting
country and an export leaves from it unless the report names another country. The wording tables
live in ``cenlab.reference.narrative``.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from cenlab.reference.narrative import (
    CONCEALED,
    CONVEYED,
    DETECTED,
    GOODS,
    MOTION,
    NAMES,
    ONLINE,
    PERSON_CONCEALMENTS,
    PLACE_AT,
    PLACES,
    REPORTS,
    VALUES,
    WORDS,
)
from cenlab.schema import country_name
from cenlab.seeding import check_seed, make_rng


def narrate(df: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """One officer report per seizure of ``df``, indexed like it; the same seed gives the same
    wording."""
    rng = make_rng(check_seed(seed), stream="narrative")
    n = len(df)
    col = {c: df[c].astype(object).to_numpy() for c in df.columns}
    home = col["reporting_country"]
    v = {"country": _country(home), "date": _dates(rng, pd.to_datetime(df["seizure_date"]))}
    city = _per_value(home, lambda c: PLACES.get(c, (None,))[0])
    known = pd.notna(city)
    place = np.where(
        known,
        _choose(rng, {k: t[0] for k, t in PLACE_AT.items()}, col["location_type"]),
        _choose(rng, {k: t[1] for k, t in PLACE_AT.items()}, col["location_type"]),
    )
    v["place"] = _fill(place, {"city": np.where(known, city, ""), **v})
    v["detected"] = _choose(rng, DETECTED, col["detection_method"])
    v["concealed"] = _choose(rng, CONCEALED, col["concealment"])
    route = {
        "dep": _where(rng, col["departure_country"]),
        "dest": _where(rng, col["destination_country"]),
        "conveyed": _choose(rng, CONVEYED, col["conveyance"]),
        "country": v["country"],
    }
    motion = _fill(np.array([MOTION[d] for d in col["direction"]], dtype=object), route)
    motion = motion + np.where(
        (col["direction"] == "Import") & (col["destination_country"] != home),
        " bound for " + route["dest"],
        "",
    )
    motion = motion + np.where(
        (col["direction"] == "Export") & (col["departure_country"] != home),
        " (the goods came from " + route["dep"] + ")",
        "",
    )
    person = np.isin(col["concealment"], PERSON_CONCEALMENTS)
    age = rng.integers(19, 66, n).astype(str)
    who = np.where(
        person,
        "a " + age + "-year-old " + _demonym(col["departure_country"], col["direction"], home),
        np.array(["a consignment", "a shipment"], dtype=object)[rng.integers(0, 2, n)],
    )
    v["carrier"] = who + " " + motion
    v["qty"], v["goods"] = _quantities(rng, col), _goods(col)
    v["value"] = _fill(
        np.array(VALUES, dtype=object)[rng.integers(0, len(VALUES), n)],
        {"v": _num(col["value_usd"].astype(float), 0)},
    )
    v["ecom"] = np.where(
        col["ecommerce"].astype(bool), np.array(ONLINE, dtype=object)[rng.integers(0, 2, n)], ""
    )
    v["Qty"] = _capital(v["qty"])
    text = _fill(np.array(REPORTS, dtype=object)[rng.integers(0, len(REPORTS), n)], v)
    return pd.Series(text, index=df.index, name="report", dtype=object)


def _fill(templates: np.ndarray, values: dict) -> np.ndarray:
    """Each row's template filled with that row's values (one pass per distinct template)."""
    out = np.empty(len(templates), dtype=object)
    for t in pd.unique(templates):
        rows = np.flatnonzero(templates == t)
        text = np.full(len(rows), "", dtype=object)
        for literal, name, _, _ in string.Formatter().parse(t):
            text = text + literal
            if name is not None:
                val = values[name]
                text = text + (val[rows] if isinstance(val, np.ndarray) else val)
        out[rows] = text
    return out


def _choose(rng, table: dict, keys: np.ndarray) -> np.ndarray:
    """For each row, one of the phrases ``table`` gives for its key, at random."""
    u, out = rng.random(len(keys)), np.empty(len(keys), dtype=object)
    for k in pd.unique(keys):
        m = keys == k
        options = np.array(table[k], dtype=object)
        out[m] = options[(u[m] * len(options)).astype(int)]
    return out


def _per_value(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` applied once per distinct value and spread over the rows."""
    values = pd.Series(values, dtype=object)
    return values.map({v: fn(v) for v in values.unique()}).to_numpy(dtype=object)


def _capital(text: np.ndarray) -> np.ndarray:
    s = pd.Series(text, dtype="string")
    return (s.str.slice(0, 1).str.upper() + s.str.slice(1)).to_numpy(dtype=object)


def _country(codes: np.ndarray) -> np.ndarray:
    return _per_value(codes, _country_name)


def _country_name(code) -> str:
    if code in NAMES:
        return NAMES[code]
    return country_name(code, unknown="an unknown country")


def _where(rng, codes: np.ndarray) -> np.ndarray:
    """A country by name, or by its main city and name, at random."""
    names = _country(codes)
    city = _per_value(codes, lambda c: PLACES.get(c, (None,))[0])
    with_city = pd.notna(city) & (rng.random(len(codes)) < 0.5)
    return np.where(with_city, city.astype(str) + " (" + names + ")", names)


def _demonym(dep: np.ndarray, direction: np.ndarray, home: np.ndarray) -> np.ndarray:
    """The courier's nationality: the country of departure for imports, else the reporting one."""
    country = np.where((direction == "Import") & (dep != "XX"), dep, home)
    return _per_value(
        country,
        lambda c: PLACES[c][1] + " national" if c in PLACES else "national of " + _country_name(c),
    )


def _dates(rng, dates: pd.Series) -> np.ndarray:
    """Each date in one of several ways officers write them (day before month)."""
    d = dates.dt
    day = d.day.astype(str)
    th = np.where(
        d.day.isin([1, 21, 31]),
        "st",
        np.where(d.day.isin([2, 22]), "nd", np.where(d.day.isin([3, 23]), "rd", "th")),
    )
    forms = [
        day + d.strftime(" %B %Y"),
        d.strftime("%A ") + day + d.strftime(" %B %Y"),
        d.strftime("%d/%m/%Y"),
        d.strftime("%d.%m.%Y"),
        "the " + day + th + d.strftime(" of %B %Y"),
        d.strftime("%Y-%m-%d"),
    ]
    table = np.column_stack([np.asarray(f, dtype=object) for f in forms])
    return table[np.arange(len(dates)), rng.integers(0, len(forms), len(dates))]


def _quantities(rng, col: dict) -> np.ndarray:
    """The quantity in its unit, in another unit or in words, whichever reads naturally."""
    q, unit = col["quantity"].astype(float), col["unit"]
    whole = (q == np.round(q)) & (q <= 20)
    words = np.array(WORDS, dtype=object)[np.where(whole, q, 0).astype(int)]
    options = {
        "kg": [
            (True, _num(q) + " kg"),
            (True, _num(q) + " kilograms"),
            (q < 10, _num(q * 1000) + " grams"),
            (q >= 1000, _num(q / 1000) + " tonnes"),
            (whole & (q > 1), words + " kilograms"),
        ],
        "litres": [
            (True, _num(q) + " litres"),
            (q < 1, _num(q * 100) + " centilitres"),
            (whole & (q > 1), words + " litres"),
        ],
        "pieces": [
            (True, _num(q) + " pieces"),
            (True, _num(q) + " items"),
            (whole & (q > 1), words + " items"),
        ],
        "USD": [(True, "USD " + _num(q, 0)), (True, _num(q, 0) + " US dollars")],
    }
    out = _num(q) + " " + unit.astype(str)  # a unit CEN does not use stays as it is
    for u, opts in options.items():
        ok = np.column_stack([np.broadcast_to(c, q.shape) for c, _ in opts]) & (unit == u)[:, None]
        pick = (ok * rng.random(ok.shape)).argmax(axis=1)
        texts = np.column_stack([t for _, t in opts])
        out[unit == u] = texts[np.arange(len(q)), pick][unit == u]
    return out


def _goods(col: dict) -> np.ndarray:
    """What was seized, named as an officer would: the sub-commodity, in lower case."""
    detail = col.get("commodity_detail", col["commodity"])
    name = _per_value(
        detail.astype(str),
        lambda d: GOODS.get(d) or (d[:1].lower() + d[1:] if d[1:2].islower() else d),
    )
    return np.where(col["commodity"] == "Cash", "cash (" + name + " banknotes)", name)


def _num(x: np.ndarray, decimals: int = 3) -> np.ndarray:
    """Numbers with thousands separators and no trailing zeros: 2.4, 1,250, 39,525."""
    return _per_value(
        np.asarray(x, dtype=float),
        lambda v: f"{v:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{v:,.0f}",
    )
