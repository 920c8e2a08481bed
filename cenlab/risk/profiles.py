"""Risk profiles and scorecards: the criteria an officer writes, read aloud and saved as JSON.

An officer writes a `Profile` (named criteria combined with all-of / any-of / none-of) or a
`Scorecard` (points per indicator, given or learned by `fit`) and scores the traffic;
`indicator_table` judges each indicator alone. Selecting at the inspection capacity and the
targeting measures are in `cenlab.risk.metrics`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cenlab.reference.traffic import COLUMN_LABELS
from cenlab.risk.metrics import as_bool

# operator -> (words used when a profile is read aloud, vectorised test on a column)
OPERATORS = {
    "==": ("is", lambda s, v: s == v),
    "!=": ("is not", lambda s, v: s != v),
    "<": ("is below", lambda s, v: s < v),
    "<=": ("is at most", lambda s, v: s <= v),
    ">": ("is above", lambda s, v: s > v),
    ">=": ("is at least", lambda s, v: s >= v),
    "in": ("is one of", lambda s, v: s.isin(list(v))),
    "not in": ("is none of", lambda s, v: ~s.isin(list(v))),
    "between": ("is between", lambda s, v: (s >= v[0]) & (s <= v[1])),
    "is missing": ("is missing", lambda s, v: s.isna()),
    "is not missing": ("is given", lambda s, v: s.notna()),
}
_ORDERED = {"<", "<=", ">", ">=", "between"}
_NO_VALUE = {"is missing", "is not missing"}


def _column(df: pd.DataFrame, column: str) -> pd.Series:
    """``df[column]``, or a ValueError that names the column and suggests close names."""
    if column in df.columns:
        return df[column]
    close = difflib.get_close_matches(column, [str(c) for c in df.columns], n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"There is no column {column!r} in the data.{hint}")


def _plain(value):
    """A JSON-friendly copy of a criterion value (lists, not tuples; Python, not numpy, scalars)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class Criterion:
    """One test on one column, e.g. ``Criterion("payment", "==", "cash", name="paid cash")``."""

    column: str
    op: str
    value: object = None
    name: str | None = None

    def __post_init__(self):
        if self.op not in OPERATORS:
            raise ValueError(
                f"Unknown operator {self.op!r} in the criterion on {self.column!r}. "
                f"Accepted: {', '.join(repr(o) for o in OPERATORS)}"
            )
        value = self.value
        if self.op in ("in", "not in"):
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise ValueError(
                    f"{self.op!r} needs a list of values for {self.column!r}, got {value!r}"
                )
            value = tuple(value)
        if self.op == "between" and (not hasattr(value, "__len__") or len(value) != 2):
            raise ValueError(
                f"'between' needs two values [low, high] for {self.column!r}, got {value!r}"
            )
        if self.op == "between":
            value = tuple(value)
        object.__setattr__(self, "value", None if self.op in _NO_VALUE else value)

    @property
    def label(self) -> str:
        """The criterion's name, or its rule in words when it has no name."""
        return self.name or self.rule()

    def rule(self) -> str:
        """The rule in plain English, e.g. 'ticket payment is cash'."""
        column = COLUMN_LABELS.get(self.column, self.column.replace("_", " "))
        words, _ = OPERATORS[self.op]
        if self.op in _NO_VALUE:
            return f"{column} {words}"
        if self.op == "between":
            return f"{column} {words} {self.value[0]} and {self.value[1]}"
        if self.op in ("in", "not in"):
            return f"{column} {words} {', '.join(str(v) for v in self.value)}"
        return f"{column} {words} {self.value}"

    def mask(self, df: pd.DataFrame) -> np.ndarray:
        """True where the row meets the criterion (vectorised over the whole frame)."""
        s, value = _column(df, self.column), self.value
        if pd.api.types.is_datetime64_any_dtype(s) and value is not None:
            value = (
                tuple(pd.Timestamp(v) for v in value)
                if isinstance(value, tuple)
                else pd.Timestamp(value)
            )
        if self.op in _ORDERED and not (
            pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)
        ):
            raise ValueError(
                f"Column {self.column!r} holds text, so {self.op!r} cannot compare it; "
                "use '==', '!=', 'in' or 'not in'."
            )
        try:
            out = OPERATORS[self.op][1](s, value)
        except (TypeError, ValueError) as err:
            hint = " To test several values, use 'in'." if isinstance(value, (list, tuple)) else ""
            raise ValueError(
                f"Cannot compare column {self.column!r} with {value!r} ({err}).{hint}"
            ) from None
        return np.asarray(pd.Series(out).fillna(False), dtype=bool)

    def to_dict(self) -> dict:
        """A JSON-friendly dict that `as_criterion` reads back."""
        d = {"column": self.column, "op": self.op}
        if self.op not in _NO_VALUE:
            d["value"] = _plain(self.value)
        if self.name:
            d["name"] = self.name
        return d


def as_criterion(obj, name: str | None = None) -> Criterion:
    """A Criterion from a Criterion, a dict, or a tuple ``(column, op, value[, name])``."""
    if isinstance(obj, Criterion):
        return (
            obj
            if name is None or obj.name == name
            else Criterion(obj.column, obj.op, obj.value, name)
        )
    if isinstance(obj, dict):
        unknown = set(obj) - {"column", "op", "value", "name"}
        if unknown or not {"column", "op"} <= set(obj):
            raise ValueError(
                "A criterion needs the keys column, op and value (name optional); "
                f"got {sorted(obj)}"
            )
        return Criterion(obj["column"], obj["op"], obj.get("value"), name or obj.get("name"))
    if isinstance(obj, (tuple, list)) and 2 <= len(obj) <= 4:
        column, op, value, given = (*obj, None, None)[:4]
        return Criterion(column, op, value, name or given)
    raise ValueError(f"Cannot read a criterion from {obj!r}; write (column, operator, value).")


def as_criteria(indicators) -> list[Criterion]:
    """Criteria from a {name: rule} dict, a list of rules, a Profile or a Scorecard."""
    if isinstance(indicators, (Profile, Scorecard)):
        return list(indicators.criteria)
    if isinstance(indicators, dict):
        return [as_criterion(rule, name) for name, rule in indicators.items()]
    return [as_criterion(rule) for rule in indicators]


def _check_labels(criteria: list[Criterion]) -> None:
    labels = [c.label for c in criteria]
    repeated = sorted({x for x in labels if labels.count(x) > 1})
    if repeated:
        raise ValueError(
            f"Two criteria share the name {repeated[0]!r}; give each a different name."
        )


def _fired(criteria: list[Criterion], df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c.label: c.mask(df) for c in criteria}, index=df.index)


class Profile:
    """A risk profile an officer can read and write: named criteria combined with and / or.

    A row matches when it meets every ``all_of`` criterion, at least ``at_least`` of the
    ``any_of`` criteria (if any), and none of the ``none_of`` criteria.
    """

    def __init__(
        self,
        name: str,
        *,
        all_of=(),
        any_of=(),
        at_least: int = 1,
        none_of=(),
        description: str = "",
    ):
        if not isinstance(name, str) or not name.strip():
            raise ValueError("A profile needs a name, e.g. Profile('cash-late-short', ...)")
        self.name, self.description = name, description
        self.all_of, self.any_of = as_criteria(all_of), as_criteria(any_of)
        self.none_of = as_criteria(none_of)
        if not self.all_of and not self.any_of:
            raise ValueError(f"Profile {name!r} has no criteria: give all_of or any_of.")
        if self.any_of and not 1 <= at_least <= len(self.any_of):
            raise ValueError(f"at_least must be between 1 and {len(self.any_of)}, got {at_least!r}")
        self.at_least = int(at_least)
        _check_labels(self.criteria)

    @property
    def criteria(self) -> list[Criterion]:
        """Every criterion: all_of, then any_of, then none_of."""
        return [*self.all_of, *self.any_of, *self.none_of]

    @property
    def indicators(self) -> list[Criterion]:
        """The criteria that point towards risk (all_of and any_of, not the exclusions)."""
        return [*self.all_of, *self.any_of]

    def fired(self, df: pd.DataFrame) -> pd.DataFrame:
        """One True/False column per criterion: which criteria each row meets."""
        return _fired(self.criteria, df)

    def matches(self, df: pd.DataFrame) -> pd.Series:
        """True for the rows the profile selects."""
        ok = np.ones(len(df), dtype=bool)
        for c in self.all_of:
            ok &= c.mask(df)
        if self.any_of:
            ok &= sum(c.mask(df).astype(np.int64) for c in self.any_of) >= self.at_least
        for c in self.none_of:
            ok &= ~c.mask(df)
        return pd.Series(ok, index=df.index, name=self.name)

    def __str__(self) -> str:
        parts = [" and ".join(c.label for c in self.all_of)] if self.all_of else []
        if self.any_of:
            parts.append(f"at least {self.at_least} of: " + "; ".join(c.label for c in self.any_of))
        text = f'Profile "{self.name}": select when ' + ", and ".join(parts)
        if self.none_of:
            text += ", unless " + " or ".join(c.label for c in self.none_of)
        return text + "."

    def __repr__(self) -> str:
        return f"Profile.from_dict({self.to_dict()!r})"

    def to_dict(self) -> dict:
        """A JSON-friendly dict; `Profile.from_dict` reads it back."""
        return {
            "name": self.name,
            "description": self.description,
            "all_of": [c.to_dict() for c in self.all_of],
            "any_of": [c.to_dict() for c in self.any_of],
            "at_least": self.at_least,
            "none_of": [c.to_dict() for c in self.none_of],
        }

    @classmethod
    def from_dict(cls, d: dict) -> Profile:
        """A profile from a dict such as `to_dict` writes (or JSON an officer edited)."""
        accepted = {"name", "description", "all_of", "any_of", "at_least", "none_of"}
        unknown = sorted(set(d) - accepted)
        if unknown:
            raise ValueError(
                f"Unknown profile key {unknown[0]!r}; accepted: {', '.join(sorted(accepted))}"
            )
        if "name" not in d:
            raise ValueError("A profile needs a 'name'.")
        return cls(d["name"], **{k: v for k, v in d.items() if k != "name"})


class Scorecard:
    """Points per indicator, summed into a risk score.

    Give ``weights`` ({indicator name: points}) as a manual would, or call `fit` to learn them
    from past traffic as log odds ratios (how much more often the indicator fires on illicit rows).
    """

    def __init__(
        self,
        indicators,
        *,
        weights: dict | None = None,
        name: str = "scorecard",
        smoothing: float = 0.5,
    ):
        self.indicators, self.weights = indicators, weights
        self.name, self.smoothing = name, smoothing
        self.criteria = as_criteria(indicators)
        _check_labels(self.criteria)
        if weights is not None:
            labels = [c.label for c in self.criteria]
            missing = [x for x in labels if x not in weights]
            unknown = [x for x in weights if x not in labels]
            if missing or unknown:
                bad = missing[0] if missing else unknown[0]
                what = "has no weight" if missing else "is not one of the indicators"
                raise ValueError(f"Indicator {bad!r} {what}; indicators: {', '.join(labels)}")

    def fit(self, df: pd.DataFrame, y="illicit") -> Scorecard:
        """Learn ``weights_`` from past traffic: the smoothed log odds ratio of each indicator."""
        truth = as_bool(_column(df, y) if isinstance(y, str) else y, "y")
        fired, a = self.fired(df).to_numpy(), self.smoothing
        pos, neg = fired[truth], fired[~truth]
        p1 = (pos.sum(0) + a) / (len(pos) - pos.sum(0) + a)
        p0 = (neg.sum(0) + a) / (len(neg) - neg.sum(0) + a)
        self.weights_ = dict(
            zip([c.label for c in self.criteria], np.round(np.log(p1 / p0), 3).tolist())
        )
        return self

    def current_weights(self) -> dict:
        """The points in use: learned by `fit` if it was called, else the ``weights`` given."""
        if hasattr(self, "weights_"):
            return self.weights_
        if self.weights is None:
            raise ValueError(
                "This scorecard has no weights yet: give weights=... or call fit(past)."
            )
        return self.weights

    def fired(self, df: pd.DataFrame) -> pd.DataFrame:
        """One True/False column per indicator: which indicators fire on each row."""
        return _fired(self.criteria, df)

    def points(self, df: pd.DataFrame) -> pd.DataFrame:
        """Points each row earns per indicator (zero where the indicator does not fire)."""
        return self.fired(df) * pd.Series(self.current_weights())

    def risk_score(self, df: pd.DataFrame) -> pd.Series:
        """The sum of the points of the indicators that fire on each row."""
        w = np.array([self.current_weights()[c.label] for c in self.criteria], dtype=float)
        return pd.Series(self.fired(df).to_numpy(dtype=float) @ w, index=df.index, name=self.name)

    def __str__(self) -> str:
        w = self.current_weights() if self._has_weights() else {}
        lines = [f'Scorecard "{self.name}" (points when the indicator fires):']
        for c in self.criteria:
            pts = f"{w[c.label]:+6.2f}" if c.label in w else "     ?"
            lines.append(f"  {pts}  {c.label}" + (f" ({c.rule()})" if c.name else ""))
        return "\n".join(lines)

    def _has_weights(self) -> bool:
        return self.weights is not None or hasattr(self, "weights_")

    def to_dict(self) -> dict:
        """A JSON-friendly dict (with the weights in use, if any); `from_dict` reads it back."""
        weights = dict(self.current_weights()) if self._has_weights() else None
        return {
            "name": self.name,
            "indicators": [c.to_dict() for c in self.criteria],
            "weights": weights,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Scorecard:
        """A scorecard from a dict such as `to_dict` writes."""
        unknown = sorted(set(d) - {"name", "indicators", "weights"})
        if unknown:
            raise ValueError(
                f"Unknown scorecard key {unknown[0]!r}; accepted: indicators, name, weights"
            )
        return cls(d["indicators"], weights=d.get("weights"), name=d.get("name", "scorecard"))


def indicator_table(df: pd.DataFrame, indicators, *, truth: str = "illicit") -> pd.DataFrame:
    """Each indicator alone: how often it fires, its hit rate, lift and detection rate."""
    y = as_bool(_column(df, truth), truth)
    fired = _fired(as_criteria(indicators), df)
    flagged = fired.sum()
    hits = fired[y].sum()
    base = y.mean() if len(y) else np.nan
    out = pd.DataFrame(
        {"flagged": flagged, "share_flagged": flagged / max(len(df), 1), "hits": hits}
    )
    out["hit_rate"] = hits / flagged.where(flagged > 0)
    out["lift"] = out["hit_rate"] / base if base > 0 else np.nan
    out["detection_rate"] = hits / y.sum() if y.sum() else np.nan
    out.index.name = "indicator"
    return out
