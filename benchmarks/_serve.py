"""A real ``backcoach serve`` process on a data folder, for the benchmarks that time it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``backcoach serve`` on 127.0.0.1:``port`` and return once it answers."""
    env = {**os.environ, "BACKCOACH_DATA_DIR": str(data)}
    process = subprocess.Popen([sys.executable, "-m", "backcoach", "serve", "--port", str(port),
                                "--no-browser"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sharp-pain", timeout=2)
            return process
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)
