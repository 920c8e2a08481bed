"""How long does the nCEN -> CEN transfer take for 1,000,000 seizures with their nominal layer?

Target: 10 s or less for the whole first run (strip personal data and aggregate the nominal layer,
map codes, validate every record, hash and compare with the state, write the batch as CSV and JSON
with its manifest, the rejects and the state file). Generating the extract is not timed. A second
run with nothing new is timed too (read the state, validate and compare, write nothing but
rejects). The printed ratio is wall time / target (below 1 is good); CPU time is printed too, as
the wall time depends on what else the machine runs.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from cenlab import transfer
from cenlab.synth import make_seizures

N_SEIZURES = 1_000_000
TARGET_S = 10.0
AS_OF = "2026-01-01"


def main() -> None:
    t0 = time.perf_counter()
    x = make_seizures(int(N_SEIZURES / 1.3), seed=0, nominal=True)
    x.seizures = x.seizures.iloc[:N_SEIZURES]
    t1 = time.perf_counter()
    print(
        f"extract: {len(x.seizures):,} seizures, {len(x.persons):,} persons, "
        f"{len(x.companies):,} companies, {len(x.conveyances):,} conveyances "
        f"(generated in {t1 - t0:.1f} s, not timed)"
    )
    outbox = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    try:
        for label in ("first run", "second run, nothing new"):
            start, cpu = time.perf_counter(), time.process_time()
            result = transfer.transfer(x, outbox, as_of=AS_OF)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            c = result.counts
            print(
                f"{label:24s} {took:6.2f} s  {len(x.seizures) / took:>11,.0f} seizures/s  "
                f"ratio to the {TARGET_S:.0f} s target {took / TARGET_S:.2f}  "
                f"(new {c['new']:,}, updates {c['updates']:,}, unchanged {c['unchanged']:,}, "
                f"rejected {c['rejected']:,}; CPU {cpu:.1f} s)"
            )
        size = sum(p.stat().st_size for p in outbox.rglob("*") if p.is_file())
        print(f"outbox: {size / 1e6:,.0f} MB")
    finally:
        shutil.rmtree(outbox, ignore_errors=True)


if __name__ == "__main__":
    main()
