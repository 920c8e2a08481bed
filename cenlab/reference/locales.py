"""Which Faker locale names the people of each country.

Source: Faker's own locale list (a locale ``xx_CC`` names people of country ``CC``), plus the
fallbacks below, a cenlab assumption: a neighbouring or official-language locale for countries
Faker has no locale for, and a regional default after that. Data only: no logic here.
"""

# Source: cenlab assumption. country -> locale, for countries Faker has several locales for:
# the one that names most of its people, pinned so that a locale added to Faker cannot change
# whose names a seed gives (otherwise the first ``xx_CC`` in Faker's list is taken).
PREFERRED_LOCALE = {"US": "en_US", "GB": "en_GB", "DK": "da_DK", "IN": "en_IN", "NG": "en_NG"}

# Source: cenlab assumption. country -> locale, for countries without a Faker locale of their own.
# fmt: off
LOCALE_FALLBACK = {
    "MA": "fr_FR", "TN": "fr_FR", "SN": "fr_FR", "CI": "fr_FR", "CM": "fr_FR", "ML": "fr_FR",
    "BF": "fr_FR", "NE": "fr_FR", "TG": "fr_FR", "BJ": "fr_FR", "GA": "fr_FR", "CG": "fr_FR",
    "CD": "fr_FR", "MG": "fr_FR", "HT": "fr_FR", "MQ": "fr_FR", "LU": "fr_FR",
    "KW": "ar_AA", "QA": "ar_AA", "OM": "ar_AA", "YE": "ar_AA", "IQ": "ar_AA", "SY": "ar_AA",
    "LB": "ar_AA", "LY": "ar_AA", "SD": "ar_AA",
    "PE": "es_ES", "EC": "es_ES", "BO": "es_ES", "PY": "es_ES", "UY": "es_AR", "DO": "es_ES",
    "GT": "es_MX", "HN": "es_MX", "SV": "es_MX", "NI": "es_MX", "CR": "es_MX", "PA": "es_MX",
    "CU": "es_ES", "SR": "nl_NL", "CW": "nl_NL", "AW": "nl_NL",
    "JM": "en_GB", "TT": "en_GB", "BS": "en_GB", "BB": "en_GB", "GY": "en_GB", "GH": "tw_GH",
    "UG": "en_KE", "TZ": "sw", "RW": "en_KE", "ZW": "en_GB", "ZM": "en_GB", "MW": "en_GB",
    "BW": "en_GB", "NA": "en_GB", "MZ": "pt_PT", "AO": "pt_PT", "CV": "pt_PT", "GW": "pt_PT",
    "SG": "en_GB", "MY": "id_ID", "HK": "zh_TW", "MO": "zh_TW", "KH": "th_TH", "LA": "th_TH",
    "MM": "th_TH", "BY": "ru_RU", "KZ": "ru_RU", "KG": "ru_RU", "TJ": "ru_RU", "TM": "ru_RU",
    "MD": "ro_RO", "ME": "sr_BA", "RS": "sr_BA", "AF": "fa_IR", "CO": "es_CO",
}
# fmt: on

# Source: cenlab assumption. WCO region -> locale, when a country has neither its own locale nor a
# fallback above; DEFAULT_LOCALE when it has no region either.
REGION_LOCALE = {
    "EUR": "en_GB",
    "AMS": "es_MX",
    "MENA": "ar_AA",
    "A/P": "en_IN",
    "ESA": "en_KE",
    "WCA": "fr_FR",
}

# Source: cenlab assumption. The locale of a country with no locale, fallback or region.
DEFAULT_LOCALE = "en_US"
