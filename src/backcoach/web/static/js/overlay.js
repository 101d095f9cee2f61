// The coaching stage: what is drawn over the camera picture or the demonstration. Large white
// type on dark plates: the phase and side top left, the repetition counter top right, a ring with
// the seconds left bottom right, the current cue bottom left; overall progress above.
import { showDemo, showPlacement } from "./demo_player.js";

const $ = (id) => document.getElementById(id);
const PHASES = {
  get_ready: "Get ready", hold: "Hold", rest: "Rest", switch_side: "Switch sides",
  paused: "Paused",
};
// Moments when the demonstration is shown next to the camera: while getting into position.
const DEMO_STATES = new Set(["get_ready", "switch_side"]);

export function formatLeft(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s left`;
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return `${minutes}:${String(rest).padStart(2, "0")} min left`;
}

export class Stage {
  constructor({ media, camera = false }) {
    this.media = media; // exercise id -> {demo, placement_text}
    this.camera = camera;
    this.total = 0;
  }

  useCamera(on) {
    this.camera = on;
    $("camera-cell").classList.toggle("hidden", !on);
    $("camera-status").classList.toggle("hidden", !on);
  }

  render(view, { holding = false } = {}) {
    const active = view.paused ? (this.pausedFrom ?? view.state) : view.state;
    if (!view.paused) this.pausedFrom = view.state;
    this.progress(view);
    this.phase(view, active, holding);
    this.counter(view);
    this.ring(view, active);
    this.demo(view, active);
  }

  progress(view) {
    $("stage-position").textContent = `Exercise ${view.exercise_index + 1} of ${view.exercise_count}`;
    $("stage-exercise").textContent = view.exercise_name ?? "";
    const left = view.session_left_s;
    this.total = Math.max(this.total, left ?? 0);
    $("stage-left").textContent = formatLeft(left);
    const done = this.total > 0 ? 1 - (left ?? 0) / this.total : 0;
    $("stage-progress").style.width = `${Math.round(done * 100)}%`;
  }

  phase(view, active, holding) {
    let text = view.paused ? "Paused" : (PHASES[active] ?? view.prompt);
    if (view.overdue_hint) text = "Come back to the start";
    // A camera hold whose timer ran out with no repetition seen: offer the setup page again.
    const offer = Boolean(view.overdue_hint && this.camera && view.exercise_id);
    $("setup-offer").classList.toggle("hidden", !offer);
    if (offer) {
      $("setup-offer-link").href = `/exercises/${encodeURIComponent(view.exercise_id)}/setup?next=/session`;
    }
    else if (this.camera && active === "hold" && !view.paused && !holding) text = "Move into the hold";
    $("stage-phase").textContent = text;
    const side = $("stage-side");
    side.textContent = view.side ? `${view.side === "left" ? "Left" : "Right"} leg back` : "";
    side.classList.toggle("hidden", !view.side);
  }

  counter(view) {
    $("stage-rep").textContent = String(view.rep);
    $("stage-rep-total").textContent = String(view.reps);
    $("stage-reps").setAttribute("aria-label", `Repetition ${view.rep} of ${view.reps}`);
  }

  ring(view, active) {
    const ring = $("stage-ring");
    const overdue = view.grace_left_s !== null && view.grace_left_s !== undefined;
    const left = overdue ? view.grace_left_s : view.seconds_left;
    const full = overdue ? Math.max(left, 1) : view.phase_s;
    ring.classList.toggle("idle", left === null || left === undefined);
    ring.dataset.phase = overdue ? "overdue" : active;
    $("stage-timer").textContent = left === null || left === undefined ? "–" : String(Math.ceil(left));
    const share = full ? Math.min(1, Math.max(0, left / full)) : 0;
    $("stage-ring-fill").style.strokeDashoffset = String(100 - share * 100);
    if (overdue) {
      this.graceFull = Math.max(this.graceFull ?? 0, left);
      $("stage-ring-fill").style.strokeDashoffset = String(100 - (left / this.graceFull) * 100);
    } else {
      this.graceFull = 0;
    }
  }

  demo(view, active) {
    const entry = this.media[view.exercise_id] ?? {};
    const showDemoNow = !this.camera || DEMO_STATES.has(active);
    $("stage-view").dataset.show = showDemoNow ? (this.camera ? "both" : "demo") : "camera";
    $("demo-cell").classList.toggle("hidden", !showDemoNow);
    if (showDemoNow) {
      const kind = showDemo($("stage-demo"), entry.demo, { name: view.exercise_name, steps: view.steps });
      $("stage-view").dataset.kind = kind;
    } else {
      $("stage-demo").querySelector("video")?.pause();
      $("stage-view").dataset.kind = "camera";
    }
    const placement = $("stage-placement");
    const placing = this.camera && active === "get_ready";
    placement.classList.toggle("hidden", !placing);
    if (placing && placement.dataset.exercise !== view.exercise_id) {
      placement.dataset.exercise = view.exercise_id;
      showPlacement(placement, entry.demo, entry.placement_text);
      const thumb = placement.querySelector("img");  // the sentence is hidden: say it here
      if (thumb && entry.placement_text) thumb.alt = `Where to put the camera: ${entry.placement_text}`;
    }
  }
}
