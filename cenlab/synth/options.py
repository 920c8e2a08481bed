"""Keyword options checked the same way by every generator.

An unknown option fails loudly with the accepted ones listed (a typo such as ``ilicit_rate``
would otherwise be a bare TypeError that does not say what was meant). Imports nothing from
`cenlab.synth`, so every generator module can use it without a cycle.
"""

from __future__ import annotations

import functools
import inspect


def keyword_options(func):
    """Turn unknown keyword options into a ValueError that lists the accepted ones."""
    accepted = list(inspect.signature(func).parameters)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        unknown = [k for k in kwargs if k not in accepted]
        if unknown:
            raise ValueError(
                f"{func.__name__}() has no option {unknown[0]!r}; accepted: {', '.join(accepted)}"
            )
        return func(*args, **kwargs)

    return wrapper
