"""Views for people who do not code: the CEN dashboard (``dashboard``) with its quantity view
(``quantity``, over the pure functions of ``reporting``) and the data-entry form with its drill
(``entry``). Thin: every number comes from a tested function elsewhere."""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(["CENDashboard"], "dashboard")
    | dict.fromkeys(["QuantityDashboard"], "quantity")
    | dict.fromkeys(
        ["EntryForm", "Drill", "check_entry", "entry_messages", "find_country", "score"], "entry"
    )
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
