// The exercise page's animated demonstration: landmark frames from the synthetic body model,
// drawn with the same skeleton painter as the live camera overlay.
import { getJSON } from "./api.js";
import { SkeletonPainter } from "./skeleton.js";

const canvas = document.getElementById("demo-canvas");
const toggle = document.getElementById("demo-toggle");
const status = document.getElementById("demo-status");

async function start() {
  const demo = await getJSON(`/api/exercises/${canvas.dataset.exercise}/demo`);
  canvas.width = demo.width;
  canvas.height = demo.height;
  const painter = new SkeletonPainter(canvas, demo.landmark_names, {
    lineWidth: 7, background: "#1d2430",
  });
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let playing = !reduced;
  let index = demo.still_index ?? 0;
  let last = 0;
  const frameMs = 1000 / demo.fps;
  status.textContent = demo.caption;

  function render(now) {
    if (playing && now - last >= frameMs) {
      index = (index + 1) % demo.frames.length;
      last = now;
    }
    painter.draw(demo.frames[index]);
    requestAnimationFrame(render);
  }
  function setPlaying(value) {
    playing = value;
    toggle.textContent = playing ? "Pause demonstration" : "Play demonstration";
    toggle.setAttribute("aria-pressed", String(playing));
  }
  setPlaying(playing);
  toggle.addEventListener("click", () => setPlaying(!playing));
  document.addEventListener("backcoach:stop", () => setPlaying(false));
  requestAnimationFrame(render);
}

start().catch((error) => {
  status.textContent = `The demonstration could not be shown: ${error.message}`;
});
