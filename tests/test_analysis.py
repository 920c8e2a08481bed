"""Analysis helpers, each checked on a tiny hand-made frame whose answers are worked out by hand."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from cenlab import analysis as an

IPR = "IPR, Health and Safety"
TOBACCO = "Tobacco products trafficking"
COLUMNS = [
    "case_id",
    "seizure_id",
    "seizure_date",
    "reporting_country",
    "section",
    "commodity",
    "direction",
    "unit",
    "quantity",
    "value_usd",
    "detection_method",
    "concealment",
    "location_type",
    "departure_country",
    "destination_country",
    "ecommerce",
]
ROWS = [
    (
        "C1",
        "S1",
        "2024-01-15",
        "FR",
        "Drugs",
        "Cannabis",
        "Import",
        "kg",
        10,
        1000,
        "Risk profiling",
        "In mail",
        "Airport",
        "US",
        "FR",
        True,
    ),
    (
        "C1",
        "S2",
        "2024-01-20",
        "FR",
        "Drugs",
        "Cocaine",
        "Import",
        "kg",
        2,
        5000,
        "Risk profiling",
        "In baggage",
        "Airport",
        "PE",
        "FR",
        False,
    ),
    (
        "C2",
        "S3",
        "2024-03-03",
        "NA",
        "Revenue",
        TOBACCO,
        "Import",
        "pieces",
        200,
        300,
        "Routine control",
        "In freight",
        "Seaport",
        "AE",
        "NA",
        False,
    ),
    (
        "C3",
        "S4",
        "2025-01-10",
        "US",
        "Drugs",
        "Cannabis",
        "Export",
        "kg",
        5,
        500,
        "Intelligence",
        "In transport",
        "Land boundary",
        "US",
        "MX",
        False,
    ),
    (
        "C3",
        "S5",
        "2025-01-11",
        "US",
        "Drugs",
        "Cannabis",
        "Export",
        "kg",
        1,
        100,
        "Intelligence",
        "In transport",
        "Land boundary",
        "US",
        "MX",
        False,
    ),
    (
        "C4",
        "S6",
        "2025-02-28",
        "CN",
        IPR,
        "IPR products trafficking",
        "Export",
        "pieces",
        50,
        2000,
        "Risk profiling",
        "In express courier",
        "Express Courier",
        "CN",
        "US",
        True,
    ),
    (
        "C5",
        "S7",
        "2025-03-01",
        "NA",
        "Drugs",
        "Cannabis",
        "Import",
        "kg",
        3,
        300,
        "Routine control",
        "On the person",
        "Airport",
        "XX",
        "NA",
        False,
    ),
    (
        "C5",
        "S8",
        "2025-03-01",
        "NA",
        "Revenue",
        TOBACCO,
        "Import",
        "pieces",
        100,
        150,
        "Routine control",
        "On the person",
        "Airport",
        "ZA",
        "NA",
        False,
    ),
]


@pytest.fixture
def raw() -> pd.DataFrame:
    """Eight seizures in five cases, as read from a CSV (note Namibia, "NA")."""
    df = pd.DataFrame(ROWS, columns=COLUMNS)
    df["seizure_date"] = pd.to_datetime(df["seizure_date"])
    df["quantity"] = df["quantity"].astype(float)
    df["value_usd"] = df["value_usd"].astype(float)
    return df


@pytest.fixture(params=["raw", "prepared"])
def df(request, raw) -> pd.DataFrame:
    """Every answer must be the same on the raw frame and on the prepared one."""
    return raw if request.param == "raw" else an.prepare_seizures(raw)


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["seizure_id"].astype(str))


def test_namibia_survives_csv_round_trip_and_maps_to_east_and_southern_africa(raw):
    text = raw.to_csv(index=False)
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    assert (back["reporting_country"] == "NA").sum() == 3
    regions = an.add_region(back)["region"].tolist()
    assert regions == ["EUR", "EUR", "ESA", "AMS", "AMS", "A/P", "ESA", "ESA"]


def test_add_region_names_a_country_without_a_region(raw):
    raw.loc[0, "reporting_country"] = "QQ"
    with pytest.raises(ValueError, match=r"no WCO region for reporting country \['QQ'\]"):
        an.add_region(raw)


def test_add_region_accepts_another_mapping_and_leaves_input_alone(raw):
    mapping = {"FR": "west", "US": "west", "NA": "south", "CN": "east"}
    out = an.add_region(raw, mapping=mapping)
    assert out["region"].value_counts().to_dict() == {"west": 4, "south": 3, "east": 1}
    assert "region" not in raw.columns


def test_prepare_adds_month_region_and_categories_without_changing_values(raw):
    prep = an.prepare_seizures(raw)
    assert prep["month"].iloc[1] == pd.Timestamp("2024-01-01")
    assert prep["region"].astype(str).tolist()[:3] == ["EUR", "EUR", "ESA"]
    assert isinstance(prep["section"].dtype, pd.CategoricalDtype)
    assert prep["reporting_country"].astype(str).tolist() == raw["reporting_country"].tolist()


def test_prepare_names_missing_columns(raw):
    with pytest.raises(ValueError, match=r"lacks columns \['section'\]"):
        an.prepare_seizures(raw.drop(columns="section"))


def test_filter_by_section_and_period_with_inclusive_end(df):
    out = an.filter_seizures(df, start="2025-01-01", end="2025-02-28", sections=["Drugs", IPR])
    assert ids(out) == ["S4", "S5", "S6"]


def test_filter_by_country_keeps_namibia(df):
    assert ids(an.filter_seizures(df, countries=["NA"])) == ["S3", "S7", "S8"]


def test_filter_by_region_commodity_and_direction(df):
    assert ids(an.filter_seizures(df, regions=["AMS", "A/P"])) == ["S4", "S5", "S6"]
    assert ids(an.filter_seizures(df, commodities=["Cannabis"], directions=["Import"])) == [
        "S1",
        "S7",
    ]


def test_filter_with_nothing_chosen_keeps_everything(df):
    assert len(an.filter_seizures(df, sections=[], regions=None)) == 8


def test_filter_end_includes_the_whole_last_day(raw):
    raw.loc[5, "seizure_date"] = pd.Timestamp("2025-02-28 17:30")
    assert ids(an.filter_seizures(raw, end="2025-02-28", start="2025-02-01")) == ["S6"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sections": ["Drug"]}, r"unknown section \['Drug'\]"),
        ({"regions": ["EU"]}, r"unknown region \['EU'\]"),
        ({"countries": "NA"}, r"give a list of values"),
    ],
)
def test_filter_names_unknown_values(df, options, message):
    with pytest.raises(ValueError, match=message):
        an.filter_seizures(df, **options)


def test_headline(df):
    assert an.headline(df) == {
        "cases": 5,
        "seizures": 8,
        "value_usd": 9350.0,
        "quantity": {"kg": 21.0, "pieces": 350.0},
    }


def test_headline_of_nothing_is_zero(df):
    empty = an.filter_seizures(df, end="2000-01-01")
    assert an.headline(empty) == {"cases": 0, "seizures": 0, "value_usd": 0.0, "quantity": {}}


def test_monthly_trend_fills_empty_months_with_zero(df):
    trend = an.monthly_trend(df)
    assert len(trend) == 15  # January 2024 to March 2025
    assert trend.index[0] == pd.Timestamp("2024-01-01")
    assert trend.sum() == 8
    assert trend.loc["2024-01-01"] == 2 and trend.loc["2024-02-01"] == 0
    assert trend.loc["2025-03-01"] == 2


def test_monthly_trend_counts_cases_and_widens_to_requested_period(df):
    trend = an.monthly_trend(df, measure="cases", start="2023-11-15", end="2025-04-30")
    assert len(trend) == 18 and trend.name == "cases"
    assert trend.loc["2024-01-01"] == 1 and trend.loc["2025-03-01"] == 1


def test_monthly_trend_by_section_puts_largest_first(df):
    wide = an.monthly_trend(df, by="section")
    assert list(wide.columns) == ["Drugs", "Revenue", IPR]
    assert wide.loc["2025-03-01"].tolist() == [1, 1, 0]
    assert wide.sum().tolist() == [5, 2, 1]


def test_shares_of_seizures_and_of_cases(df):
    seiz = an.shares(df, "section")
    assert seiz.index.tolist() == ["Drugs", "Revenue", IPR]
    assert seiz["seizures"].tolist() == [5, 2, 1]
    assert seiz["share"].tolist() == [0.625, 0.25, 0.125]
    cases = an.shares(df, "section", measure="cases")
    assert cases["cases"].tolist() == [3, 2, 1]  # case C5 counts in Drugs and in Revenue
    np.testing.assert_allclose(cases["share"], [1 / 2, 1 / 3, 1 / 6])


def test_shares_of_value_and_unknown_measure(df):
    value = an.shares(df, "detection_method", measure="value_usd")
    assert value["value_usd"].to_dict() == {
        "Risk profiling": 8000.0,
        "Routine control": 750.0,
        "Intelligence": 600.0,
    }
    assert value.index.tolist() == ["Risk profiling", "Routine control", "Intelligence"]
    with pytest.raises(ValueError, match=r"unknown measure 'kilos'"):
        an.shares(df, "section", measure="kilos")


def test_top_n_breaks_ties_alphabetically_and_sums_the_rest(df):
    top = an.top_n(df, "commodity", 2)
    assert top["seizures"].to_dict() == {"Cannabis": 4, TOBACCO: 2}
    with_other = an.top_n(df, "commodity", 2, other="Other")
    assert with_other["seizures"].to_dict() == {"Cannabis": 4, TOBACCO: 2, "Other": 2}
    assert with_other["share"].sum() == pytest.approx(1.0)
    assert an.top_n(df, "commodity", 3).index[-1] == "Cocaine"


def test_top_routes_drop_unknown_ends(df):
    routes = an.top_routes(df, 3)
    assert routes.index.tolist() == ["US → MX", "AE → NA", "CN → US"]
    assert routes["seizures"].tolist() == [2, 1, 1]
    assert routes["share"].iloc[0] == pytest.approx(2 / 7)  # seven seizures on known routes
    assert "XX → NA" in an.top_routes(df, 10, drop_unknown=False).index


def test_route_matrix_keeps_top_departures_and_destinations(df):
    matrix = an.route_matrix(df, top=2)
    assert matrix.index.tolist() == ["US", "AE"]
    assert matrix.columns.tolist() == ["FR", "MX"]
    assert matrix.to_numpy().tolist() == [[1, 2], [0, 0]]


def test_year_on_year_overall(df):
    yoy = an.year_on_year(df)
    assert yoy.loc["All", [2024, 2025, "change"]].tolist() == [3, 5, 2]
    assert yoy.loc["All", "rel_change"] == pytest.approx(2 / 3)


def test_year_on_year_by_section(df):
    yoy = an.year_on_year(df, "section")
    assert yoy.index.tolist() == ["Drugs", IPR, "Revenue"]
    assert yoy[2024].tolist() == [2, 0, 1]
    assert yoy[2025].tolist() == [3, 1, 1]
    assert yoy["rel_change"].iloc[0] == 0.5
    assert np.isnan(yoy["rel_change"].iloc[1])  # nothing the year before


def test_year_on_year_needs_two_years(df):
    with pytest.raises(ValueError, match=r"two years of data; found \[2025\]"):
        an.year_on_year(an.filter_seizures(df, start="2025-01-01"))


def test_itr_summary_by_section(df):
    itr = an.itr_summary(df)
    assert itr.index.tolist() == ["Drugs", "Revenue", IPR]
    assert itr["cases"].tolist() == [3, 2, 1]
    assert itr["seizures"].tolist() == [5, 2, 1]
    assert itr["share"].tolist() == [0.625, 0.25, 0.125]
    np.testing.assert_allclose(itr["seizures_per_case"], [5 / 3, 1, 1])
    assert itr["top_commodity"].tolist() == ["Cannabis", TOBACCO, "IPR products trafficking"]
    assert itr["top_commodity_share"].tolist() == [0.8, 1.0, 1.0]
    np.testing.assert_allclose(itr["ecommerce_share"], [1 / 3, 0, 1])
    # Drugs: two seizures by risk profiling, two by intelligence; the tie goes alphabetically
    assert itr["top_detection"].tolist() == ["Intelligence", "Routine control", "Risk profiling"]


def test_hierarchy_lists_children_of_each_parent(df):
    assert an.hierarchy(df, "section", "commodity") == {
        "Drugs": ["Cannabis", "Cocaine"],
        IPR: ["IPR products trafficking"],
        "Revenue": [TOBACCO],
    }


def test_functions_do_not_change_their_input(raw):
    before = raw.copy()
    an.itr_summary(raw), an.monthly_trend(raw, by="section"), an.route_matrix(raw)
    an.filter_seizures(raw, regions=["ESA"])
    pd.testing.assert_frame_equal(raw, before)


def test_missing_values_are_left_out(raw):
    raw["commodity"] = raw["commodity"].astype(object)
    raw.loc[0, "commodity"] = None  # S1, Cannabis
    raw.loc[[3, 4], "value_usd"] = np.nan  # S4 and S5, case C3
    assert an.shares(raw, "commodity")["seizures"].to_dict() == {
        "Cannabis": 3,
        TOBACCO: 2,
        "Cocaine": 1,
        "IPR products trafficking": 1,
    }
    assert an.headline(raw)["value_usd"] == 9350.0 - 600.0


@pytest.mark.parametrize("prepared", [False, True])
def test_counts_agree_with_pandas_groupby_on_generated_data(prepared):
    """The bincount shortcut gives what plain groupby gives, on a few thousand seizures."""
    from cenlab.synth import make_seizures

    df = make_seizures(3_000, seed=5)
    data = an.prepare_seizures(df) if prepared else df
    by_commodity = df.groupby(df["commodity"].astype(str))
    month = df["seizure_date"].dt.to_period("M").dt.to_timestamp()
    by_month = df.groupby([month, df["section"].astype(str)])
    for measure, reduce in [
        ("seizures", lambda g: g.size()),
        ("cases", lambda g: g["case_id"].nunique()),
        ("value_usd", lambda g: g["value_usd"].sum()),
    ]:
        got = an.shares(data, "commodity", measure=measure)[measure]
        want = reduce(by_commodity)
        assert got.to_dict() == pytest.approx(want.to_dict())
        trend = an.monthly_trend(data, by="section", measure=measure).stack()
        want = reduce(by_month)
        assert trend[trend != 0].to_dict() == pytest.approx(want[want != 0].to_dict())
    assert an.headline(data)["cases"] == df["case_id"].nunique() == 3_000


@pytest.mark.parametrize("extra", [10, 10_000])  # few or many possible groups: two code paths
def test_unused_categories_neither_show_nor_change_answers(raw, extra):
    expected = an.shares(raw, "commodity", measure="cases")
    unused = [f"unused {i}" for i in range(extra)]
    raw["commodity"] = pd.Categorical(raw["commodity"], [*raw["commodity"].unique(), *unused])
    pd.testing.assert_frame_equal(an.shares(raw, "commodity", measure="cases"), expected)
    routes = an.top_routes(an.prepare_seizures(raw), 3)
    assert routes["seizures"].tolist() == [2, 1, 1]
