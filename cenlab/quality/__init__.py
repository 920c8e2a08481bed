"""Data quality in the Charter's sense: ``validate(df)`` -> ``QualityReport``.

``rules`` holds the rule registry, one decorated function per data-entry mistake, grouped by
Charter dimension; ``columns`` reads each field once in the forms the rules need; ``report``
runs the rules and gives the findings as a tidy table with a score per dimension. ``impact``
measures quantity over a monthly reporting panel: coverage and delay, and whether the automated
nCEN transfer helped (naive comparisons, two-way fixed effects, an event study).
"""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(
        ["validate", "QualityReport", "compare", "rules_table", "select_rules", "FINDING_COLUMNS"],
        "report",
    )
    | dict.fromkeys(["RULES", "DIMENSIONS", "Rule"], "rules")
    | dict.fromkeys(
        [
            "coverage",
            "switch_months",
            "before_after",
            "adopters_vs_others",
            "twfe",
            "event_study",
            "did",
        ],
        "impact",
    )
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
