"""Seizure files in and out: ``read_seizures`` (``read``) never guesses, ``write_tables``
(``write``) writes all files or none; ``dates`` reads dates as officers write them and parses
every date argument (``day``)."""

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(["read_seizures"], "read")
    | dict.fromkeys(["day", "iso_dates", "date_readings", "parse_dates"], "dates")
    | dict.fromkeys(["write_tables", "writable_folder", "atomic_write", "sha256"], "write")
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)
