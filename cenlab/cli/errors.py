"""Errors the ``cenlab`` command prints as one line with exit code 2."""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""
