"""Views for people who do not code: the CEN dashboard (``dashboard``) and the data-entry form
with its drill (``entry``). Thin: every number comes from a tested function elsewhere."""

from cenlab import lazy_exports

EXPORTS = {
    "CENDashboard": "dashboard",
    "EntryForm": "entry",
    "Drill": "entry",
    "check_entry": "entry",
    "entry_messages": "entry",
    "find_country": "entry",
    "score": "entry",
}
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
