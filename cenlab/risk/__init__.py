"""Risk profiling: rule profiles and scorecards (``profiles``), selection at capacity and the
targeting measures, hit rate, detection rate, lift (``metrics``), and CENcomm-style alerts
(``alert``). Estimators follow scikit-learn's contract."""

from cenlab import lazy_exports

_PROFILES = [
    "OPERATORS",
    "Criterion",
    "Profile",
    "Scorecard",
    "as_criterion",
    "as_criteria",
    "indicator_table",
]
_METRICS = [
    "select",
    "random_selection",
    "hit_rate",
    "detection_rate",
    "lift",
    "captured_share",
    "confusion_table",
    "evaluate",
    "compare",
    "monthly_performance",
    "as_bool",
    "train_test_split_by_date",
    "BaselineClassifier",
]
_ALERT = ["Alert", "make_alert", "validate_alert", "ALERT_SCHEMA", "RECOMMENDED_ACTIONS"]
EXPORTS = (
    dict.fromkeys(_PROFILES, "profiles")
    | dict.fromkeys(_METRICS, "metrics")
    | dict.fromkeys(_ALERT, "alert")
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
