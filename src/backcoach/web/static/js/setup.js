// The exercise setup page: the camera check and "show me one comfortable repetition", over the
// same coaching WebSocket as practice (docs/websocket-protocol.md, "Setup page"). The server
// checks, measures and stores; this page only asks and shows the answers.
import { LiveCamera } from "./camera.js";
import { cameraDidNotStart, hideCameraProblem } from "./camera_problem.js";

const $ = (id) => document.getElementById(id);
const app = $("setup-app");
let camera = null;

let checking = false;

/** Clear the answers (while checking, or after a check stopped before it answered). */
function resetAnswers(text) {
  for (const item of $("check-answers").children) {
    item.dataset.ok = "";
    item.querySelector(".a").textContent = text;
  }
}

/** A calibration replaces a check still running (one task at a time on the server). */
function stopCheck() {
  if (!checking) return;
  checking = false;
  resetAnswers("Not checked yet.");
  $("check-summary").textContent = "";
  $("check-start").disabled = false;
}

function showCheck(message) {
  if (message.status === "checking") {
    const status = $("calibration-status");
    if (status.dataset.status === "settling" || status.dataset.status === "recording") {
      showCalibration({ status: "cancelled" }); // the check replaced the recording
    }
    checking = true;
    $("check-summary").textContent = "Checking… keep your start position.";
    delete $("check-summary").dataset.ok;
    resetAnswers("Checking…");
    return;
  }
  if (message.status === "cancelled") {
    stopCheck();
    return;
  }
  checking = false;
  for (const answer of message.answers) {
    const item = $("check-answers").querySelector(`[data-key="${answer.key}"]`);
    item.dataset.ok = answer.ok === null ? "unknown" : String(answer.ok);
    item.querySelector(".a").textContent = answer.text;
  }
  $("check-summary").textContent = message.ok
    ? "The camera view is good."
    // The placement sentence is shown once, in step 1: point there rather than repeat it.
    : "Fix what is marked above, then check again. Step 1 shows where the camera goes.";
  $("check-summary").dataset.ok = String(message.ok);
  $("check-start").disabled = false;
}

/** Where a person refused by the safety check goes next, by the decision's code. */
const WAY_ON = {
  red_flag: ["/welcome/cleared", "record what a professional advised"],
  sharp_pain_referral: ["/welcome/cleared", "record what a professional advised"],
  sharp_pain_rest: ["/today", "today's advice"],
  checkin_needed: ["/checkin", "the morning check-in"],
};

function showCalibration(message) {
  stopCheck();
  const status = $("calibration-status");
  status.dataset.status = message.status;
  const running = message.status === "settling" || message.status === "recording";
  $("calibrate-start").disabled = running;
  $("calibrate-cancel").classList.toggle("hidden", !running);
  if (message.status === "cancelled") {
    status.textContent = "Cancelled: nothing was stored.";
  } else if (message.status === "saved") {
    status.textContent = "Saved for practice and sessions.";
    const box = $("calibration-stored");
    box.dataset.calibrated = "yes";
    const c = message.calibration; // the words come from the server (usecases.calibration)
    const summary = $("calibration-summary");
    const strong = document.createElement("strong");
    strong.textContent = `${Math.round(c.counts_from_deg)} degrees`;
    summary.replaceChildren("Practice and sessions count a repetition from ", strong,
      `. ${c.summary}`);
    $("forget-form").classList.remove("hidden");
  } else if (message.status === "failed" && message.code) {
    // Refused by the safety check (no disclaimer yet, a red flag, a rest day): the way on.
    const [href, words] = WAY_ON[message.code] ?? ["/welcome", "the safety questions"];
    const link = document.createElement("a");
    link.href = href;
    link.textContent = words;
    status.replaceChildren(`Not stored: ${message.message} Next: `, link, ".");
  } else {
    status.textContent = message.status === "failed"
      ? `Not stored: ${message.message}` : message.message;
  }
}

function start() {
  $("camera-start").disabled = true;
  hideCameraProblem($("camera-problem"));
  $("camera-panel").classList.remove("hidden");
  camera = new LiveCamera({
    video: $("camera-video"),
    overlay: $("camera-overlay"),
    url: `/ws/coach?exercise=${encodeURIComponent(app.dataset.exercise)}`,
    onStatus: (text) => { $("camera-status").textContent = text; },
    onReady: () => {
      $("check-start").disabled = false;
      $("calibrate-start").disabled = false;
    },
    onResult: (message) => {
      if (message.cue) $("camera-status").textContent = message.cue;
      else if (message.landmarks) $("camera-status").textContent = "I can see you.";
    },
    onMessage: (message) => {
      if (message.type === "camera_check") showCheck(message);
      else if (message.type === "calibration") showCalibration(message);
    },
    onClose: (event) => {
      $("camera-start").disabled = false;
      $("check-start").disabled = true;
      $("calibrate-start").disabled = true;
      if (event.code !== 1000) {
        $("camera-status").textContent = `The camera coach stopped: ${event.reason || event.code}`;
      }
    },
  });
  camera.start().catch((error) => {
    camera = null;
    cameraDidNotStart(error); // plain words instead of the browser's error
  });
}

if (app) {
  $("camera-start").addEventListener("click", start);
  $("check-start").addEventListener("click", () => {
    if (camera?.send({ type: "check" })) $("check-start").disabled = true;
  });
  $("calibrate-start").addEventListener("click", () => camera?.send({ type: "calibrate" }));
  $("calibrate-cancel").addEventListener("click", () => camera?.send({ type: "cancel" }));
  document.addEventListener("backcoach:stop", (event) => {
    if (!camera?.running) return;
    event.preventDefault();
    camera.stop();
    $("camera-status").textContent = "Stopped.";
    $("camera-start").disabled = false;
  });
}
