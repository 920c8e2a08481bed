"""nCEN -> CEN: the automated transfer of the non-personal part of each seizure record.

In order: ``extract`` keeps the CEN seizure fields and adds non-personal aggregates of the nominal
layer; ``mapping`` turns national codes and units into CEN's; ``submission`` validates each record,
holds back those with an error, with the reasons, and keeps only new and changed records;
``outbox`` writes the batch (CSV, JSON, a manifest) exactly once, then the state file.

The package is callable: ``cenlab.transfer(source, outbox)`` runs ``outbox.transfer``, so that
``from cenlab import transfer`` gives both the front-door function and the module's names.
"""

import sys
import types

from cenlab import lazy_exports

EXPORTS = (  # name -> the module that defines it
    dict.fromkeys(["transfer", "load_state", "TransferResult"], "outbox")
    | dict.fromkeys(["read_extract", "strip_personal", "AGGREGATES"], "extract")
    | dict.fromkeys(["map_to_cen"], "mapping")
    | dict.fromkeys(
        ["to_cen", "build_submission", "new_state", "Submission", "REJECT_COLUMNS"], "submission"
    )
)
__all__ = list(EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, EXPORTS)


class _CallableModule(types.ModuleType):
    def __call__(self, source, outbox, **options):
        from cenlab.transfer.outbox import transfer

        return transfer(source, outbox, **options)


sys.modules[__name__].__class__ = _CallableModule
