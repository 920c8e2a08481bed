"""The reporting panel: a world of administrations reporting their seizures to CEN, month by month.

`cenlab.synth.panel` picks and combines these figures; the reporting modes themselves (share that
reaches CEN and delay, by mode) are in `cenlab.reference.reporting`. Every figure says where it
comes from or that it is an assumption, with the reason. Data only: no logic here.
"""

# --- how many seizures each administration makes ------------------------------------------------

# Mean true seizures per country and month. Source: assumption, sized so that 180 countries over
# 10 years hold about 2 million seizures; the same order as the WCO Illicit Trade Report 2025,
# whose region totals (`regions.REGION_SEIZURES`) add up to about 226,000 reported seizures a year.
SEIZURES_PER_MONTH = 92.0

# Relative size of a country within the world: its WCO region's ITR 2025 seizures shared among the
# region's countries (Source: WCO Illicit Trade Report 2025, via `regions.REGION_SEIZURES`), raised
# to REGION_SIZE_POWER, times a lognormal country effect with log-scale spread SIZE_SIGMA.
# Assumptions: the ITR's region totals also reflect how much each region reports, not only how
# much it seizes, so the square root keeps their order and narrows the gap; administrations of
# one region differ by a factor of about five either way.
REGION_SIZE_POWER = 0.5
SIZE_SIGMA = 0.8

# Yearly cycle of seizures: amplitude and peak month (assumption, as in `make_seizures`: a peak in
# early summer with the holiday traffic).
SEASONALITY = 0.15
SEASON_PEAK_MONTH = 6

# Growth of each country's true seizures per year: normal with this mean and spread (assumption:
# the ITR reports seizures growing by a few per cent a year, with countries going both ways).
GROWTH_MEAN = 0.03
GROWTH_SD = 0.03

# Month-to-month noise on the expected seizures, log scale (assumption: operations come in bursts).
MONTH_NOISE = 0.10

# --- how well each administration reports before nCEN -------------------------------------------

# Reporting capacity is a hidden score per country (standard normal). It moves the reporting mode,
# the share reported and the delay, and it drives nCEN adoption: that is what makes adopters
# different from the others. Source: assumption, the pattern the Charter of Data Quantity and
# Quality describes (administrations with the means to report well also modernise first).
#   spreadsheet_logit   per capacity SD, on the log-odds of reporting by spreadsheet upload
#                       rather than by hand (the base odds come from `reporting.MODE_SHARES`)
#   share               per capacity SD, added to the mode's share reported
#   delay_log           per capacity SD, on the log of the mode's median delay (negative: faster)
CAPACITY_EFFECT = {"spreadsheet_logit": 1.5, "share": 0.05, "delay_log": -0.15}

# Everyone improves over time, with or without nCEN: training, the RILOs' follow-up, and the Charter
# endorsed in June 2021. A before/after comparison mistakes this for the effect of automation.
# Source: assumption (the Charter's stated aim; no published series of CEN coverage exists).
#   share_per_year      percentage points of share reported gained each year
#   delay_per_year      days of median delay lost each year
#   charter_month       when the Charter was endorsed (Source: WCO, June 2021)
#   charter_share       a one-off step in the share reported from that month
#   charter_delay       a one-off step in the median delay from that month (days)
COMMON_TREND = {
    "share_per_year": 0.012,
    "delay_per_year": -1.5,
    "charter_month": "2021-06",
    "charter_share": 0.02,
    "charter_delay": -3.0,
}

# Bounds on the share reported and the shortest median delay without automation (assumption: some
# seizures always go missing and some always arrive; a manual report takes at least a few days).
SHARE_BOUNDS = (0.02, 0.98)
MIN_MANUAL_DELAY_DAYS = 5.0

# --- nCEN adoption and the automated transfer ---------------------------------------------------

# Share of administrations on nCEN by the end of the panel. Source: WCO, about 50 administrations
# use nCEN (CEN Management Team, January 2023); 50 of 180 countries.
ADOPTER_SHARE = 50 / 180

# Who adopts and when. Adoption propensity = selection x capacity + standard normal noise; the
# highest propensities adopt, and among adopters the most capable (capacity plus timing noise
# with this spread) adopt first.
# Source: assumption, the "early adopters were already the better reporters" pattern.
ADOPTION_SELECTION = 1.0
TIMING_NOISE = 0.5

# Adoption months are spread over this part of the panel (fractions of its length), so that every
# adopter has at least a year of data before and most have some after. Source: assumption.
ADOPTION_WINDOW = (0.1, 0.85)

# Months from nCEN adoption to switching on the automated transfer to CEN, drawn uniformly between
# these (inclusive). Source: assumption (the transfer needs a mapping of national codes and a test).
SWITCH_LAG_MONTHS = (0, 12)

# What the automated transfer does. Each country closes part of the gap between its old mode and
# the automated mode (`reporting.REPORTING_MODES`), in share reported and in median delay; the
# part is a Beta(a, b) draw (mean 0.6: nCEN only transfers what officers enter in it).
# Source: assumption.
GAP_CLOSED_BETA = (6.0, 4.0)

# The effect builds up over this many months from the switch (a third, two thirds, then all of
# it): the first months are a switch-over with teething troubles. Source: assumption.
RAMP_MONTHS = 3
