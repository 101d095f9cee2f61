// The guided-session page. The state machine runs on the server (core.session.GuidedSession);
// this page polls it, shows one step at a time, speaks new cues if asked, and sends actions.
// Each poll is a heartbeat that says whether the page is visible: the server advances the
// session only while it is seen, and pauses it when the page is hidden or falls silent. If the
// server stops answering, a banner says so, polling backs off, and STOP and SHARP PAIN still
// work here (the advice comes from the page; the action is sent when the server is back).
// Keys (as in the terminal): N next, P or Space pause/resume, 0-9 pain score; S or Escape STOP
// and X or ! SHARP PAIN are handled in safety.js and arrive here as events.
import { ApiError, getJSON, postJSON } from "./api.js";
import { LiveCamera } from "./camera.js";
import { showSummary, wireNotes } from "./done.js";
import { flush, remember } from "./pending.js";
import { showLocalAdvice } from "./safety.js";
import { Stage } from "./overlay.js";
import { Sound, tonesBetween } from "./sound.js";
import { explainCameraError } from "./camera_problem.js";

const $ = (id) => document.getElementById(id);
const app = $("session-app");
const OUTCOMES = {
  completed: "Session complete. Well done!",
  stopped: "Session stopped. What you did is saved.",
  sharp_pain: "Sharp pain: stop now.",
};

let session = null;
let poller = null;
let camera = null;
let lastCue = 0;
let busy = false;
let failures = 0; // polls in a row the server did not answer
let offlineEnded = false; // STOP or SHARP PAIN pressed while the server was away
let lastView = null;
let holding = false; // the camera sees the hold position right now
const media = app ? JSON.parse($("exercise-media").textContent) : {};
const sound = new Sound({ voice: app?.dataset.voice === "on", tones: app?.dataset.sounds === "on" });
const stage = new Stage({ media });
if (app) window.backcoachSound = sound; // the browser tests read which tones were played

function show(id, visible) { $(id)?.classList.toggle("hidden", !visible); }

function speak(text) {
  sound.speak(text);
}

function showVoice() {
  const button = $("mute-button");
  button.setAttribute("aria-pressed", String(!sound.voice));
  button.textContent = sound.voice ? "Voice on" : "Voice off";
  button.setAttribute("aria-label", sound.voice ? "Voice on: press to mute (M)" : "Voice muted: press to speak again (M)");
  if ($("speak-toggle")) $("speak-toggle").checked = sound.voice;
}

function setVoice(on) {
  sound.setVoice(on).catch(showError);
  showVoice();
}

function showError(error) {
  const box = $("session-error");
  box.textContent = error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
  show("session-error", true);
}

function render(data) {
  session = data;
  app.dataset.sessionId = String(data.id);
  const view = data.view;
  app.dataset.state = view.state;
  for (const cue of data.cues) {
    if (cue.seq > lastCue) {
      lastCue = cue.seq;
      $("stage-cue").textContent = cue.text;
      speak(cue.text);
    }
  }
  const painStep = view.state === "pain_before" || view.state === "pain_after";
  const done = view.state === "done";
  show("away-notice", Boolean(data.away) && view.paused && !done);
  for (const tone of tonesBetween(lastView, view)) sound.tone(tone);
  lastView = view;
  window.backcoachView = view; // the browser tests step through the states with it
  show("session-start", false);
  show("pain-panel", painStep);
  show("session-stage", !painStep && !done);
  show("session-done", done);
  const coaching = !done; // the pain question too: its buttons must be on screen, not below
  if (coaching && !document.body.classList.contains("coaching")) window.scrollTo(0, 0);
  document.body.classList.toggle("coaching", coaching);
  if (painStep) {
    $("pain-prompt").textContent = view.prompt;
  } else if (!done) {
    renderStage(view);
  } else {
    renderDone(data);
  }
}

function renderStage(view) {
  stage.render(view, { holding });
  $("pause-button").firstChild.textContent = view.paused ? "Resume " : "Pause ";
}

function renderDone(data) {
  clearTimeout(poller);
  camera?.stop();
  const outcome = data.view.outcome;
  app.dataset.outcome = outcome;
  const box = $("done-message");
  box.replaceChildren();
  const title = document.createElement("p");
  title.className = outcome === "sharp_pain" ? "notice danger" : "notice ok";
  const strong = document.createElement("strong");
  const cutShort = data.sets.some((s) => (s.full_reps ?? s.reps) < s.reps);
  strong.textContent = outcome === "completed" && cutShort
    ? "Session finished. Some holds were cut short: they are saved with their real length but do not count toward your plan."
    : OUTCOMES[outcome] ?? "Session over.";
  title.append(strong);
  box.append(title);
  if (data.end_message) {
    const advice = document.createElement("p");
    advice.className = "notice danger";
    advice.id = "sharp-pain-advice";
    advice.setAttribute("role", "alert");
    advice.textContent = data.end_message;
    box.append(advice);
  }
  if (data.safety_stop) {
    // Stopped by the safety check (a red flag): what to do, and where to record a clearance.
    for (const line of data.safety_stop.advice) {
      const item = document.createElement("p");
      item.className = "notice danger";
      item.textContent = line;
      box.append(item);
    }
    const link = document.createElement("a");
    link.className = "button secondary";
    link.href = "/welcome/cleared";
    link.textContent = "A professional has checked me";
    box.append(link);
  }
  const names = Object.fromEntries(Object.entries(media).map(([id, m]) => [id, m.name]));
  showSummary($("done-summary"), data.id, names).catch(showError);
}

async function act(action, extra = {}) {
  if (!session || busy) return;
  busy = true;
  try {
    render(await postJSON(`/api/sessions/${session.id}/actions`, { action, ...extra }));
  } catch (error) {
    if (error instanceof ApiError) showError(error);
    else if (action === "stop" || action === "sharp_pain") endOffline(action);
    else lostServer();
  } finally {
    busy = false;
  }
}

function visible() { return document.visibilityState === "visible"; }

function stateUrl() { return `/api/sessions/${session.id}?visible=${visible() ? 1 : 0}`; }

// The heartbeat: quick while all is well, backing off while the server does not answer.
function pollDelay() {
  const scale = Number(app.dataset.timeScale) || 1;
  const base = Math.max(50, 250 / Math.min(scale, 5));
  return failures === 0 ? base : Math.min(5000, 500 * 2 ** (failures - 1));
}

function schedule() {
  clearTimeout(poller);
  poller = setTimeout(poll, pollDelay());
}

async function poll() {
  if (!session || offlineEnded) return;
  if (busy) {
    schedule();
    return;
  }
  try {
    const data = await getJSON(stateUrl());
    if (failures > 0) backAgain();
    if (!busy) render(data);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && failures > 0) {
      restarted();
      return;
    }
    if (error instanceof ApiError) showError(error);
    else lostServer();
  }
  if (session.view.state !== "done") schedule();
}

function lostServer() {
  failures += 1;
  show("offline-banner", true);
}

function backAgain() {
  failures = 0;
  show("offline-banner", false);
  flush().catch(() => {});
}

function restarted() {
  failures = 0;
  clearTimeout(poller);
  show("offline-banner", false);
  show("session-stage", false);
  show("away-notice", false);
  camera?.stop();
  flush().catch(() => {});
  $("restart-notice").textContent = "backcoach restarted while your session was open. The " +
    "session was closed: every set you finished is saved, nothing else was counted.";
  show("restart-notice", true);
}

// STOP or SHARP PAIN while the server is away: act here, send it when the server is back.
function endOffline(action) {
  offlineEnded = true;
  remember({ kind: action, session: session.id, where: "session" });
  camera?.stop();
  show("session-stage", false);
  show("away-notice", false);
  if (action === "sharp_pain") showLocalAdvice();
  $("restart-notice").textContent = action === "sharp_pain"
    ? "Session stopped because of sharp pain. It will be recorded as soon as backcoach answers again."
    : "Session stopped. The stop will be recorded as soon as backcoach answers again.";
  show("restart-notice", true);
  const retry = setInterval(async () => {
    if (await flush().catch(() => false)) {
      clearInterval(retry);
      show("offline-banner", false);
      recordedAfterAll(action);
    }
  }, 2000);
}

// backcoach answered again and took what was pressed meanwhile: say so, and where to go.
function recordedAfterAll(action) {
  const notice = $("restart-notice");
  notice.className = "notice ok";
  notice.setAttribute("role", "status");
  notice.textContent = action === "sharp_pain"
    ? "Recorded in your journal: the session was stopped because of sharp pain. Today is a rest day. "
    : "Recorded in your journal: the session was stopped. ";
  for (const [href, label] of [["/today", "Back to today"], ["/history", "See your history"]]) {
    const link = document.createElement("a");
    link.className = "button secondary";
    link.href = href;
    link.textContent = label;
    notice.append(link, " ");
  }
  const pending = document.getElementById("local-advice-pending");
  if (pending) pending.textContent = "It is now recorded in your journal.";
}

function startPolling() {
  schedule();
}

function reportHidden() {
  if (!session || session.view.state === "done") return;
  // keepalive: the request still goes out while the page is being left or hidden.
  fetch(stateUrl(), { headers: { Accept: "application/json" }, keepalive: true }).catch(() => {});
}

function startCamera() {
  const panel = $("camera-panel");
  const video = $("camera-video");
  stage.useCamera(true);
  if (lastView) stage.render(lastView, { holding });
  video.addEventListener("loadedmetadata", () => {
    if (video.videoWidth && video.videoHeight) {
      panel.style.setProperty("--ar", String(video.videoWidth / video.videoHeight));
    }
  });
  camera = new LiveCamera({
    video: $("camera-video"),
    overlay: $("camera-overlay"),
    url: `/ws/coach?session=${session.id}`,
    onStatus: (text) => { $("camera-status").textContent = text; },
    onResult: (message) => {
      panel.dataset.results = String(camera.stats.results);
      panel.dataset.events = String(camera.stats.events);
      panel.dataset.poses = String(camera.stats.posesFound);
      // A hold is shown only while the camera sees one (never "holding 0 s" at rest).
      holding = Boolean(message.holding) && message.hold_s >= 0.5;
      if (message.cue) $("camera-status").textContent = message.cue;
      else if (holding) $("camera-status").textContent = `Holding for ${Math.floor(message.hold_s)} s`;
      else if (message.landmarks) $("camera-status").textContent = "I can see you.";
      else $("camera-status").textContent = "I cannot see you: move into the picture.";
    },
    onClose: (event) => {
      if (event.code !== 1000) {
        $("camera-status").textContent = `The camera coach stopped: ${event.reason || event.code}`;
      }
    },
  });
  camera.start().catch((error) => {
    const { what, fix } = explainCameraError(error); // plain words, not the browser's error
    $("camera-status").textContent = `${what} ${fix} The session goes on without it: ` +
      "each hold runs on its timer, and Next moves on.";
  });
}

async function begin(resumeId) {
  sound.unlock(); // inside the click: browsers allow sound to start only from a gesture
  try {
    const useCamera = Boolean($("camera-toggle")?.checked);
    const data = resumeId
      ? await getJSON(`/api/sessions/${resumeId}`)
      : await postJSON("/api/sessions", { camera: useCamera });
    render(data);
    startPolling();
    if (data.camera) startCamera();
  } catch (error) {
    showError(error);
  }
}

function active() { return session && session.view.state !== "done"; }

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function pressing(target) {
  // Space on a focused button, link or summary already activates it.
  return target instanceof HTMLElement && ["BUTTON", "SUMMARY", "A"].includes(target.tagName);
}

if (app) {
  $("start-button")?.addEventListener("click", () => begin(null));
  $("resume-button")?.addEventListener("click", () => begin(app.dataset.resume));
  $("next-button").addEventListener("click", () => act("next"));
  $("away-resume")?.addEventListener("click", () => act("resume"));
  $("away-stop")?.addEventListener("click", () => act("stop"));
  document.addEventListener("visibilitychange", () => {
    if (!visible()) reportHidden();
    else if (session) poll();
  });
  window.addEventListener("pagehide", reportHidden);
  $("skip-button").addEventListener("click", () => act("skip_exercise"));
  $("pause-button").addEventListener("click", () => act(session?.view.paused ? "resume" : "pause"));
  $("mute-button").addEventListener("click", () => setVoice(!sound.voice));
  $("speak-toggle")?.addEventListener("change", (event) => setVoice(event.target.checked));
  $("tones-toggle")?.addEventListener("change", (event) => {
    sound.setTones(event.target.checked).catch(showError);
  });
  wireNotes($("done-notes"), $("notes-status"));
  showVoice();
  for (const button of document.querySelectorAll(".pain-scale button")) {
    button.addEventListener("click", () => {
      const action = session.view.state === "pain_before" ? "pain_before" : "pain_after";
      act(action, { score: Number(button.dataset.score) });
    });
  }
  document.addEventListener("backcoach:stop", (event) => {
    if (!active() || offlineEnded) return;
    event.preventDefault();
    if (failures > 0) endOffline("stop");
    else act("stop");
  });
  document.addEventListener("backcoach:sharp-pain", (event) => {
    if (!active() || offlineEnded) return;
    event.preventDefault();
    busy = false; // never swallowed: the sharp-pain stop goes out even if a request is pending
    if (failures > 0) endOffline("sharp_pain");
    else act("sharp_pain");
  });
  document.addEventListener("keydown", (event) => {
    if (!active() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const state = session.view.state;
    const key = event.key.toLowerCase();
    if ((state === "pain_before" || state === "pain_after") && /^[0-9]$/.test(event.key)) {
      event.preventDefault();
      act(state, { score: Number(event.key) });
    } else if (key === "m") {
      event.preventDefault();
      setVoice(!sound.voice);
    } else if (key === "n") {
      event.preventDefault();
      act("next");
    } else if (key === "p" || (event.key === " " && !pressing(event.target))) {
      event.preventDefault();
      act(session.view.paused ? "resume" : "pause");
    }
  });
}
