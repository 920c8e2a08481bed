"""Reference tables: data only, each citing its source. No logic lives here."""
