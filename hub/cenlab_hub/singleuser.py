"""``jupyterhub-singleuser`` without the hub's database layer: the command of cenlab's servers.

    python -m cenlab_hub.singleuser [jupyterhub-singleuser options]

JupyterHub's single-user code imports modules that only the hub itself uses: ``jupyterhub.log``
imports the hub's page handlers (for one ``isinstance`` check against its health-check page),
which import the ORM; ``jupyterhub.scopes`` and ``jupyterhub.metrics`` import the ORM and
SQLAlchemy for functions that take a database session; ``jupyterhub.utils`` imports
``SQLAlchemyError`` for a decorator of the hub's handlers. SQLAlchemy, Alembic, Mako and the ORM
cost about 0.35 CPU seconds and 35 MB in every server, at the moment a whole cohort logs in.

While ``jupyterhub.singleuser`` is imported, those modules are stand-ins (``_Deferred``) in
``sys.modules``; right after, the stand-ins are taken out of ``sys.modules`` again, so any later
``import sqlalchemy`` (nbgrader's gradebook, a kernel's code) gets the real module. The modules
that imported a stand-in keep it as a module attribute (``scopes.orm``, ``scopes.sa``, ...): any
attribute read on it imports the real module and answers from it, so those functions behave as
JupyterHub's own, only importing the ORM when first used (the single-user server never does).

Two names are read at import time, with ``from ... import``, and get placeholders instead:

- ``jupyterhub.handlers.pages.HealthCheckHandler``, only used by ``jupyterhub.log.log_request``
  to log the hub's health checks quietly; a single-user server has no such page, and no handler
  of it is an instance of the placeholder class;
- ``sqlalchemy.exc.SQLAlchemyError``, only caught by ``jupyterhub.utils.catch_db_error``, which
  decorates the hub's database handlers; a single-user server has no database.

Any other name read from a stand-in during the import, as a newer JupyterHub might do, is not
guessed: the stand-ins are dropped, the real modules imported, and the server starts as
``jupyterhub-singleuser`` would (slower, never wrong). ``tests/test_hub.py`` checks that the
trainee's server imports none of these modules and that its hub authentication works.
"""

from __future__ import annotations

import importlib
import sys
import types

# Modules replaced by stand-ins during the import of jupyterhub.singleuser, parents first.
DEFERRED = (
    "sqlalchemy",
    "sqlalchemy.exc",
    "jupyterhub.orm",
    "jupyterhub.roles",
    "jupyterhub.handlers",
    "jupyterhub.handlers.pages",
)


class _HealthCheckPlaceholder:
    """Stands in for the hub's HealthCheckHandler, which no single-user handler is."""


class _SQLAlchemyErrorPlaceholder(Exception):
    """Stands in for sqlalchemy.exc.SQLAlchemyError, which a server without a database never
    raises."""


PLACEHOLDERS = {
    ("jupyterhub.handlers.pages", "HealthCheckHandler"): _HealthCheckPlaceholder,
    ("sqlalchemy.exc", "SQLAlchemyError"): _SQLAlchemyErrorPlaceholder,
}

_installed: dict[str, types.ModuleType] = {}


class _Deferred(types.ModuleType):
    """A module imported on first use of one of its attributes."""

    def __getattr__(self, name: str):
        if _installed:
            if name.startswith("__"):  # the import machinery probing (__spec__, __file__, ...)
                raise AttributeError(name)
            placeholder = PLACEHOLDERS.get((self.__name__, name))
            if placeholder is not None:
                return placeholder
            _remove()  # an unforeseen use: fall back to the real modules
        return getattr(importlib.import_module(self.__name__), name)


def _install() -> None:
    for name in DEFERRED:
        if name in sys.modules:  # already really imported: nothing to save
            continue
        module = _Deferred(name)
        module.__path__ = []  # a package, so that its submodules' stand-ins are accepted
        sys.modules[name] = _installed[name] = module


def _remove() -> None:
    for name, module in _installed.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]
    _installed.clear()


def import_singleuser() -> types.ModuleType:
    """Import ``jupyterhub.singleuser`` (and the modules its ``main`` uses) without the ORM."""
    _install()
    try:
        singleuser = importlib.import_module("jupyterhub.singleuser")
        importlib.import_module("jupyterhub.singleuser.extension")
    finally:
        _remove()
    return singleuser


def main() -> int:
    singleuser = import_singleuser()
    sys.argv[0] = "jupyterhub-singleuser"
    return singleuser.main()


if __name__ == "__main__":
    sys.exit(main())
