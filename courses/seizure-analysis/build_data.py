"""Data files of the seizure-analysis assignments, built deterministically by cenlab.

Rebuild with ``python -m cenlab.course build-data courses/seizure-analysis/source/<assignment>``.
Both assignments use the same synthetic extract: two years of seizures from about 3,000 cases.

The generator's cases hold one to six seizures. Real extracts also hold a few large cross-border
cases with many seizures (a container of counterfeits, one seizure per brand; a postal operation,
one seizure per parcel of drugs), and these are what tell a share of cases from a share of
seizures: in this extract the section with the highest share of e-commerce *cases* is not the one
with the highest share of e-commerce *seizures*. ``add_large_cases`` adds them.
"""

import numpy as np
import pandas as pd

from cenlab.files import write_tables
from cenlab.seeding import make_rng
from cenlab.synth import make_seizures

EXTRACT = {"n_cases": 3_000, "seed": 2025, "start": "2024-01-01", "end": "2025-12-31"}
ASSIGNMENTS = {
    "01-exploring-seizures": EXTRACT,
    "02-visualising-and-dashboards": EXTRACT,
}
# Large cross-border cases: section, e-commerce?, kind of place, route (None: any cross-border
# route), what their extra seizures hold (commodities; None: any of the section), number of cases,
# extra seizures per case. Assumption: sizes chosen so that counting cases and counting seizures
# give different leaders (e-commerce share by section, busiest Cannabis route, busiest Drugs route).
LARGE_CASES = [
    ("IPR, Health and Safety", False, "Seaport", None, None, 15, 10),  # containers of counterfeits
    ("Drugs", True, "Mail Centre", ("US", "NL"), ["Cannabis"], 6, 12),  # online cannabis orders
    (
        "Drugs",
        True,
        "Mail Centre",
        ("CZ", "DK"),
        ["Psychotropic substances", "New Psychoactive Substances"],
        11,
        20,
    ),
]
# What differs between the seizures of one case; the rest (date, place, route, ...) is the case's.
SEIZURE_FIELDS = ["commodity", "commodity_detail", "hs_code", "quantity", "unit", "value_usd"]


def add_large_cases(seizures: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``seizures`` with extra seizures in a few cross-border cases of ``LARGE_CASES``.

    Each extra seizure repeats its case's fields and takes what was seized from another seizure
    of the same section and e-commerce kind; ``seizure_id`` numbers continue the case's own.
    """
    rng = make_rng(seed, stream="large_cases")
    route = seizures[["departure_country", "destination_country"]].astype(str)
    cross_border = route["departure_country"] != route["destination_country"]
    sizes = seizures.groupby("case_id", observed=True).size()
    firsts = ~seizures["case_id"].duplicated()
    parts = [seizures]
    for section, online, place, on_route, holding, n_cases, extra in LARGE_CASES:
        kind = (seizures["section"] == section) & (seizures["ecommerce"] == online)
        where = firsts & kind & cross_border & (seizures["location_type"] == place)
        if on_route is not None:
            where &= (route["departure_country"] == on_route[0]) & (
                route["destination_country"] == on_route[1]
            )
        candidates = seizures.index[where].to_numpy()
        chosen = np.sort(rng.choice(candidates, size=n_cases, replace=False))
        held = kind if holding is None else kind & seizures["commodity"].isin(holding)
        donors = seizures.loc[held, SEIZURE_FIELDS].reset_index(drop=True)
        picks = np.concatenate([rng.choice(len(donors), size=extra, replace=False) for _ in chosen])
        new = seizures.loc[np.repeat(chosen, extra)].reset_index(drop=True)
        for col in SEIZURE_FIELDS:
            new[col] = donors[col].to_numpy()[picks]
        number = sizes.loc[new["case_id"]].to_numpy() + np.tile(np.arange(1, extra + 1), n_cases)
        new["seizure_id"] = [f"{c}-{k:02d}" for c, k in zip(new["case_id"], number)]
        parts.append(new)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["case_id", "seizure_id"], ignore_index=True)


def build(assignment: str, out) -> list:
    """Write ``seizures.csv`` for ``assignment`` into ``out``."""
    spec = dict(ASSIGNMENTS[assignment])
    seizures = make_seizures(spec.pop("n_cases"), **spec)
    seizures = add_large_cases(seizures, seed=spec["seed"])
    return write_tables({"seizures": seizures}, out)
