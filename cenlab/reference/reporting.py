"""How seizures reach CEN: reporting modes, their delays and coverage, and nCEN adoption.

Source: assumption. The WCO publishes no per-country reporting delays; these figures are cenlab's
illustrative reading of the Charter of Data Quantity and Quality Enhancement in the CEN (2021),
whose first concern is that Members report late or not at all, and of the CEN Management Team's
January 2023 endorsement of an automated transfer of non-personal data from nCEN to CEN "thus
boosting the quantity of CEN data". About 50 administrations use nCEN. Data only: no logic here.
"""

# How an administration sends its seizures to CEN, from the slowest to the fastest.
#   share_reported      share of its seizures that ever reach CEN
#   delay_median_days   median days from seizure to report (lognormal around it)
#   delay_sigma         log-scale spread of the delay
REPORTING_MODES = {
    "by hand": {"share_reported": 0.55, "delay_median_days": 75.0, "delay_sigma": 0.8},
    "spreadsheet upload": {"share_reported": 0.75, "delay_median_days": 35.0, "delay_sigma": 0.7},
    "automated nCEN transfer": {
        "share_reported": 0.95,
        "delay_median_days": 3.0,
        "delay_sigma": 0.6,
    },
}

# Share of reporting countries using each mode in the default seizure generator (assumption:
# most report by hand or by upload; the automated transfer is new).
MODE_SHARES = {"by hand": 0.45, "spreadsheet upload": 0.40, "automated nCEN transfer": 0.15}

# A seizure reported to CEN more than this many days after it was made is late in the Charter's
# sense of timeliness (assumption: one quarter, the rhythm of regional reporting).
LATE_AFTER_DAYS = 90
