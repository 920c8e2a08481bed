"""National codes, spellings and units to CEN's: "IMP" to Import, DEU to DE, grams to kg.

The tables live in ``reference/cen_mapping.py``; a value with no mapping is left as it was, for
validation to name.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pycountry

from cenlab import schema
from cenlab.reference import cen_mapping as cm


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


@cache
def lookup(field: str) -> dict:
    table = {_norm(c): c for c in schema.field(field).accepted() or ()}
    if schema.field(field).codes == "country":
        table |= {_norm(c.alpha_3): c.alpha_2 for c in pycountry.countries}
    return table | {_norm(k): v for k, v in cm.CODES.get(field, {}).items()}


def recode(col, table: dict, *, other=None) -> pd.Categorical:
    """Each distinct value through ``table``; one without a match stays as it is (or becomes
    ``other``), for validation to name. Empty stays empty."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, uniques = col.cat.codes.to_numpy(), list(col.cat.categories)
    else:
        codes, uniques = pd.factorize(col)
    new = [table.get(_norm(u), u if other is None else other) for u in uniques]
    if isinstance(col.dtype, pd.CategoricalDtype) and new == uniques:
        return col.array  # already CEN's codes
    at, cats = pd.factorize(np.array(new, dtype=object))
    return pd.Categorical.from_codes(np.append(at, -1)[codes], categories=cats)


def map_to_cen(frame: pd.DataFrame) -> pd.DataFrame:
    """National codes, spellings and units replaced by CEN's ("IMP" to Import, DEU to DE, grams
    to kg, ...). A value with no mapping is left as it was, for validation to name."""
    out = {field: recode(frame[field], lookup(field)) for field in cm.CODES}
    u_code, units = pd.factorize(frame["unit"])
    c_code, comms = pd.factorize(out["commodity"])
    units, comms = [*units, None], [*comms, None]  # code -1 (empty) picks the None
    width = len(comms)
    pair, keys = pd.factorize(u_code % len(units) * width + c_code % width)
    cen = [_cen_unit(units[k // width], comms[k % width]) for k in keys]
    out["unit"] = pd.Categorical(np.array([u for u, _ in cen], dtype=object)[pair])
    factor = np.array([f for _, f in cen])[pair]
    qty = pd.to_numeric(frame["quantity"], errors="coerce").to_numpy(float, na_value=np.nan)
    qty = np.where(factor != 1.0, np.round(qty * factor, 9), qty)
    text = not pd.api.types.is_numeric_dtype(frame["quantity"])  # keep what is not a number
    out["quantity"] = (
        np.where(np.isnan(qty), frame["quantity"].astype(object), qty) if text else qty
    )
    if not pd.api.types.is_bool_dtype(frame["ecommerce"]):
        flag = recode(frame["ecommerce"], cm.BOOLEANS)
        known = set(flag.categories) <= {True, False}
        out["ecommerce"] = pd.array(np.asarray(flag, dtype=object), "boolean") if known else flag
    return frame.assign(**out)


def _cen_unit(unit, commodity) -> tuple:
    if unit is None:
        return None, 1.0
    key = _norm(unit)
    return cm.PACKAGING.get((key, commodity)) or cm.UNITS.get(key) or (unit, 1.0)
