"""Synthetic data with ground truth: every generator is a pure function of (parameters, seed).

- ``make_seizures`` (``seizures``): CEN seizure records calibrated to the ITR, with the nCEN
  nominal layer on request (``nominal``: persons, companies, conveyances);
- ``make_passengers`` and ``make_consignments`` (``traffic``, with the steps in ``passengers``
  and ``consignments``): the traffic that risk profiling selects from, with the truth;
- ``inject_defects`` (``defects``): data-entry errors with an answer key;
- ``narrate`` (``narrative``): officer reports in varied wording;
- ``make_reporting_panel`` (``panel``): countries reporting to CEN month by month, with staggered
  nCEN adoption and the true effect of the automated transfer;
- ``datasets``: the committed datasets and writing a generated one.
Underneath: ``sampling`` (every vectorised draw), ``pools`` (Faker pools), ``calibration``
(probability tables from ``cenlab.reference``) and ``identifiers`` (ids as byte blocks).
"""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(["make_seizures", "parse_period"], "seizures")
    | dict.fromkeys(["make_nominal", "NCENExtract", "locale_for"], "nominal")
    | dict.fromkeys(
        ["make_passengers", "make_consignments", "read_traffic_csv", "TRUTH_COLUMNS"], "traffic"
    )
    | dict.fromkeys(["inject_defects", "describe", "recall", "false_positive_rate"], "defects")
    | dict.fromkeys(["narrate"], "narrative")
    | dict.fromkeys(["make_reporting_panel", "ReportingPanel", "PanelTruth"], "panel")
    | dict.fromkeys(["write_generated"], "datasets")
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
