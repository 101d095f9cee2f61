"""Memory and responsiveness of ``backcoach serve`` under a flood of camera frames.

A real ``backcoach serve`` process (real MediaPipe model) on a fresh data folder. After a warm-up
connection (the model loaded once, then closed), ``--sockets`` WebSockets send 640x360 JPEG
frames of the Sports2D demo video as fast as the server's flood limit allows, for ``--seconds``;
meanwhile ``/today`` is fetched every 100 ms. Then every socket closes and the server idles.

Printed: the server's resident memory (RSS, from /proc) at start, after the warm-up, its peak
during the flood and 5 s after it; ``/today`` latency (median, p95) during the flood and at rest;
frames answered. Issue 12's target: memory back to the post-warm-up level after the flood.

    .venv/bin/python benchmarks/ws_flood.py [--seconds 10] [--sockets 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from _serve import start_server
from backcoach.web.server import free_port

sys.path.insert(0, str(Path(__file__).parent))
from ws_latency import load_frames


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler(threading.Thread):
    """Peak RSS of a process, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)


async def flood(url: str, origin: str, jpegs: list[bytes], seconds: float) -> int:
    answered = 0
    async with connect(url, origin=Origin(origin), max_size=None) as ws:
        await ws.recv()  # ready

        async def reader() -> None:
            nonlocal answered
            with contextlib.suppress(ConnectionClosed):
                async for _ in ws:
                    answered += 1

        task = asyncio.create_task(reader())
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end:
            await ws.send(jpegs[i % len(jpegs)])
            i += 1
            await asyncio.sleep(1 / 80)  # just under the flood limit (90 messages/s)
        await ws.close()
        await task
    return answered


def today_latencies(base: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        while not stop.is_set():
            began = time.perf_counter()
            http.get("/today")
            out.append((time.perf_counter() - began) * 1000)
            time.sleep(0.1)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sockets", type=int, default=4)
    args = parser.parse_args()
    jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes()
             for f in load_frames(60)]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        url = f"ws://127.0.0.1:{port}/ws/coach?exercise=knee-to-chest"
        server = start_server(Path(tmp) / "data", port)
        try:
            start = rss_mb(server.pid)
            asyncio.run(flood(url, base, jpegs, 2.0))  # warm-up: the model loads once
            time.sleep(2)
            warm = rss_mb(server.pid)
            rest: list[float] = []
            today_latencies_once(base, rest)
            sampler = Sampler(server.pid)
            sampler.start()
            during: list[float] = []
            stop = threading.Event()
            poller = threading.Thread(target=today_latencies, args=(base, stop, during))
            poller.start()

            async def all_sockets() -> list[int]:
                return list(await asyncio.gather(
                    *(flood(url, base, jpegs, args.seconds) for _ in range(args.sockets))))

            answered = asyncio.run(all_sockets())
            stop.set()
            poller.join()
            sampler.running = False
            time.sleep(5)
            after = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"flood: {args.sockets} sockets x {args.seconds:.0f} s of 640x360 JPEG at ~80/s each; "
          f"frames answered {sum(answered)} ({sum(answered) / args.seconds:.1f}/s)")
    print(f"server RSS: start {start:.0f} MB, after warm-up {warm:.0f} MB, "
          f"peak during flood {sampler.peak:.0f} MB, 5 s after {after:.0f} MB "
          f"({after - warm:+.0f} MB vs warm)")
    print(f"/today latency at rest: median {statistics.median(rest):.1f} ms, "
          f"p95 {p95(rest):.1f} ms")
    print(f"/today latency during flood: median {statistics.median(during):.1f} ms, "
          f"p95 {p95(during):.1f} ms ({len(during)} requests)")


def today_latencies_once(base: str, out: list[float], count: int = 30) -> None:
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(count):
            began = time.perf_counter()
            http.get("/today")
            out.append((time.perf_counter() - began) * 1000)


if __name__ == "__main__":
    main()
