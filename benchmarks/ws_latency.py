"""Frame-to-feedback latency and processed frames per second through the coaching WebSocket.

A real server (uvicorn, in a thread) runs the real pose model (MediaPipe BlazePose full) and the
knee-to-chest analyser. The client plays the Sports2D demo video at 640x360 as JPEG frames, the
way the browser does, in two modes:

* camera pace: every frame sent at 30 fps, never waiting, so the server must drop stale frames;
* browser: one frame in flight (what ``static/js/camera.js`` does), at up to 20 fps.

Latency is measured per answered frame, from just before its send to its result's arrival.
Baseline, in the same run: the pose model alone on the same decoded frames (no network, no
JPEG decode), so the figures read as a ratio to what the model costs on this machine.

    .venv/bin/python benchmarks/ws_latency.py [--seconds 8]

Targets (issue 5): p95 latency <= 150 ms with >= 12 processed frames per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from websockets.asyncio.client import connect
from websockets.typing import Origin

from backcoach.pose.mediapipe_backend import MediaPipePoseBackend
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

WIDTH, HEIGHT = 640, 360
WARM_UP = 10  # results skipped while the model warms up


def demo_video() -> Path:
    import Sports2D

    return Path(Sports2D.__file__).parent / "Demo" / "demo.mp4"


def load_frames(count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(demo_video()))
    frames = []
    while len(frames) < count:
        ok, image = capture.read()
        if not ok:
            capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            continue
        frames.append(cv2.resize(image, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA))
    capture.release()
    return frames


def baseline_ms(frames: list[np.ndarray]) -> list[float]:
    backend = MediaPipePoseBackend()
    times = []
    for i, image in enumerate(frames):
        began = time.perf_counter()
        backend.estimate(image, i / 30)
        times.append((time.perf_counter() - began) * 1000)
    backend.close()
    return times[WARM_UP:]


async def stream(url: str, jpegs: list[bytes], fps: float, max_in_flight: int | None) -> dict:
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    answered = 0
    dropped = 0
    last_seq = 0
    origin = Origin("http" + url[2:].split("/ws/")[0])  # the server refuses other origins
    async with connect(url, max_size=None, origin=origin) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        done = asyncio.Event()

        async def receive() -> None:
            nonlocal answered, dropped, last_seq
            while True:
                message = json.loads(await ws.recv())
                if message["type"] != "result":
                    continue
                answered += 1
                last_seq = message["seq"]
                dropped = message["dropped"]
                if answered > WARM_UP:
                    latencies.append((time.perf_counter() - sent_at[message["seq"]]) * 1000)
                if message["seq"] == len(jpegs):
                    done.set()
                    return

        receiver = asyncio.create_task(receive())
        began = time.perf_counter()
        for seq, jpeg in enumerate(jpegs, start=1):
            due = began + (seq - 1) / fps
            while True:
                now = time.perf_counter()
                room = max_in_flight is None or seq - 1 - last_seq < max_in_flight
                if now >= due and room:
                    break
                await asyncio.sleep(0.002)
            sent_at[seq] = time.perf_counter()
            await ws.send(jpeg)
        # the last frame may have been dropped if another was still pending
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 10)
        elapsed = time.perf_counter() - began
        receiver.cancel()
    return {"latencies": latencies, "answered": answered, "dropped": dropped, "elapsed": elapsed}


def describe(name: str, result: dict, sent: int, base_median: float) -> None:
    lat = sorted(result["latencies"])
    median = statistics.median(lat)
    p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
    fps = result["answered"] / result["elapsed"]
    ok = "meets" if p95 <= 150 and fps >= 12 else "MISSES"
    print(f"{name}: sent {sent}, processed {result['answered']}, dropped {result['dropped']}")
    print(f"  latency median {median:.1f} ms, p95 {p95:.1f} ms "
          f"({median / base_median:.2f}x / {p95 / base_median:.2f}x the model alone)")
    print(f"  processed {fps:.1f} frames/s -> {ok} the target (p95 <= 150 ms, >= 12 fps)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="video length to stream")
    args = parser.parse_args()
    count = int(args.seconds * 30)
    frames = load_frames(count)
    jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes() for f in frames]
    base = baseline_ms(frames)
    base_median = statistics.median(base)
    size_kib = np.mean([len(j) for j in jpegs]) / 1024
    print(f"{len(frames)} frames {WIDTH}x{HEIGHT}, JPEG about {size_kib:.0f} KiB")
    print(f"baseline (pose model alone): median {base_median:.1f} ms per frame, "
          f"{1000 / base_median:.1f} frames/s")
    with tempfile.TemporaryDirectory() as data:
        settings = WebSettings(data_dir=Path(data), pose_backend="mediapipe")
        with BackgroundServer(settings) as server:
            url = server.ws_url + "/ws/coach?exercise=knee-to-chest"
            camera = asyncio.run(stream(url, jpegs, fps=30.0, max_in_flight=None))
            describe("camera pace (30 fps, no waiting)", camera, len(jpegs), base_median)
            browser = asyncio.run(stream(url, jpegs, fps=20.0, max_in_flight=1))
            describe("browser (1 in flight, <= 20 fps)", browser, len(jpegs), base_median)


if __name__ == "__main__":
    main()
