"""Meta-tests of the reference tables: weights valid, codes real, cross-references resolve."""

import numpy as np
import pycountry
import pytest

from cenlab.reference import operations as ops
from cenlab.reference.commodities import ASSUMED_DETAILS, FLOW_UNITS
from cenlab.reference.flows import FLOWS, SECTION_DETECTION
from cenlab.reference.locales import LOCALE_FALLBACK, REGION_LOCALE
from cenlab.reference.regions import (
    COUNTRY_REGION,
    LANDLOCKED,
    REGIONS,
    RILO_MEMBERS,
    RILO_REGION,
)
from cenlab.synth import calibration as cal

REAL = {c.alpha_2 for c in pycountry.countries}


def all_flow_countries():
    for spec in FLOWS.values():
        for dep, dest, _ in spec["routes"]:
            yield dep
            yield dest
        for code, _ in spec["reporters"]:
            yield code


def test_every_country_is_a_real_iso_code_or_unknown():
    codes = set(all_flow_countries()) | set(COUNTRY_REGION) | set(LOCALE_FALLBACK) | set(LANDLOCKED)
    assert codes - REAL - {"XX"} == set()


def test_each_country_in_exactly_one_rilo_and_every_rilo_in_a_region():
    members = [c for m in RILO_MEMBERS.values() for c in m]
    assert len(members) == len(set(members))
    assert set(RILO_REGION) == set(RILO_MEMBERS)
    assert set(RILO_REGION.values()) == set(REGIONS) == set(REGION_LOCALE)


def test_every_named_reporter_has_a_region():
    reporters = {code for spec in FLOWS.values() for code, _ in spec["reporters"]}
    assert reporters - set(COUNTRY_REGION) == set()


def test_sections_and_detection_tables_agree():
    assert set(SECTION_DETECTION) == set(ops.SECTIONS)
    assert {spec["section"] for spec in FLOWS.values()} == set(ops.SECTIONS)
    for mix in SECTION_DETECTION.values():
        assert set(mix) == set(ops.DETECTION_METHODS)
        assert 98 <= sum(mix.values()) <= 101


@pytest.mark.parametrize("kind", ["location", "concealment", "direction"])
def test_every_flow_has_a_valid_mix(kind):
    codes = {
        "location": ops.LOCATION_TYPES,
        "concealment": ops.CONCEALMENTS,
        "direction": ops.DIRECTIONS,
    }[kind]
    for flow in FLOWS:
        mix = cal.flow_mix(flow, kind)
        assert set(mix) <= set(codes), (flow, set(mix) - set(codes))
        assert all(v >= 0 for v in mix.values()) and sum(mix.values()) > 0


def test_flow_counts_positive_and_weights_valid():
    for flow, spec in FLOWS.items():
        assert spec["cases"] > 0 and spec["seizures"] >= spec["cases"], flow
        assert all(w > 0 for *_, w in spec["routes"]), flow
        assert all(dep != dest for dep, dest, _ in spec["routes"]), flow
        assert 0 <= spec["ecommerce_pct"] <= 100
        details = cal.details(flow)
        assert details and all(w > 0 for w in details.values())
    assert set(ASSUMED_DETAILS) <= set(FLOWS)


def test_units_table_plausible():
    for flow, (unit, mean, sigma, price, hs) in FLOW_UNITS.items():
        assert unit in ops.UNITS and mean > 0 and 0 < sigma < 3 and price > 0, flow
        assert len(hs) == 7 and hs[4] == "." and hs.replace(".", "").isdigit(), flow


def test_compatibility_tables_name_known_codes():
    assert set(ops.SEA_LOCATIONS) <= set(ops.LOCATION_TYPES)
    assert set(ops.CONCEALMENT_AT) == set(ops.LOCATION_TYPES)
    assert set(ops.CONVEYANCE_AT) == set(ops.LOCATION_TYPES)
    for loc, allowed in ops.CONCEALMENT_AT.items():
        assert set(allowed) <= set(ops.CONCEALMENTS), loc
    for loc, weights in ops.CONVEYANCE_AT.items():
        assert set(weights) <= set(ops.CONVEYANCES)
        assert not set(weights) & set(ops.CONVEYANCE_FORBIDDEN_AT.get(loc, [])), loc


def test_location_concealment_joint_reproduces_both_margins():
    """The fitted joint table keeps each flow's ITR location and concealment shares (0.5 pp)."""
    t = cal.tables()
    shape = (len(ops.LOCATION_TYPES), len(ops.CONCEALMENTS))
    for i, flow in enumerate(cal.FLOW_NAMES):
        joint = t["joint"][i].reshape(shape)
        loc = cal.mix_vector(cal.flow_mix(flow, "location"), ops.LOCATION_TYPES)
        conc = cal.mix_vector(cal.flow_mix(flow, "concealment"), ops.CONCEALMENTS)
        np.testing.assert_allclose(joint.sum(axis=1), loc / loc.sum(), atol=0.005, err_msg=flow)
        np.testing.assert_allclose(joint.sum(axis=0), conc / conc.sum(), atol=0.005, err_msg=flow)
