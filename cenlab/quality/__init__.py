"""Data quality in the Charter's sense: ``validate(df)`` -> ``QualityReport``.

``rules`` holds the rule registry, one decorated function per data-entry mistake, grouped by
Charter dimension; ``columns`` reads each field once in the forms the rules need; ``report``
runs the rules and gives the findings as a tidy table with a score per dimension.
"""

from cenlab import lazy_exports

EXPORTS = {
    "validate": "report",
    "QualityReport": "report",
    "compare": "report",
    "rules_table": "report",
    "select_rules": "report",
    "FINDING_COLUMNS": "report",
    "RULES": "rules",
    "DIMENSIONS": "rules",
    "Rule": "rules",
}
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
