"""Probability tables derived once from the reference data, in the order of their code lists.

The generator draws from these arrays; tests compare generated shares with the same targets.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from cenlab.reference import operations as ops
from cenlab.reference.commodities import ASSUMED_DETAILS, FLOW_UNITS
from cenlab.reference.flows import FLOWS, SECTION_DETECTION
from cenlab.reference.regions import COUNTRY_REGION, LANDLOCKED, REGION_SEIZURES
from cenlab.synth.sampling import ipf, normalise

FLOW_NAMES = list(FLOWS)


def mix_vector(mix: dict, codes: list[str]) -> np.ndarray:
    """A {code: share} table as a vector in the order of ``codes``; an unknown code is a typo."""
    unknown = set(mix) - set(codes)
    if unknown:
        raise ValueError(f"unknown codes {sorted(unknown)}; accepted: {', '.join(codes)}")
    return np.array([float(mix.get(c, 0.0)) for c in codes])


def flow_mix(flow: str, kind: str) -> dict:
    """The ``kind`` mix (location, concealment, direction) of ``flow``: ITR figures if given,
    else cenlab's assumed mix, else the mix of the flow's section."""
    spec = FLOWS[flow]
    if kind in spec:
        return spec[kind]
    if kind in ops.ASSUMED_MIXES.get(flow, {}):
        return ops.ASSUMED_MIXES[flow][kind]
    siblings = [f for f, s in FLOWS.items() if s["section"] == spec["section"] and kind in s]
    if not siblings:
        raise ValueError(f"no {kind} mix for {flow!r}")
    total: dict = {}
    for f in siblings:
        probs = normalise(list(FLOWS[f][kind].values()))
        for k, v in zip(FLOWS[f][kind], probs):
            total[k] = total.get(k, 0.0) + v * FLOWS[f]["seizures"]
    return total


@cache
def tables() -> dict:
    """Arrays indexed by flow (rows) and code (columns), ready for vectorised draws."""
    n = len(FLOW_NAMES)
    locs, concs = ops.LOCATION_TYPES, ops.CONCEALMENTS
    mask = np.array([[c in ops.CONCEALMENT_AT[loc] for c in concs] for loc in locs])
    joint = np.zeros((n, len(locs) * len(concs)))
    direction = np.zeros((n, len(ops.DIRECTIONS)))
    for i, flow in enumerate(FLOW_NAMES):
        loc = mix_vector(flow_mix(flow, "location"), locs)
        conc = mix_vector(flow_mix(flow, "concealment"), concs)
        joint[i] = ipf(loc, conc, mask).ravel()
        direction[i] = normalise(mix_vector(flow_mix(flow, "direction"), ops.DIRECTIONS))
    detection = np.array(
        [
            normalise(mix_vector(SECTION_DETECTION[FLOWS[f]["section"]], ops.DETECTION_METHODS))
            for f in FLOW_NAMES
        ]
    )
    seizures = np.array([FLOWS[f]["seizures"] for f in FLOW_NAMES], dtype=float)
    cases = np.array([FLOWS[f]["cases"] for f in FLOW_NAMES], dtype=float)
    sea = np.isin(np.repeat(locs, len(concs)), ops.SEA_LOCATIONS)
    return {
        "case_weights": normalise(cases),
        "joint_inland": np.where(sea[None, :], 0.0, joint),
        "extra_seizures": seizures / cases - 1.0,
        "joint": joint,
        "direction": direction,
        "detection": detection,
        "ecommerce": np.array([FLOWS[f]["ecommerce_pct"] / 100 for f in FLOW_NAMES]),
        "section_of_flow": [FLOWS[f]["section"] for f in FLOW_NAMES],
    }


def details(flow: str) -> dict:
    """Sub-commodity weights of ``flow``; the flow itself when the report names none."""
    return FLOWS[flow]["details"] or ASSUMED_DETAILS.get(flow) or {flow: 1}


def unit_table() -> dict:
    """Per-flow arrays: unit, lognormal mu and sigma, USD per unit, HS code."""
    units, mu, sigma, price, hs = [], [], [], [], []
    for f in FLOW_NAMES:
        u, mean, s, p, code = FLOW_UNITS[f]
        units.append(u)
        mu.append(np.log(mean) - s**2 / 2)
        sigma.append(s)
        price.append(p)
        hs.append(code)
    return {
        "unit": np.array(units, dtype=object),
        "mu": np.array(mu),
        "sigma": np.array(sigma),
        "price": np.array(price),
        "hs_code": np.array(hs, dtype=object),
    }


@cache
def countries() -> np.ndarray:
    """Every country code the generator can write, sorted; ``XX`` (unknown) among them."""
    codes = set(COUNTRY_REGION) | {"XX"}
    for spec in FLOWS.values():
        codes |= {r[0] for r in spec["routes"]} | {r[1] for r in spec["routes"]}
        codes |= {r[0] for r in spec["reporters"]}
    return np.array(sorted(codes), dtype=object)


@cache
def landlocked_codes() -> np.ndarray:
    """Indices (into ``countries()``) of landlocked countries."""
    return np.searchsorted(countries(), [c for c in LANDLOCKED if c in set(countries())])


def country_index(code: str) -> int:
    return int(np.searchsorted(countries(), code))


@cache
def world_pool() -> tuple[np.ndarray, np.ndarray]:
    """Indices (into ``countries()``) of countries with a WCO region, weighted by their region's
    seizures per country."""
    codes = np.array(sorted(COUNTRY_REGION), dtype=object)
    per_region = {r: sum(1 for c in COUNTRY_REGION.values() if c == r) for r in REGION_SEIZURES}
    w = np.array(
        [REGION_SEIZURES[COUNTRY_REGION[c]] / per_region[COUNTRY_REGION[c]] for c in codes]
    )
    return np.searchsorted(countries(), codes), normalise(w)


@cache
def detail_codes() -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """All sub-commodity names, and per flow the global index and weight of each of its own."""
    names = list(dict.fromkeys(d for f in FLOW_NAMES for d in details(f)))
    index = [np.array([names.index(d) for d in details(f)]) for f in FLOW_NAMES]
    weights = [np.array(list(details(f).values()), dtype=float) for f in FLOW_NAMES]
    return names, index, weights
