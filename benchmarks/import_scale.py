"""Time and peak memory of a real ``backcoach import`` of journals of 1k, 10k and 100k sessions.

For each size a journal export is generated (``storage.sample``: three sessions a day with sets,
six a day above 40k so that none is before 1970; pain scores, stops, plan changes, check-ins,
screenings, notes) and imported by a fresh
``backcoach import`` process into an empty data folder. Printed per size: the file's size, the
wall time and the peak resident memory of the import process (``getrusage`` of the child, read
in a fresh process so no earlier child counts). The import streams, so memory should stay flat.

    .venv/bin/python benchmarks/import_scale.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from backcoach.storage.sample import write_sample_export

_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(folder: Path, sessions: int) -> tuple[float, float, float]:
    """(file MB, seconds, peak MB) of importing a generated journal of ``sessions``."""
    export = folder / "journal.json"
    per_day = 3 if sessions <= 40_000 else 6  # an export holds no time before 1970
    write_sample_export(export, sessions, datetime.now(UTC), per_day=per_day)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_DATA_DIR"] = str(folder / "data")
    command = [sys.executable, "-m", "backcoach", "import", str(export)]
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True,
                            text=True, env=env, check=True)  # fmt: skip
    seconds = time.perf_counter() - began
    code, peak_kib = result.stdout.split()
    if code != "0":
        raise SystemExit(f"import of {sessions} sessions failed: {result.stderr}")
    return export.stat().st_size / 1e6, seconds, int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    print("| sessions | file MB | import s | peak MB |")
    print("|---|---|---|---|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            megabytes, seconds, peak = measure(Path(tmp), size)
        print(f"| {size} | {megabytes:.1f} | {seconds:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
