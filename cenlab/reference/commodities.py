"""Units, quantities, values and HS codes of each commodity flow.

Source: canonical units and mean quantity per seizure from the WCO Illicit Trade Report 2025
(total quantity / seizures; cannabis 14.8 kg, cocaine 49.6 kg, tobacco about 262 kg). Quantity
spread (lognormal sigma), unit values in USD and HS codes are cenlab assumptions for training,
chosen to be plausible, not official valuations. Data only: no logic here.
"""

# flow -> (canonical unit, mean quantity per seizure, lognormal sigma, USD per unit, HS code)
# fmt: off
FLOW_UNITS = {
    "Cash":                       ("USD",    39_525.0, 1.4, 1.0,      "4907.00"),
    "Gemstones":                  ("kg",        764.0, 2.2, 2_000.0,  "7103.10"),
    "Gold":                       ("kg",         39.0, 1.5, 65_000.0, "7108.12"),
    "Cannabis":                   ("kg",         14.8, 1.8, 3_000.0,  "1211.90"),
    "New Psychoactive Substances":("kg",          9.9, 1.8, 20_000.0, "2933.99"),
    "Psychotropic substances":    ("kg",         10.3, 1.8, 15_000.0, "2939.49"),
    "Opioids and Opiates":        ("kg",          9.6, 1.8, 40_000.0, "2939.11"),
    "Cocaine":                    ("kg",         49.6, 2.0, 35_000.0, "2939.72"),
    "Khat":                       ("kg",         42.4, 1.3, 300.0,    "1211.90"),
    "Fauna":                      ("pieces",     92.0, 1.9, 150.0,    "0106.20"),
    "Flora":                      ("pieces",     75.0, 1.9, 40.0,     "0602.90"),
    "Waste":                      ("kg",     21_460.0, 1.5, 0.3,      "6309.00"),
    "Other hazardous materials":  ("kg",      1_404.0, 1.6, 2.0,      "3824.99"),
    "ODS & HFCs":                 ("kg",      1_382.0, 1.4, 12.0,     "2903.71"),
    "IPR products":               ("pieces",  1_570.0, 2.0, 25.0,     "6204.62"),
    "Medical products":           ("pieces", 65_009.0, 2.4, 0.8,      "3004.90"),
    "Alcohol products":           ("litres",    504.0, 1.7, 12.0,     "2208.30"),
    "Tobacco products":           ("kg",        262.0, 1.9, 90.0,     "2402.20"),
    "Weapons and ammunition":     ("pieces",    563.0, 2.2, 15.0,     "9306.30"),
    "Explosives and precursors":  ("pieces",  5_617.0, 2.2, 2.0,      "3602.00"),
    "Drones (UAS)":               ("pieces",      1.5, 0.5, 900.0,    "8806.21"),
}
# fmt: on

# Sub-commodities without ITR counts (cenlab assumption, weights relative).
ASSUMED_DETAILS = {
    "Cash": {"Euro": 60, "US Dollar": 25, "Saudi Riyal": 8, "Zloty": 4, "Hryvnia": 3},
    "Gemstones": {"Diamonds": 40, "Emeralds": 25, "Rubies": 20, "Sapphires": 15},
    "Gold": {"Gold jewellery": 43, "Gold bars": 35, "Gold dust and nuggets": 22},
    "Weapons and ammunition": {
        "Conventional ammunition": 31,
        "Semi-automatic pistol": 15,
        "Firearm parts and components": 27,
        "Bladed weapon": 8,
        "Rifle": 4,
        "Assault rifle": 3,
        "Air gun": 2,
        "Stun device": 1,
    },
}

# The mean number of seizures in a case is seizures / cases of each flow (ITR 2025);
# the nCEN layer below is a cenlab assumption.
PERSONS_PER_CASE = 0.9  # mean number of persons recorded in a case (Poisson)
COMPANY_CONCEALMENTS = ["In freight", "In express courier", "In premises"]
