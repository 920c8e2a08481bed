"""Profiles, scorecards, selection at capacity, targeting metrics, time split and baselines."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from cenlab import risk
from cenlab.reference import traffic as ref
from cenlab.risk import Criterion, Profile, Scorecard
from cenlab.synth.traffic import make_consignments, make_passengers

CUTOFF = "2025-10-01"  # build on January to September, judge on October to December
SHIFT = "2025-07-02"  # the default route shift: the middle of 2025

# A courier profile built from the planted passenger indicators (routes old and new included).
COURIER = Profile(
    "courier",
    any_of=[
        ("payment", "in", ["cash", "third_party"], "paid in cash or by a third party"),
        ("booking_lead_days", "<=", 3, "booked 3 days or less before"),
        ("trip_days", "<=", 4, "short stay"),
        ("age", "<", 30, "under 30"),
        ("baggage_kg", ">", 40, "heavy baggage"),
        ("transit_airport", "is not missing", None, "connecting flight"),
    ],
    at_least=3,
    none_of=[("payment", "==", "corporate", "corporate booking"), ("trips_12m", ">=", 8)],
)
# A front-company profile built from the planted consignment indicators.
FRONT = Profile("front company", **ref.FRONT_COMPANY_PROFILE)


@pytest.fixture(scope="module")
def passengers():
    return make_passengers(200_000, seed=11)


@pytest.fixture(scope="module")
def consignments():
    return make_consignments(200_000, seed=11)


# --- metrics against scikit-learn -----------------------------------------------------------


@pytest.fixture(scope="module")
def known():
    rng = np.random.default_rng(0)
    truth = rng.random(5_000) < 0.1
    selected = np.where(truth, rng.random(5_000) < 0.6, rng.random(5_000) < 0.05)
    return selected, truth


def test_hit_rate_and_detection_rate_agree_with_sklearn_precision_and_recall(known):
    selected, truth = known
    assert risk.hit_rate(selected, truth) == pytest.approx(precision_score(truth, selected))
    assert risk.detection_rate(selected, truth) == pytest.approx(recall_score(truth, selected))


def test_confusion_table_agrees_with_sklearn_confusion_matrix(known):
    selected, truth = known
    (tn, fp), (fn, tp) = confusion_matrix(truth, selected)
    table = risk.confusion_table(selected, truth)
    assert table.loc["illicit", "selected"] == tp and table.loc["illicit", "not selected"] == fn
    assert (
        table.loc["legitimate", "selected"] == fp and table.loc["legitimate", "not selected"] == tn
    )
    total = risk.confusion_table(selected, truth, margins=True)
    assert total.loc["total", "total"] == len(truth)


def test_metrics_on_a_small_worked_example():
    truth = [True, True, False, False, False, False, False, False, False, True]
    selected = [True, False, True, False, False, False, False, False, False, True]
    weight = [10.0, 30.0, 0, 0, 0, 0, 0, 0, 0, 60.0]
    assert risk.hit_rate(selected, truth) == pytest.approx(2 / 3)
    assert risk.detection_rate(selected, truth) == pytest.approx(2 / 3)
    assert risk.lift(selected, truth) == pytest.approx((2 / 3) / 0.3)
    assert risk.captured_share(selected, truth, weight) == pytest.approx(0.7)
    assert risk.captured_share(selected, truth) == pytest.approx(2 / 3)
    summary = risk.evaluate(selected, truth, weight=weight)
    assert summary["hits"] == 2 and summary["inspected"] == 3 and summary["captured_share"] == 0.7


def test_metrics_with_nothing_selected_are_missing_not_errors():
    assert np.isnan(risk.hit_rate([False, False], [True, False]))
    assert np.isnan(risk.lift([False, False], [True, False]))
    with pytest.raises(ValueError, match="selected has 2 rows but truth has 3"):
        risk.hit_rate([True, False], [True, False, True])
    with pytest.raises(ValueError, match="True/False"):
        risk.hit_rate(["yes", "no"], [True, False])


# --- selection at capacity ----------------------------------------------------------------------


def test_select_takes_exactly_the_capacity_and_the_highest_scores():
    scores = pd.Series(np.arange(1_000, dtype=float), index=np.arange(1_000) + 500)
    sel = risk.select(scores, capacity=0.05)
    assert sel.sum() == 50 and sel.index.equals(scores.index)
    assert scores[sel].min() == 950


def test_select_breaks_ties_at_random_but_reproducibly():
    scores = np.r_[np.ones(30), np.zeros(970)]
    a, b, c = (risk.select(scores, 0.1, seed=s) for s in (1, 1, 2))
    assert a.sum() == 100 and a.iloc[:30].all()
    assert a.equals(b) and not a.equals(c)
    assert risk.select(scores, 0.1, fill=False).sum() == 30
    assert risk.select(np.r_[np.nan, 1.0, 0.5], 1 / 3).tolist() == [False, True, False]


def test_select_rejects_a_capacity_that_is_not_a_share():
    with pytest.raises(ValueError, match="between 0 and 1"):
        risk.select(np.zeros(10), capacity=5)


def test_random_selection_hit_rate_matches_the_base_rate(passengers):
    y = passengers["illicit"]
    rates = [risk.hit_rate(risk.random_selection(passengers, seed=s), y) for s in range(5)]
    assert np.mean(rates) == pytest.approx(y.mean(), abs=0.003)
    assert risk.lift(risk.random_selection(passengers, seed=9), y) == pytest.approx(1, abs=0.2)


# --- profiles ------------------------------------------------------------------------------------


def test_profile_matches_the_same_rows_as_the_pandas_expression(passengers):
    p = Profile(
        "cash-late-short",
        all_of=[("payment", "==", "cash"), ("booking_lead_days", "<=", 3)],
        any_of=[("trip_days", "<=", 4), ("bags", "==", 0)],
        none_of=[("age", ">=", 60)],
    )
    df = passengers
    expected = (
        (df["payment"] == "cash")
        & (df["booking_lead_days"] <= 3)
        & ((df["trip_days"] <= 4) | (df["bags"] == 0))
        & ~(df["age"] >= 60)
    )
    assert p.matches(df).equals(expected.rename("cash-late-short"))
    fired = p.fired(df)
    assert list(fired.columns) == [c.label for c in p.criteria]
    assert fired["ticket payment is cash"].equals(
        (df["payment"] == "cash").rename("ticket payment is cash")
    )


def test_at_least_counts_the_any_of_criteria():
    df = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [1, 1, 1, 0]})
    p = Profile("two of three", any_of=[("a", "==", 1), ("b", "==", 1), ("c", "==", 1)], at_least=2)
    assert p.matches(df).tolist() == [True, True, True, False]


def test_profile_reads_as_a_plain_english_sentence():
    text = str(COURIER)
    assert text.startswith('Profile "courier": select when at least 3 of: paid in cash')
    assert "unless corporate booking or trips in the last 12 months is at least 8" in text
    plain = Profile(
        "x", all_of=[("departure_country", "in", ["CO", "PE"]), ("bags", "between", [0, 1])]
    )
    assert str(plain) == (
        'Profile "x": select when country where the journey began is one of CO, PE and '
        "number of checked bags is between 0 and 1."
    )


def test_profile_round_trips_through_a_dict_and_json(passengers):
    d = json.loads(json.dumps(COURIER.to_dict()))
    again = Profile.from_dict(d)
    assert again.to_dict() == COURIER.to_dict()
    assert again.matches(passengers).equals(COURIER.matches(passengers))
    written = Profile.from_dict(
        {"name": "late", "all_of": [{"column": "booking_lead_days", "op": "<=", "value": 2}]}
    )
    assert written.matches(passengers).sum() == (passengers["booking_lead_days"] <= 2).sum()


def test_profile_errors_name_the_problem_in_plain_language(passengers):
    with pytest.raises(ValueError, match="no column 'paymnt'.*'payment'"):
        Profile("x", all_of=[("paymnt", "==", "cash")]).matches(passengers)
    with pytest.raises(ValueError, match="Unknown operator 'equals'.*'=='"):
        Profile("x", all_of=[("payment", "equals", "cash")])
    with pytest.raises(ValueError, match="holds text"):
        Profile("x", all_of=[("payment", "<=", "cash")]).matches(passengers)
    with pytest.raises(ValueError, match="Unknown profile key 'allof'"):
        Profile.from_dict({"name": "x", "allof": []})
    with pytest.raises(ValueError, match="no criteria"):
        Profile("x")
    with pytest.raises(ValueError, match="list of values"):
        Criterion("payment", "in", "cash")
    with pytest.raises(ValueError, match="share the name"):
        Profile("x", all_of=[("age", "<", 30, "young"), ("age", "<", 25, "young")])


def test_criteria_on_dates_accept_text_dates(passengers):
    c = Criterion("arrival_date", ">=", "2025-12-01")
    assert c.mask(passengers).sum() == (passengers["arrival_date"] >= "2025-12-01").sum()


def test_indicator_table_gives_each_indicators_hit_rate_and_lift(passengers):
    table = risk.indicator_table(passengers, ref.PASSENGER_INDICATORS)
    cash = passengers["payment"] == "cash"
    row = table.loc["ticket paid in cash"]
    assert row["flagged"] == cash.sum()
    assert row["hit_rate"] == pytest.approx(passengers.loc[cash, "illicit"].mean())
    assert row["lift"] == pytest.approx(row["hit_rate"] / passengers["illicit"].mean())
    assert table.loc["corporate booking", "hits"] == 0


# --- the checks the issue asks for ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data, profile, indicators",
    [
        ("passengers", COURIER, ref.PASSENGER_INDICATORS),
        ("consignments", FRONT, ref.CONSIGNMENT_INDICATORS),
    ],
)
def test_planted_indicators_reach_three_times_random_lift_on_held_out_months(
    request, data, profile, indicators
):
    """A good rule profile reaches a lift of 3 to 6 (the difficulty targets in
    reference.traffic): far from perfect, as real targeting is, but clearly above random."""
    df = request.getfixturevalue(data)
    past, future = risk.train_test_split_by_date(df, None, CUTOFF)
    y = future["illicit"]
    random_hits = np.mean(
        [risk.hit_rate(risk.random_selection(future, seed=s), y) for s in range(5)]
    )
    by_profile = risk.hit_rate(risk.select(profile.matches(future), 0.05), y)
    card = Scorecard(indicators).fit(past)
    by_card = risk.hit_rate(risk.select(card.risk_score(future), 0.05), y)
    assert by_profile >= 3 * random_hits
    assert by_card >= 3 * random_hits


@pytest.mark.parametrize(
    "data, indicators",
    [("passengers", ref.PASSENGER_INDICATORS), ("consignments", ref.CONSIGNMENT_INDICATORS)],
)
def test_no_single_indicator_is_enough_at_five_percent_capacity(request, data, indicators):
    df = request.getfixturevalue(data)
    for half in risk.train_test_split_by_date(df, None, SHIFT):
        for name, rule in indicators.items():
            alone = risk.select(risk.as_criterion(rule).mask(half), 0.05)
            assert risk.lift(alone, half["illicit"]) < 5, name


def test_route_shift_makes_a_profile_built_before_it_lose_hit_rate_after(passengers):
    before, after = risk.train_test_split_by_date(passengers, "arrival_date", SHIFT)
    lifts = (
        before.groupby("departure_country", observed=True)["illicit"].mean()
        / before["illicit"].mean()
    )
    routes = sorted(lifts[lifts > 2].index.astype(str))
    old = Profile(
        "yesterday's routes",
        all_of=[("departure_country", "in", routes)],
        any_of=[
            ("payment", "in", ["cash", "third_party"]),
            ("booking_lead_days", "<=", 3),
            ("trip_days", "<=", 4),
            ("age", "<", 30),
        ],
        at_least=2,
    )
    hit_before = risk.hit_rate(risk.select(old.matches(before)), before["illicit"])
    hit_after = risk.hit_rate(risk.select(old.matches(after)), after["illicit"])
    assert hit_after < 0.7 * hit_before
    monthly = risk.monthly_performance(passengers, risk.select(old.matches(passengers)))
    assert monthly["hit_rate"].iloc[:6].mean() > 1.4 * monthly["hit_rate"].iloc[-5:].mean()


# --- scorecards ----------------------------------------------------------------------------------


def test_scorecard_with_manual_weights_adds_the_points_of_fired_indicators(passengers):
    card = Scorecard(ref.PASSENGER_INDICATORS, weights=ref.PASSENGER_WEIGHTS)
    score = card.risk_score(passengers)
    assert score.equals(card.points(passengers).sum(axis=1).rename("scorecard"))
    first = passengers.iloc[[0]]
    fired = card.fired(first).iloc[0]
    assert score.iloc[0] == pytest.approx(
        sum(ref.PASSENGER_WEIGHTS[k] for k in fired.index if fired[k])
    )
    assert "+3.00  journey from a cocaine source country" in str(card)


def test_fitted_scorecard_gives_planted_indicators_positive_points(passengers):
    past, _ = risk.train_test_split_by_date(passengers, "arrival_date", CUTOFF)
    card = Scorecard(ref.PASSENGER_INDICATORS).fit(past)
    w = card.weights_
    assert w["ticket paid in cash"] > 0.5 and w["booked 3 days or less before"] > 0.5
    assert w["corporate booking"] < 0 and w["frequent traveller (8+ trips a year)"] < 0
    again = Scorecard.from_dict(json.loads(json.dumps(card.to_dict())))
    assert again.risk_score(past).equals(card.risk_score(past))


def test_scorecard_errors_name_the_problem():
    with pytest.raises(ValueError, match="no weights yet"):
        Scorecard(ref.PASSENGER_INDICATORS).risk_score(pd.DataFrame({"payment": ["cash"]}))
    with pytest.raises(ValueError, match="'journey from a cocaine source country' has no weight"):
        Scorecard(ref.PASSENGER_INDICATORS, weights={"corporate booking": -1})


# --- time split and monthly performance ----------------------------------------------------------


def test_time_split_builds_on_the_past_and_judges_on_the_future(consignments):
    past, future = risk.train_test_split_by_date(consignments, "declaration_date", CUTOFF)
    assert past["declaration_date"].max() < pd.Timestamp(CUTOFF) <= future["declaration_date"].min()
    assert len(past) + len(future) == len(consignments)
    with pytest.raises(ValueError, match="leaves one side empty"):
        risk.train_test_split_by_date(consignments, "declaration_date", "2030-01-01")
    with pytest.raises(ValueError, match="no column 'date'"):
        risk.train_test_split_by_date(consignments, "date", CUTOFF)


def test_monthly_performance_adds_up_to_the_whole_period(consignments):
    sel = risk.select(FRONT.matches(consignments))
    monthly = risk.monthly_performance(consignments, sel, weight="true_value_usd")
    whole = risk.evaluate(sel, consignments["illicit"], weight=consignments["true_value_usd"])
    assert len(monthly) == 12 and monthly["hits"].sum() == whole["hits"]
    assert monthly["inspected"].sum() == whole["inspected"]
    assert monthly["captured_share"].between(0, 1).all()
    assert (monthly["lift"] > 3).all()


# --- scikit-learn baselines ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["logistic", "boosting"])
def test_baseline_follows_the_sklearn_contract_and_beats_random(kind):
    df = make_passengers(50_000, seed=5)
    past, future = risk.train_test_split_by_date(df, "arrival_date", CUTOFF)
    model = risk.BaselineClassifier(
        kind, max_categories=10, max_iter=50 if kind == "boosting" else None
    )
    assert model.get_params()["kind"] == kind and not hasattr(model, "model_")
    with pytest.raises(NotFittedError):
        model.predict_proba(future)
    assert model.fit(past) is model
    assert {"features_", "model_", "classes_"} <= set(vars(model))
    assert "passenger_name" not in model.features_ and "illicit" not in model.features_
    assert clone(model).get_params() == model.get_params()
    score = model.risk_score(future)
    assert score.between(0, 1).all() and score.index.equals(future.index)
    assert risk.lift(risk.select(score), future["illicit"]) > 5


def test_baseline_rejects_an_unknown_kind_or_feature():
    df = make_passengers(2_000, seed=0)
    with pytest.raises(ValueError, match="Unknown kind 'forest'.*logistic, boosting"):
        risk.BaselineClassifier("forest").fit(df)
    with pytest.raises(ValueError, match="Unknown feature 'speed'"):
        risk.BaselineClassifier(features=["age", "speed"]).fit(df)


def test_compare_lines_up_selections_side_by_side(passengers):
    y = passengers["illicit"]
    table = risk.compare(
        {
            "random": risk.random_selection(passengers),
            "courier": risk.select(COURIER.matches(passengers)),
        },
        y,
    )
    assert list(table.index) == ["random", "courier"]
    assert table.loc["courier", "lift"] > 3 * table.loc["random", "lift"]
    assert table["inspected"].dtype.kind == "i"


def test_the_baseline_never_learns_from_the_truth_of_either_generator(passengers, consignments):
    """Offence and revenue at risk are truth, like illicit: a model given them would cheat."""
    truth = {"illicit", "offence", "revenue_at_risk_usd"}
    for df in (passengers, consignments):
        features = risk.BaselineClassifier.default_features(df)
        assert truth.isdisjoint(features)
        assert not [c for c in features if c.startswith("true_")]
    assert {"duty_rate", "declared_duty_usd", "value_ratio"} <= set(
        risk.BaselineClassifier.default_features(consignments)
    )
