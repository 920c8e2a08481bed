"""cenlab: a training environment for customs enforcement data work (synthetic data only).

The front door: ``from cenlab import make_seizures, make_passengers, make_consignments,
inject_defects, validate, transfer``. Everything is imported on first use, so ``import cenlab``
stays fast; the subpackages say where each concern lives:

- ``cenlab.synth``: the ``make_*`` generators (seizures, the nCEN nominal layer, traffic), data-entry
  defects, officer narratives and the committed datasets;
- ``cenlab.quality``: ``validate`` and its rules, by Charter dimension;
- ``cenlab.risk``: profiles, scorecards, selection at capacity, targeting metrics, alerts;
- ``cenlab.transfer``: the nCEN -> CEN transfer of non-personal data and its outbox;
- ``cenlab.files``: reading and writing seizure files, dates as officers write them;
- ``cenlab.ui``: the dashboard and the entry form, thin views over tested functions;
- ``cenlab.course``: nbgrader tooling for authors and instructors, and sandboxed grading;
- ``cenlab.cli``: the ``cenlab`` command;
- ``schema``, ``seeding``, ``analysis`` and ``reference`` (data tables only) at the top.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"


def lazy_exports(package: str, exports: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for a package whose public names live in its modules
    (PEP 562): ``exports`` maps each name to the module, relative to ``package``, defining it.
    A module is imported the first time one of its names is asked for."""

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__


FRONT_DOOR = {
    "make_seizures": "synth.seizures",
    "make_passengers": "synth.traffic",
    "make_consignments": "synth.traffic",
    "inject_defects": "synth.defects",
    "validate": "quality.report",
}
# ``transfer`` is the subpackage itself: calling it runs a transfer (see cenlab/transfer).
__all__ = [*FRONT_DOOR, "transfer"]
_getattr, __dir__ = lazy_exports(__name__, FRONT_DOOR)


def __getattr__(name: str):
    if name == "transfer":
        return importlib.import_module("cenlab.transfer")
    return _getattr(name)
