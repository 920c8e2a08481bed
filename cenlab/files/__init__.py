"""Seizure files in and out: ``read_seizures`` (``read``) never guesses, ``write_tables``
(``write``) writes all files or none; ``dates`` reads dates as officers write them and parses
every date argument (``day``)."""

from cenlab import lazy_exports

EXPORTS = {
    "read_seizures": "read",
    "day": "dates",
    "iso_dates": "dates",
    "date_readings": "dates",
    "parse_dates": "dates",
    "write_tables": "write",
    "writable_folder": "write",
    "atomic_write": "write",
    "sha256": "write",
}
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
