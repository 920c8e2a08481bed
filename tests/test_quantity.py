"""The dashboard's quantity view: coverage and reporting delay by area and country over time, with
the automated transfer switch-ons marked. The pure functions (``cenlab.ui.reporting``) give the
figures one would sum by hand from the panel's monthly table; the widget shows what they give."""

from __future__ import annotations

import html
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from cenlab.reference.regions import REGIONS, RILO_REGION
from cenlab.synth import make_reporting_panel
from cenlab.ui import QuantityDashboard
from cenlab.ui import reporting as rp
from cenlab.ui.quantity import FILTERS, MAX_LINES


@pytest.fixture(scope="module")
def panel():
    """60 countries over four years, a third of them switching on the automated transfer."""
    return make_reporting_panel(60, years=4, seed=1, adopters=20)


@pytest.fixture(scope="module")
def region(panel) -> str:
    """The region with the most countries switching on the automated transfer."""
    c = panel.countries
    return str(c[c["automated_from"].notna()]["region"].value_counts().idxmax())


@pytest.fixture(scope="module")
def adopters(panel, region) -> list[str]:
    """Two countries of ``region`` that switch on the automated transfer, and one that does not."""
    c = panel.countries[panel.countries["region"] == region]
    on = c[c["automated_from"].notna()].sort_values("automated_from")["country"].astype(str)
    off = c[c["automated_from"].isna()]["country"].astype(str)
    return sorted([*on[:2], off.iloc[0]])


def by_hand(monthly: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Reported over true seizures, and monthly medians weighted by reported seizures, summed per
    period with plain pandas."""
    period = monthly["month"].dt.to_period(freq).dt.to_timestamp()
    sums = (
        monthly.assign(dxr=monthly["median_delay_days"].fillna(0) * monthly["reported_seizures"])
        .groupby(period)[["true_seizures", "reported_seizures", "dxr"]]
        .sum()
    )
    return pd.DataFrame(
        {
            "coverage": sums["reported_seizures"] / sums["true_seizures"],
            "delay": sums["dxr"] / sums["reported_seizures"],
        }
    )


# --- the pure functions ---------------------------------------------------------------------------


def test_areas_are_the_world_then_each_region_followed_by_its_rilos(panel):
    options = rp.area_options(panel.countries)
    assert options[0] == (rp.WORLD, None)
    values = [v for _, v in options[1:]]
    assert set(values) == set(panel.countries["region"].astype(str)) | set(
        panel.countries["rilo"].astype(str)
    )
    regions = [v for v in values if v in REGIONS]
    for rilo in [v for v in values if v not in REGIONS]:  # after its own region, before the next
        mine = regions.index(RILO_REGION[rilo])
        assert values.index(regions[mine]) < values.index(rilo)
        assert mine + 1 == len(regions) or values.index(rilo) < values.index(regions[mine + 1])
    assert rp.area_label("EUR") == "Europe (EUR)" and rp.area_label(None) == rp.WORLD


def test_region_coverage_is_reported_over_true_summed_by_hand(panel, region):
    wide = rp.trend(panel.monthly, "coverage", area=region, freq="Q")
    rows = panel.monthly[panel.monthly["region"] == region]
    expected = by_hand(rows, "Q")["coverage"]
    assert len(wide) == 16  # four years of quarters
    np.testing.assert_allclose(wide[rp.area_label(region)], expected.to_numpy())
    world = by_hand(panel.monthly, "Q")["coverage"]
    np.testing.assert_allclose(wide[rp.WORLD], world.to_numpy())
    assert list(wide.columns) == [rp.area_label(region), rp.WORLD]


def test_a_rilo_delay_is_monthly_medians_weighted_by_reported_seizures(panel):
    rilo = panel.countries["rilo"].astype(str).value_counts().index[0]
    wide = rp.trend(panel.monthly, "delay", area=rilo, freq="Y")
    expected = by_hand(panel.monthly[panel.monthly["rilo"] == rilo], "Y")["delay"]
    np.testing.assert_allclose(wide[rilo], expected.to_numpy())
    assert list(wide.index.year) == [2016, 2017, 2018, 2019]


def test_country_lines_by_month_are_the_panel_shares(panel, adopters):
    wide = rp.trend(panel.monthly, "coverage", countries=adopters, freq="M")
    assert list(wide.columns) == [rp.WORLD, *map(rp.country_label, adopters)]
    for code in adopters:
        mine = panel.monthly[panel.monthly["country"] == code].set_index("month")
        line = wide[rp.country_label(code)]
        np.testing.assert_allclose(line.to_numpy(), mine["share_reported"].to_numpy())


def test_the_period_snaps_to_whole_months_and_cuts_the_quarters(panel, region):
    wide = rp.trend(panel.monthly, "coverage", area=region, start="2017-02-20", end="2017-11-03")
    assert list(wide.index) == list(pd.date_range("2017-01-01", "2017-10-01", freq="QS"))
    rows = panel.monthly[
        (panel.monthly["region"] == region) & panel.monthly["month"].between("2017-02", "2017-11")
    ]
    np.testing.assert_allclose(wide.iloc[:, 0], by_hand(rows, "Q")["coverage"].to_numpy())


def test_adoption_marks_are_the_panels_switch_on_dates(panel, region, adopters):
    c = panel.countries.assign(country=panel.countries["country"].astype(str))
    marks = rp.adoption_marks(panel.countries, area=region)
    on = c[(c["region"] == region) & c["automated_from"].notna()].set_index("country")
    assert sorted(marks["country"]) == sorted(on.index)
    assert marks["automated_from"].is_monotonic_increasing
    pd.testing.assert_series_equal(
        marks.set_index("country")["automated_from"],
        on.loc[marks["country"], "automated_from"],
    )
    assert (marks["adopted"] <= marks["automated_from"]).all()
    chosen = rp.adoption_marks(panel.countries, area=region, chosen=adopters)
    assert len(chosen) == 2 and set(chosen["country"]) < set(adopters)  # one never switches on
    late = marks["automated_from"].iloc[-1]
    before = rp.adoption_marks(panel.countries, area=region, end=late - pd.Timedelta(days=1))
    assert len(before) == (marks["automated_from"] < late).sum()


def test_the_country_table_holds_the_areas_countries_worst_first(panel, region):
    table = rp.country_table(panel.monthly, panel.countries, "coverage", area=region)
    c = panel.countries.assign(country=panel.countries["country"].astype(str)).set_index("country")
    assert sorted(table.index) == sorted(c.index[c["region"] == region])
    sums = panel.monthly.groupby("country", observed=True)[["reported_seizures", "true_seizures"]]
    sums = sums.sum().rename(index=str)
    coverage = sums["reported_seizures"] / sums["true_seizures"]
    np.testing.assert_allclose(table["share_reported"], coverage[table.index])
    assert table["share_reported"].is_monotonic_increasing  # lowest coverage first
    pd.testing.assert_series_equal(
        table["automated_from"], c.loc[table.index, "automated_from"], check_names=False
    )
    assert list(table.columns) == list(rp.TABLE_COLUMNS)
    slow = rp.country_table(panel.monthly, panel.countries, "delay", area=region)
    assert slow["median_delay_days"].is_monotonic_decreasing  # longest delay first


def test_the_chart_in_words_names_each_line_and_the_switch_ons(panel, region):
    wide = rp.trend(panel.monthly, "coverage", area=region, freq="Y")
    marks = rp.adoption_marks(panel.countries, area=region)
    text = rp.describe(wide, marks, "coverage", "Y")
    first = wide[rp.area_label(region)].iloc[0]
    assert text.startswith("Line chart of coverage by year, 2016 to 2019.")
    assert f"{rp.area_label(region)}: {first:.0%} in 2016" in text
    assert all(code in text for code in marks["country"])
    assert rp.describe(wide.iloc[:0], marks.iloc[:0]).startswith("No chart")
    assert rp.period_name(pd.Timestamp("2021-04-01"), "Q") == "2021 Q2"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: rp.trend(m, "speed"), r"unknown measure 'speed'"),
        (lambda m: rp.trend(m, freq="W"), r"unknown freq 'W'"),
        (lambda m: rp.select(m, area="Atlantis"), r"unknown area 'Atlantis'"),
    ],
)
def test_bad_choices_are_named(panel, call, message):
    with pytest.raises(ValueError, match=message):
        call(panel.monthly)


# --- the widget -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dash(panel) -> QuantityDashboard:
    return QuantityDashboard(panel)


def show(dash: QuantityDashboard, **filters) -> None:
    dash.set_filters(**{**dict.fromkeys(FILTERS), **filters})


def test_the_view_builds_with_its_chart_alt_text_and_table(panel):
    dash = QuantityDashboard(panel)
    assert isinstance(dash.widget, widgets.VBox)
    assert dash.redraws == {"chart": 1, "table": 1}
    assert 'src="data:image/svg+xml;base64,' in dash.chart.value
    alt = re.search(r'alt="([^"]*)"', dash.chart.value).group(1)
    assert html.unescape(alt) == dash.summary and dash.summary.startswith("Line chart of coverage")
    assert dash.table.value.count("</tr>") == 1 + len(panel.countries)  # heading + each country
    assert f"{len(panel.countries)} countries" in dash.status.value
    assert "application/vnd.jupyter.widget-view+json" in dash._repr_mimebundle_()


def test_filters_change_the_views_as_the_functions_say(dash, panel, region, adopters):
    show(dash, area=region, countries=adopters, start="2017-01-10", measure="delay", freq="M")
    period = {"area": region, "start": pd.Timestamp("2017-01-01"), "end": pd.Timestamp("2019-12")}
    m, c = panel.monthly, panel.countries
    expected = {
        "trend": rp.trend(m, "delay", countries=adopters, freq="M", **period),
        "marks": rp.adoption_marks(c, chosen=adopters, **period),
        "table": rp.country_table(m, c, "delay", **period),
    }
    for name, view in expected.items():
        pd.testing.assert_frame_equal(dash.views[name], view)
    assert len(dash.views["trend"]) == 36
    assert dash.table.value.count("▶") == len(adopters)
    assert (
        rp.area_label(region) in dash.status.value and "Jan 2017 to Dec 2019" in dash.status.value
    )


def test_lines_differ_by_dash_or_marker_and_switch_ons_are_vertical_lines(dash, region, adopters):
    show(dash, area=region, countries=adopters)
    ax = dash.figure.axes[0]
    drawn = [ln for ln in ax.lines if ln.get_label() in dash.views["trend"].columns]
    assert len(drawn) == 2 + len(adopters)  # the area, the world, each country
    assert len({(ln.get_linestyle(), ln.get_marker(), ln.get_linewidth()) for ln in drawn}) == len(
        drawn
    )
    vertical = [ln for ln in ax.lines if len(set(ln.get_xdata())) == 1 and len(ln.get_xdata())]
    assert len(vertical) == len(dash.views["marks"]) == 2
    labels = {t.get_text().strip() for t in ax.texts}
    assert set(dash.views["marks"]["country"]) <= labels


def test_choosing_an_area_shortens_the_country_list_and_drops_others(dash, panel, region):
    c = panel.countries
    inside = str(c[c["region"] == region]["country"].iloc[0])
    outside = str(c[c["region"] != region]["country"].iloc[0])
    show(dash, countries=[inside, outside])
    dash.set_filters(area=region)
    offered = {code for _, code in dash.chosen.options}
    assert offered == set(c[c["region"] == region]["country"].astype(str))
    assert dash.filters["countries"] == [inside]


def test_a_click_refreshes_like_set_filters(dash, panel, region):
    show(dash)
    dash.area.value = region  # what the browser does when a user picks from the list
    assert dash.filters["area"] == region
    assert len(dash.views["table"]) == (panel.countries["region"] == region).sum()
    before = dash.redraws["chart"]
    dash.measure.value = "delay"
    assert dash.redraws["chart"] == before + 1 and dash.views["trend"].columns.name == "delay"


def test_only_the_parts_whose_numbers_changed_are_redrawn(dash, region):
    show(dash, area=region)
    before = dict(dash.redraws)
    dash.set_filters(area=region)  # nothing changes
    assert dash.redraws == before
    dash.set_filters(freq="Y")  # the chart's lines change, the table does not
    assert dash.redraws == {"chart": before["chart"] + 1, "table": before["table"]}


def test_more_countries_than_lines_are_listed_but_not_all_drawn(dash, panel):
    many = sorted(panel.countries["country"].astype(str))[: MAX_LINES + 2]
    show(dash, countries=many)
    assert len(dash.views["trend"].columns) == 1 + MAX_LINES
    assert f"first {MAX_LINES} countries" in dash.status.value
    assert dash.table.value.count("▶") == MAX_LINES


def test_clear_button_brings_every_default_back(dash, panel, region):
    show(dash, area=region, measure="delay", freq="M", start="2018-01-01")
    dash.clear.click()
    assert dash.filters["area"] is None and dash.filters["countries"] == []
    assert (dash.filters["measure"], dash.filters["freq"]) == ("coverage", "Q")
    assert dash.filters["start"] == pd.Timestamp("2016-01-01")
    assert len(dash.views["table"]) == len(panel.countries)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, r"unknown filter \['colour'\]"),
        ({"area": "Atlantis"}, r"unknown area 'Atlantis'"),
        ({"countries": ["XX"]}, r"countries: \['XX'\] not on offer"),
        ({"measure": "speed"}, r"measure: 'speed' not on offer"),
        ({"start": "2012-05-01"}, r"May 2012 is outside the data"),
    ],
)
def test_bad_filters_are_named(dash, filters, message):
    with pytest.raises(ValueError, match=message):
        dash.set_filters(**filters)
