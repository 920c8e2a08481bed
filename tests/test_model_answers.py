"""The figures the risk-profiling model answers state in words hold on the assignment's data.

Each source notebook runs in a scratch copy of its folder; a last cell, appended here, checks
every figure its model answer quotes ("about one in eight", "below 2 every month") against the
notebook's own variables, with the tolerance the wording allows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

COURSE = Path(__file__).resolve().parents[1] / "courses" / "risk-profiling" / "source"

# What each model answer says, as Python over the notebook's variables: claim -> expression.
CLAIMS = {
    "01-indicators-and-profiles": {
        "matches about 730 passengers": "680 <= profile.matches(passengers).sum() <= 780",
        "6% of the traffic": "0.055 <= profile.matches(passengers).mean() < 0.065",
        "the 600 examinations 5% allows": "round(0.05 * len(passengers)) == 600",
        "detection rate 20% at 5%": "0.18 <= share_found < 0.22",
        "detection rate about 25% at 10%": (
            "0.22 <= risk.detection_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.28"
        ),
        "hit rate 8% at 5%": "0.07 <= profile_hit_rate < 0.09",
        "hit rate about 5% at 10%": (
            "0.04 <= risk.hit_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.06"
        ),
        "base rate of 2%": "0.015 <= base_rate < 0.025",
        "three couriers in four get through at 10%": (
            "0.70 <= 1 - risk.detection_rate(risk.select(profile.matches(passengers), 0.10), "
            "passengers['illicit']) < 0.80"
        ),
    },
    "03-cargo-targeting": {
        "about one inspection in three at 5%": "0.28 <= rate_table.loc[0.05, 'hit_rate'] <= 0.40",
        "lift about 7 at 5%": "6 <= rate_table.loc[0.05, 'lift'] <= 8",
        "about a third of all offending at 5%": (
            "0.28 <= rate_table.loc[0.05, 'detection_rate'] <= 0.40"
        ),
        "at 1% two inspections in three find something": (
            "0.60 <= rate_table.loc[0.01, 'hit_rate'] <= 0.73"
        ),
        "at 1% more than eight offences in ten pass unseen": (
            "1 - rate_table.loc[0.01, 'detection_rate'] > 0.80"
        ),
        "the net benefit is highest at 5%": "best_rate == 0.05",
        "at 5% about two thirds of the revenue at risk": "0.60 <= revenue_share <= 0.73",
        "far more than the scorecard": (
            "comparison.loc['baseline', 'captured_share'] "
            ">= 1.5 * comparison.loc['scorecard', 'captured_share']"
        ),
        "we still miss about two offences in three": (
            "0.60 <= 1 - rate_table.loc[0.05, 'detection_rate'] <= 0.72"
        ),
    },
    "02-evaluating-and-adapting": {
        "about half came from South America before": "0.40 <= sa_share_past <= 0.60",
        "about one in sixteen after": "1 / 25 <= sa_share_future <= 1 / 10",
        "about one examination in eight in the first half": "0.09 <= past_hit_rate <= 0.17",
        "fewer than one in fifty after the shift": "future_hit_rate < 1 / 50",
        "random checks find one in thirty": "1 / 40 <= future['illicit'].mean() <= 1 / 25",
        "worse than random checks": "future_hit_rate < future['illicit'].mean()",
        "lift below 2 every month from July": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 2).all()"
        ),
        "below 1 in five months of six": (
            "(monthly.loc[monthly.index >= monthly.index[6], 'lift'] < 1).sum() == 5"
        ),
        "the scorecard: about one in ten from July": "0.07 <= card_future_hit_rate <= 0.13",
        "adapted about one in five on September to December": "0.15 <= adapted_hit_rate <= 0.25",
        "the old card about one in nine": "0.08 <= old_card_hit_rate <= 0.14",
        "the baseline about one in five from July": "0.15 <= baseline_future_hit_rate <= 0.25",
        "none finds more than about three couriers in ten": (
            "max(risk.detection_rate(s, future['illicit']) "
            "for s in [card_selected, baseline_selected]) <= 0.35"
        ),
    },
}


def check_cell(claims: dict[str, str]) -> str:
    lines = ["import json", "_failed = []"]
    for claim, expression in claims.items():
        lines.append(f"if not ({expression}): _failed.append({claim!r})")
    lines.append("print(json.dumps(_failed))")
    return "\n".join(lines)


@pytest.mark.parametrize("assignment", sorted(CLAIMS))
def test_every_figure_the_model_answer_quotes_holds_on_the_data(assignment, tmp_path):
    folder = tmp_path / assignment
    shutil.copytree(COURSE / assignment, folder)
    (path,) = folder.glob("*.ipynb")
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(check_cell(CLAIMS[assignment])))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert json.loads(printed) == []


def test_a_false_claim_is_caught():
    """The check cell is not blind: a claim that does not hold is reported by name."""
    ns: dict = {"x": 0.5}
    exec(check_cell({"x is small": "x < 0.1", "x is a half": "x == 0.5"}), ns)  # noqa: S102
    assert ns["_failed"] == ["x is small"]
