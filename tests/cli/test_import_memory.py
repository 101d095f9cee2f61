"""``backcoach import`` streams: a journal ten times larger costs (almost) no more memory."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from backcoach.storage import Journal
from backcoach.storage.sample import write_sample_export

# Runs one command and prints the peak resident memory of it (KiB, Linux), from a fresh process
# so no earlier child counts.
_PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _import_peak_mb(tmp_path: Path, sessions: int) -> float:
    export = tmp_path / f"journal-{sessions}.json"
    write_sample_export(export, sessions, datetime(2026, 12, 1, tzinfo=UTC))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_DATA_DIR"] = str(tmp_path / f"data-{sessions}")
    command = [sys.executable, "-m", "backcoach", "import", str(export)]
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True,
                            text=True, env=env, timeout=600)  # fmt: skip
    code, peak_kib = result.stdout.split()
    assert code == "0", result.stderr
    with Journal.open(tmp_path / f"data-{sessions}") as journal:
        assert journal.profiles() == ["sample"]
        assert len(journal.history("sample").sessions) == sessions
    return int(peak_kib) / 1024


def test_ten_thousand_sessions_import_in_bounded_memory(tmp_path: Path) -> None:
    small = _import_peak_mb(tmp_path, 1_000)
    large = _import_peak_mb(tmp_path, 10_000)
    assert large < 300, f"peak {large:.0f} MB"
    assert large - small < 40, f"1k: {small:.0f} MB, 10k: {large:.0f} MB"
