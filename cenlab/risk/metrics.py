"""Selection at a capacity, targeting metrics, the time split and the scikit-learn baseline.

`select` keeps the top share of the scores that the inspection capacity allows. The metrics are
the ones customs reports: hit rate (precision at capacity), detection rate (recall), lift over
random selection, share of the seized quantity or value captured, the confusion table, and
month-by-month performance. `train_test_split_by_date` builds on the past and judges on the
future; `BaselineClassifier` is the scikit-learn yardstick. Re-exported by `cenlab.risk`. The
measures take plain arrays or Series of True/False (``selected``: inspected or not; ``truth``:
illicit or not) and are vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from cenlab.seeding import make_rng

DATE_COLUMNS = ("arrival_date", "declaration_date")


def as_bool(x, name: str = "selected") -> np.ndarray:
    """``x`` as a True/False array (missing counts as False), or a ValueError naming ``name``."""
    ser = x if isinstance(x, pd.Series) else pd.Series(np.asarray(x))
    if ser.dtype != bool:
        ser = ser.fillna(False).infer_objects()
    if pd.api.types.is_bool_dtype(ser):
        return ser.to_numpy(dtype=bool)
    arr = ser.to_numpy()
    if arr.dtype.kind in "iuf" and np.isin(arr, (0, 1)).all():
        return arr.astype(bool)
    raise ValueError(f"{name} must hold True/False values (or 0/1), got values like {arr[:3]!r}")


def _pair(selected, truth) -> tuple[np.ndarray, np.ndarray]:
    sel, y = as_bool(selected, "selected"), as_bool(truth, "truth")
    if len(sel) != len(y):
        raise ValueError(f"selected has {len(sel)} rows but truth has {len(y)}; they must match")
    return sel, y


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def _capacity(capacity, n: int) -> int:
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, (int, float))
        or not 0 <= capacity <= 1
    ):
        raise ValueError(
            f"capacity is the share of traffic you can inspect, between 0 and 1 (0.05 = 5%); "
            f"got {capacity!r}"
        )
    return int(round(capacity * n))


def select(scores, capacity: float = 0.05, *, seed: int = 0, fill: bool = True) -> pd.Series:
    """Inspect the highest-scoring share ``capacity`` of the traffic; ties are broken at random.

    ``scores`` may be numbers or True/False (a profile's matches). When fewer rows stand out than
    the capacity allows, the rest of the capacity goes to random checks among the others, as
    customs does; ``fill=False`` leaves it unused (only rows scoring above zero are selected).
    """
    index = scores.index if isinstance(scores, pd.Series) else pd.RangeIndex(len(scores))
    s = np.asarray(scores, dtype=float)
    s = np.where(np.isnan(s), -np.inf, s)
    n, k = len(s), _capacity(capacity, len(s))
    if not fill:
        s = np.where(s > 0, s, -np.inf)
        k = min(k, int(np.isfinite(s).sum()))
    chosen = np.zeros(n, dtype=bool)
    if k > 0:
        cut = np.partition(s, n - k)[n - k]  # the k-th highest score
        chosen = s > cut
        ties = np.flatnonzero(s == cut)
        keys = make_rng(seed, stream="select").random(len(ties))
        need = k - int(chosen.sum())
        chosen[ties[np.argpartition(keys, need - 1)[:need]] if need else []] = True
    return pd.Series(chosen, index=index, name="selected")


def random_selection(traffic, *, capacity: float = 0.05, seed: int = 0) -> pd.Series:
    """Random checks of a share ``capacity`` of ``traffic`` (a frame, or a number of rows)."""
    index = traffic.index if hasattr(traffic, "index") else pd.RangeIndex(int(traffic))
    return select(pd.Series(np.zeros(len(index)), index=index), capacity, seed=seed)


def hit_rate(selected, truth) -> float:
    """Share of inspections that find something (precision at the inspection capacity)."""
    sel, y = _pair(selected, truth)
    return _ratio((sel & y).sum(), sel.sum())


def detection_rate(selected, truth) -> float:
    """Share of the illicit traffic that was inspected (recall)."""
    sel, y = _pair(selected, truth)
    return _ratio((sel & y).sum(), y.sum())


def lift(selected, truth) -> float:
    """How many times better than random selection the hit rate is (hit rate / base rate)."""
    sel, y = _pair(selected, truth)
    return _ratio(hit_rate(sel, y), y.mean() if len(y) else 0.0)


def captured_share(selected, truth, weight=None) -> float:
    """Share of the illicit quantity or value (``weight``) found by the inspections."""
    sel, y = _pair(selected, truth)
    if weight is None:
        return detection_rate(sel, y)
    w = np.where(y, np.asarray(weight, dtype=float), 0.0)
    return _ratio(w[sel].sum(), w.sum())


def confusion_table(selected, truth, *, margins: bool = False) -> pd.DataFrame:
    """Counts of illicit / legitimate rows that were / were not selected."""
    sel, y = _pair(selected, truth)
    table = pd.DataFrame(
        [[(sel & y).sum(), (~sel & y).sum()], [(sel & ~y).sum(), (~sel & ~y).sum()]],
        index=pd.Index(["illicit", "legitimate"], name="truth"),
        columns=pd.Index(["selected", "not selected"], name="decision"),
    )
    if margins:
        table["total"] = table.sum(axis=1)
        table.loc["total"] = table.sum()
    return table


def evaluate(selected, truth, *, weight=None) -> pd.Series:
    """All the targeting figures of one selection, as one labelled Series."""
    sel, y = _pair(selected, truth)
    hits = int((sel & y).sum())
    out = {
        "traffic": len(sel),
        "inspected": int(sel.sum()),
        "share_inspected": _ratio(sel.sum(), len(sel)),
        "illicit": int(y.sum()),
        "hits": hits,
        "base_rate": _ratio(y.sum(), len(y)),
        "hit_rate": hit_rate(sel, y),
        "detection_rate": detection_rate(sel, y),
        "lift": lift(sel, y),
    }
    if weight is not None:
        out["captured_share"] = captured_share(sel, y, weight)
    return pd.Series(out, name="performance", dtype=object)


def compare(selections: dict, truth, *, weight=None) -> pd.DataFrame:
    """`evaluate` for several selections side by side, one row each."""
    rows = {name: evaluate(sel, truth, weight=weight) for name, sel in selections.items()}
    return pd.DataFrame(rows).T.infer_objects()


def _date_column(df: pd.DataFrame, date_col) -> pd.Series:
    if date_col is None:
        found = [c for c in DATE_COLUMNS if c in df.columns]
        if not found:
            raise ValueError(
                f"No date column found; name one with date_col= (tried {', '.join(DATE_COLUMNS)})"
            )
        date_col = found[0]
    if date_col not in df.columns:
        raise ValueError(f"There is no column {date_col!r} in the data")
    dates = df[date_col]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise ValueError(f"Column {date_col!r} does not hold dates")
    return dates


def monthly_performance(
    df: pd.DataFrame, selected, *, date_col=None, truth: str = "illicit", weight=None
) -> pd.DataFrame:
    """Hit rate, detection rate and lift of a selection month by month (each month's own base rate).

    ``weight`` (a column name or an array: quantity or value) adds the share of it captured.
    """
    dates = _date_column(df, date_col)
    sel, y = _pair(selected, df[truth] if isinstance(truth, str) else truth)
    frame = pd.DataFrame(
        {"traffic": 1, "inspected": sel, "illicit": y, "hits": sel & y}, index=df.index
    )
    if weight is not None:
        w = np.where(
            y, np.asarray(df[weight] if isinstance(weight, str) else weight, dtype=float), 0.0
        )
        frame["seized"], frame["captured"] = w, np.where(sel, w, 0.0)
    out = frame.groupby(dates.dt.to_period("M").rename("month")).sum()
    out["hit_rate"] = out["hits"] / out["inspected"].where(out["inspected"] > 0)
    out["detection_rate"] = out["hits"] / out["illicit"].where(out["illicit"] > 0)
    base = out["illicit"] / out["traffic"]
    out["lift"] = out["hit_rate"] / base.where(base > 0)
    if weight is not None:
        out["captured_share"] = out.pop("captured") / out.pop("seized").where(lambda s: s > 0)
    return out


def train_test_split_by_date(
    df: pd.DataFrame, date_col, cutoff
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows before ``cutoff`` to build on (train), rows from ``cutoff`` on to judge on (test)."""
    dates = _date_column(df, date_col)
    cutoff = pd.Timestamp(cutoff)
    before = (dates < cutoff).to_numpy()
    if before.all() or not before.any():
        raise ValueError(
            f"cutoff {cutoff.date()} leaves one side empty: the dates run from "
            f"{dates.min().date()} to {dates.max().date()}"
        )
    return df[before], df[~before]


class BaselineClassifier(ClassifierMixin, BaseEstimator):
    """A scikit-learn yardstick for profiles: logistic regression or gradient boosting.

    ``kind`` is "logistic" or "boosting". ``features`` defaults to every column except the truth,
    identifiers, names and dates. Text columns keep their ``max_categories`` most frequent values.
    ``max_iter`` defaults to 1000 solver steps (logistic) or 100 boosting rounds.
    Score with `risk_score` and judge with `select` and the same metrics as a profile.
    """

    KINDS = ("logistic", "boosting")

    def __init__(
        self,
        kind: str = "logistic",
        *,
        features=None,
        max_categories: int = 20,
        C: float = 1.0,
        max_iter: int | None = None,
        random_state: int = 0,
    ):
        self.kind, self.features, self.max_categories = kind, features, max_categories
        self.C, self.max_iter, self.random_state = C, max_iter, random_state

    @staticmethod
    def default_features(df: pd.DataFrame) -> list[str]:
        """Every column but the truth, identifiers, names and dates."""
        from cenlab.synth.consignments import CONSIGNMENT_TRUTH_COLUMNS
        from cenlab.synth.passengers import TRUTH_COLUMNS

        truth = {*TRUTH_COLUMNS, *CONSIGNMENT_TRUTH_COLUMNS}
        return [
            c
            for c in df.columns
            if c not in truth
            and not c.startswith("true_")
            and not c.endswith(("_id", "_name"))
            and not pd.api.types.is_datetime64_any_dtype(df[c])
        ]

    def _frame(self, df: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in self.features_ if c not in df.columns]
        if missing:
            raise ValueError(
                f"The data has no column {missing[0]!r}, which the model was fitted on"
            )
        out = {c: df[c].to_numpy(dtype=float) for c in self.numeric_}
        out.update(
            {
                c: df[c].astype(object).fillna("(missing)").astype(str).to_numpy(object)
                for c in self.categorical_
            }
        )
        return pd.DataFrame(out, index=df.index)

    def fit(self, X: pd.DataFrame, y="illicit") -> BaselineClassifier:
        """Learn from past traffic ``X``; ``y`` is the truth column's name or a True/False array."""
        if self.kind not in self.KINDS:
            raise ValueError(f"Unknown kind {self.kind!r}; accepted: {', '.join(self.KINDS)}")
        truth = as_bool(X[y] if isinstance(y, str) else y, "y")
        features = list(self.features) if self.features is not None else self.default_features(X)
        if self.features is None and isinstance(y, str):
            features = [c for c in features if c != y]  # never learn from the answer
        unknown = [c for c in features if c not in X.columns]
        if unknown:
            raise ValueError(f"Unknown feature {unknown[0]!r}: there is no such column in the data")
        numeric = [c for c in features if pd.api.types.is_numeric_dtype(X[c]) or X[c].dtype == bool]
        self.features_ = features
        self.numeric_ = [c for c in numeric if not isinstance(X[c].dtype, pd.CategoricalDtype)]
        self.categorical_ = [c for c in features if c not in self.numeric_]
        self.model_ = self._pipeline().fit(self._frame(X), truth)
        self.classes_ = self.model_.classes_
        return self

    def _pipeline(self) -> Pipeline:
        if self.kind == "logistic":
            scale = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
            prepare = ColumnTransformer(
                [
                    ("numbers", scale, self.numeric_),
                    (
                        "text",
                        OneHotEncoder(
                            handle_unknown="infrequent_if_exist", max_categories=self.max_categories
                        ),
                        self.categorical_,
                    ),
                ]
            )
            model = LogisticRegression(C=self.C, max_iter=self.max_iter or 1000)
        else:
            prepare = ColumnTransformer(
                [
                    (
                        "text",
                        OrdinalEncoder(
                            handle_unknown="use_encoded_value",
                            unknown_value=np.nan,
                            max_categories=self.max_categories,
                        ),
                        self.categorical_,
                    ),
                    ("numbers", "passthrough", self.numeric_),
                ]
            )
            is_text = [True] * len(self.categorical_) + [False] * len(self.numeric_)
            model = HistGradientBoostingClassifier(
                categorical_features=is_text,
                max_iter=self.max_iter or 100,
                random_state=self.random_state,
            )
        return Pipeline([("prepare", prepare), ("model", model)])

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._frame(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict(self._frame(X))

    def risk_score(self, X: pd.DataFrame) -> pd.Series:
        """Estimated probability that each row is illicit, for `select`."""
        return pd.Series(self.predict_proba(X)[:, 1], index=X.index, name=f"{self.kind} baseline")
