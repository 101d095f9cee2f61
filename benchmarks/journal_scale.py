"""Request times of ``backcoach serve`` over journals of 1k, 10k and 100k sessions.

For each size a fresh data folder gets a generated journal (``storage.sample``: three sessions a
day with sets, pain scores, stops, plan changes, check-ins, screenings, notes; the disclaimer
accepted), then a real ``backcoach serve`` process answers ``/today`` (60 times), ``/history``
(15 times) and the HTML report with no period (5 times; a period is clamped to 3 years).
Printed per size: median and p95 in milliseconds. Target (issue 12): ``/today`` p95 <= 50 ms at
100k sessions.

    .venv/bin/python benchmarks/journal_scale.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

from _serve import start_server
from backcoach.core.records import DisclaimerAck
from backcoach.core.safety import load_disclaimer
from backcoach.storage import Journal
from backcoach.storage.sample import sample_history
from backcoach.web.server import free_port

ROUTES = (("/today", 60), ("/history", 15), ("/reports/report.html", 5))


def build(data: Path, sessions: int) -> float:
    began = time.perf_counter()
    now = datetime.now(UTC)
    history = sample_history(sessions, now)
    ack = DisclaimerAck(load_disclaimer().version, history.sessions[0].started_at)
    with Journal.open(data) as journal:
        journal.add_history("default", replace(history, disclaimer_acks=(ack,)))
    return time.perf_counter() - began


def timings(base: str, path: str, count: int) -> list[float]:
    times = []
    with httpx.Client(base_url=base, timeout=600) as http:
        http.get(path)  # warm: templates, caches
        for _ in range(count):
            began = time.perf_counter()
            response = http.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    print("| sessions | build s | " + " | ".join(f"{p} median / p95 ms" for p, _ in ROUTES) + " |")
    print("|---" * (2 + len(ROUTES)) + "|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            built = build(data, size)
            port = free_port()
            server = start_server(data, port)
            try:
                cells = []
                for path, count in ROUTES:
                    times = timings(f"http://127.0.0.1:{port}", path, count)
                    cells.append(f"{statistics.median(times):.0f} / {p95(times):.0f}")
            finally:
                server.terminate()
                server.wait(timeout=10)
        print(f"| {size:,} | {built:.0f} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
