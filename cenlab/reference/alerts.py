"""Code lists of a CENcomm-style alert: what it reports, about whom, how urgent, what to do.

Source: assumption: modelled on CENcomm alert messages (the WCO's closed messaging system for
operations); the statuses, subjects, priorities and actions are illustrative, for training. The
alert's sections, conveyances, concealments and units are the seizure record's code lists in
``cenlab.reference.operations``, adjusted by the two tables at the end. Data only: no logic here.
"""

# A seizure reports what was found; a suspicion asks for a control, nothing found yet.
STATUSES = ("Seizure", "Suspicion")
SUBJECTS = ("Passenger", "Consignment")
PRIORITIES = ("High", "Medium", "Low")
RECOMMENDED_ACTIONS = (
    "Seize the goods and open an investigation",
    "Search the baggage and interview the passenger",
    "Scan the container and examine the cover load",
    "Open and examine the parcel",
    "Check the documents and the importer's records",
    "Inform the departure and transit administrations",
    "Consult the investigation unit before a controlled delivery",
)

# The action recommended when none is given: for a seizure, else by subject (a passenger) or by
# conveyance (a consignment).
DEFAULT_ACTIONS = {
    "Seizure": RECOMMENDED_ACTIONS[0], "Passenger": RECOMMENDED_ACTIONS[1],
    "Vessel": RECOMMENDED_ACTIONS[2], "Air": RECOMMENDED_ACTIONS[2],
    "Express courier": RECOMMENDED_ACTIONS[3], "Regular mail": RECOMMENDED_ACTIONS[3],
}  # fmt: skip

# A suspicion names no section yet: nothing has been found.
UNKNOWN_SECTION = "Unknown"

# Concealments of finds made away from a control of a passenger or a consignment (goods washed
# up on a beach, offered on a market): an alert written from a targeting hit never shows them.
NOT_FROM_A_CONTROL = ("Recovered from sea/beach", "On market places")
