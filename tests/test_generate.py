"""make_seizures: determinism, calibration to the ITR 2025, and coherence of every row."""

import numpy as np
import pandas as pd
import pytest

from cenlab import schema
from cenlab.reference import operations as ops
from cenlab.reference.commodities import FLOW_UNITS
from cenlab.reference.flows import FLOWS, SECTION_DETECTION
from cenlab.reference.regions import LANDLOCKED
from cenlab.reference.reporting import MODE_SHARES, REPORTING_MODES
from cenlab.synth import make_seizures, seizures
from cenlab.synth.seizures import reporting_modes

PP = 2.0  # calibration tolerance, percentage points


def csv_bytes(df):
    return df.to_csv(index=False).encode()


def test_same_seed_same_bytes_other_seed_other_data():
    a = make_seizures(2_000, seed=7)
    b = make_seizures(2_000, seed=7)
    c = make_seizures(2_000, seed=8)
    assert csv_bytes(a) == csv_bytes(b)
    assert csv_bytes(a) != csv_bytes(c)


def test_columns_and_dtypes_follow_the_schema():
    df = make_seizures(500, seed=1)
    assert list(df.columns) == schema.columns("seizures")
    for f in schema.fields("seizures"):
        kind = str(df[f.name].dtype)
        expected = {"string": ("string", "str"), "category": ("category",)}.get(f.dtype, (f.dtype,))
        assert kind in expected, (f.name, kind)
        accepted = f.accepted()
        if accepted is not None:
            assert set(df[f.name].astype(str)) <= accepted, f.name
    assert df["seizure_id"].is_unique


def test_zero_cases_gives_an_empty_frame_with_the_columns():
    df = make_seizures(0, seed=1)
    assert len(df) == 0 and list(df.columns) == schema.columns()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_cases": -1}, "the number of cases must be zero or more, got -1"),
        ({"n_cases": 2.5}, "the number of cases must be a whole number, got 2.5"),
        ({"n_cases": 10, "seed": -3}, "seed must be zero or positive, got -3"),
        (
            {"n_cases": 10, "start": "2025-02-01", "end": "2025-01-01"},
            "end date 2025-01-01 is before start date 2025-02-01",
        ),
    ],
)
def test_bad_arguments_name_the_problem(kwargs, message):
    n = kwargs.pop("n_cases")
    with pytest.raises(ValueError) as err:
        make_seizures(n, **kwargs)
    assert str(err.value) == message


def test_seizures_per_case_follows_the_flow_ratios(seizures_200k):
    df = seizures_200k
    ratio = len(df) / df["case_id"].nunique()
    expected = sum(f["seizures"] for f in FLOWS.values()) / sum(f["cases"] for f in FLOWS.values())
    assert ratio == pytest.approx(expected, abs=0.02)
    assert 1.33 <= ratio <= 1.40  # ITR 2025: 226,549 seizures in 163,850 cases (1.38)


def test_section_shares_within_2pp(seizures_200k):
    total = sum(f["seizures"] for f in FLOWS.values())
    shares = seizures_200k["section"].value_counts(normalize=True) * 100
    for section in ops.SECTIONS:
        target = sum(f["seizures"] for f in FLOWS.values() if f["section"] == section) / total * 100
        assert shares[section] == pytest.approx(target, abs=PP), section
    assert shares["IPR, Health and Safety"] == pytest.approx(36.5, abs=PP)
    assert shares["Drugs"] == pytest.approx(33.2, abs=PP)


def test_detection_mix_of_each_section_within_2pp(seizures_200k):
    mix = pd.crosstab(
        seizures_200k["section"], seizures_200k["detection_method"], normalize="index"
    )
    for section, target in SECTION_DETECTION.items():
        total = sum(target.values())
        for method, pct in target.items():
            assert mix.loc[section, method] * 100 == pytest.approx(pct / total * 100, abs=PP)


def _drug_cases(df):
    return df[df["section"] == "Drugs"].drop_duplicates("case_id")


def test_drug_locations_concealment_and_direction_within_2pp(seizures_200k):
    cases = _drug_cases(seizures_200k)
    targets = {
        "location_type": {
            "Airport": 27502,
            "Mail Centre": 21995,
            "Inland": 6964,
            "Land boundary": 4539,
            "Express Courier": 3235,
            "Seaport": 2097,
        },
        "concealment": {
            "In mail": 34471,
            "Unknown": 11452,
            "In baggage": 8328,
            "In transport": 4753,
            "In express courier": 3323,
            "In freight": 3130,
        },
    }
    totals = {"location_type": 68615, "concealment": 67757}
    for column, target in targets.items():
        shares = cases[column].value_counts(normalize=True) * 100
        for code, count in target.items():
            assert shares[code] == pytest.approx(count / totals[column] * 100, abs=PP), code
    directions = cases["direction"].value_counts(normalize=True) * 100
    for code, pct in {"Import": 62.2, "Export": 19.1, "Transit": 14.7, "Internal": 4.1}.items():
        assert directions[code] == pytest.approx(pct, abs=PP), code


def test_location_by_commodity_within_2pp(seizures_200k):
    for flow in ("Cannabis", "Tobacco products", "IPR products"):
        cases = seizures_200k[seizures_200k["commodity"] == flow].drop_duplicates("case_id")
        target = FLOWS[flow]["location"]
        shares = cases["location_type"].value_counts(normalize=True) * 100
        for code, count in target.items():
            assert shares[code] == pytest.approx(count / sum(target.values()) * 100, abs=PP)


def test_ecommerce_share_of_cases_by_section_within_2pp(seizures_200k):
    cases = seizures_200k.drop_duplicates("case_id")
    share = cases.groupby("section", observed=True)["ecommerce"].mean() * 100
    target = {
        "IPR, Health and Safety": 67.8,
        "Drugs": 59.9,
        "Security": 23.6,
        "Environmental Crime": 23.9,
        "Revenue": 5.6,
        "AML/CTF": 1.0,
    }
    for section, pct in target.items():
        assert share[section] == pytest.approx(pct, abs=PP), section


@pytest.mark.parametrize(
    "flow, mean_kg",
    [
        ("Cannabis", 14.8),
        ("Cocaine", 49.6),
        ("Psychotropic substances", 10.3),
        ("Opioids and Opiates", 9.6),
        ("Tobacco products", 262.0),
    ],
)
def test_mean_quantity_per_seizure_lognormal_around_itr(seizures_200k, flow, mean_kg):
    q = seizures_200k.loc[seizures_200k["commodity"] == flow, "quantity"]
    sigma = FLOW_UNITS[flow][2]
    # Median of a lognormal is mean * exp(-sigma^2 / 2): tighter to test than the heavy-tailed mean.
    assert q.median() == pytest.approx(mean_kg * np.exp(-(sigma**2) / 2), rel=0.08)
    assert q.mean() == pytest.approx(mean_kg, rel=0.25)
    assert q.max() > 20 * q.median()  # heavy tail


@pytest.mark.parametrize(
    "flow, route",
    [
        ("Cannabis", ("US", "GB")),
        ("Cocaine", ("PE", "US")),
        ("Tobacco products", ("KW", "SA")),
        ("IPR products", ("CN", "US")),
        ("Medical products", ("IN", "US")),
        ("Weapons and ammunition", ("US", "MX")),
        ("Cash", ("DE", "TR")),
    ],
)
def test_itr_top_routes_are_among_the_top_routes(seizures_200k, flow, route):
    rows = seizures_200k[seizures_200k["commodity"] == flow]
    pairs = list(
        zip(rows["departure_country"].astype(str), rows["destination_country"].astype(str))
    )
    top = pd.Series(pairs).value_counts().head(3).index
    assert route in top


def test_coherence_holds_on_every_row(seizures_200k):
    df = seizures_200k
    loc, conv = df["location_type"].astype(str), df["conveyance"].astype(str)
    for location, forbidden in ops.CONVEYANCE_FORBIDDEN_AT.items():
        assert not ((loc == location) & conv.isin(forbidden)).any(), location
    allowed = {(lo, c) for lo, cs in ops.CONCEALMENT_AT.items() for c in cs}
    pairs = set(zip(loc, df["concealment"].astype(str)))
    assert pairs <= allowed
    units = df["commodity"].astype(str).map({f: u[0] for f, u in FLOW_UNITS.items()})
    assert (df["unit"].astype(str) == units).all()
    assert (df["departure_country"] != df["destination_country"]).all()
    assert (df["quantity"] > 0).all() and (df["value_usd"] > 0).all()
    cash = df["commodity"] == "Cash"
    assert (df.loc[cash, "value_usd"] == df.loc[cash, "quantity"]).all()
    home = df["reporting_country"].astype(str)
    assert not (home.isin(LANDLOCKED) & loc.isin(ops.SEA_LOCATIONS)).any()
    imports = df["direction"] == "Import"
    assert (df.loc[imports, "destination_country"].astype(str) == home[imports]).all()
    exports = df["direction"] == "Export"
    assert (df.loc[exports, "departure_country"].astype(str) == home[exports]).all()
    assert (df["seizure_date"] >= "2024-01-01").all() and (df["seizure_date"] <= "2025-12-31").all()


def test_dates_show_seasonality_and_trend(seizures_200k):
    dates = seizures_200k["seizure_date"]
    by_month = dates.dt.month.value_counts()
    summer, winter = by_month[[5, 6, 7]].sum(), by_month[[11, 12, 1]].sum()
    assert summer / winter == pytest.approx((1 + 0.15 * 0.95) / (1 - 0.15 * 0.75), rel=0.1)
    by_year = dates.dt.year.value_counts()
    # daily rate grows linearly by 20% from start to end: years average 1.05 and 1.15
    assert by_year[2025] / by_year[2024] == pytest.approx(1.15 / 1.05, rel=0.03)


# --- the report date -------------------------------------------------------------------------


def test_each_country_reports_in_one_mode_drawn_per_seed(seizures_200k):
    modes = reporting_modes(11)
    assert set(modes) <= set(REPORTING_MODES) and modes.equals(reporting_modes(11))
    assert not modes.equals(reporting_modes(12))
    shares = modes.value_counts(normalize=True)
    for mode, share in MODE_SHARES.items():  # about 250 countries: within 7 points
        assert shares[mode] == pytest.approx(share, abs=0.07), mode


@pytest.mark.parametrize("mode", list(REPORTING_MODES))
def test_reporting_delays_are_lognormal_around_the_countrys_mode(seizures_200k, mode):
    df = seizures_200k
    delay = (df["reported_date"] - df["seizure_date"]).dt.days
    assert (delay >= 0).all()
    of_mode = df["reporting_country"].astype(str).map(reporting_modes(11)) == mode
    assert of_mode.sum() > 1_000
    spec = REPORTING_MODES[mode]
    median, sigma = spec["delay_median_days"], spec["delay_sigma"]
    q50, q84 = delay[of_mode].quantile([0.5, 0.8413])
    assert q50 == pytest.approx(median, rel=0.05, abs=0.5)
    assert q84 == pytest.approx(median * np.exp(sigma), rel=0.05, abs=0.5)  # one sigma up


def test_the_report_date_has_its_own_stream_so_other_columns_keep_their_bytes(monkeypatch):
    """Another draw of the delays (here: twice as many normals) changes the report dates only."""
    before = make_seizures(2_000, seed=7)

    def other(s, rng, rows):
        rng.standard_normal(len(rows["day"]))
        seizures._reported(s, rng, rows)

    monkeypatch.setitem(seizures.SEIZURE_STEPS, "reported", other)
    after = make_seizures(2_000, seed=7)
    old = [c for c in before.columns if c != "reported_date"]
    assert csv_bytes(after[old]) == csv_bytes(before[old])
    assert not after["reported_date"].equals(before["reported_date"])


def test_an_ncen_extract_is_not_yet_reported():
    x = make_seizures(300, seed=3, nominal=True)
    assert str(x.seizures["reported_date"].dtype) == "datetime64[ns]"
    assert x.seizures["reported_date"].isna().all()
    plain = make_seizures(300, seed=3)
    assert plain["reported_date"].notna().all()
    pd.testing.assert_frame_equal(x.seizures.iloc[:, :-1], plain.iloc[:, :-1])
