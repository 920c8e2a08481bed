"""What both dashboards share: how charts are drawn and how filters are set from code."""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as widgets
import pandas as pd

# Charts go to the browser as SVG with text left as text: twice as fast to render as PNG,
# sharp at any zoom, and the same chart gives the same bytes (fixed hash salt, no date).
SVG = {"svg.fonttype": "none", "svg.hashsalt": "cenlab"}


def choose(w: widgets.SelectMultiple, values, *, name: str | None = None) -> None:
    """Select ``values`` in ``w``. Given the filter's ``name``, a value not on offer raises a
    ValueError; without, it is dropped (a country outside the regions just chosen)."""
    offered = [v for _, v in w.options]
    if name and (unknown := [v for v in values if v not in offered]):
        raise ValueError(f"{name}: {unknown} not on offer; choose from {offered}")
    w.value = tuple(v for v in values if v in offered)


def month_index(months: list[pd.Timestamp], when, *, default: int) -> int:
    """Position of the month holding ``when`` among ``months``; ``default`` for None."""
    if when is None:
        return default
    month = pd.Timestamp(when).to_period("M").to_timestamp()
    if month not in months:
        span = f"{months[0]:%b %Y} to {months[-1]:%b %Y}"
        raise ValueError(f"{month:%B %Y} is outside the data ({span})")
    return months.index(month)


class HeldRedraw:
    """Redraw once after several widgets change together, not after each of them.

    A dashboard sets ``self._holding = 0`` and has a ``refresh`` method; its widgets call
    ``_on_change``, and code that changes several at once does so inside ``with self._hold():``.
    """

    _holding = 0

    @contextmanager
    def _hold(self):
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def _on_change(self, _change=None) -> None:
        if not self._holding:
            self.refresh()
