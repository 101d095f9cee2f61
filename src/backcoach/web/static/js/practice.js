// Camera practice for one exercise: the same coaching WebSocket as a session, nothing recorded.
import { LiveCamera } from "./camera.js";
import { cameraDidNotStart, hideCameraProblem } from "./camera_problem.js";

const $ = (id) => document.getElementById(id);
const app = $("practice-app");
let camera = null;

/** What the camera sees: the big cue over the picture and the screen readers' live line. */
function say(text) {
  $("camera-status").textContent = text;
  $("practice-cue").textContent = text;
}

function start() {
  let shown = false;
  $("camera-start").disabled = true;
  hideCameraProblem($("camera-problem"));
  $("camera-panel").classList.remove("hidden");
  camera = new LiveCamera({
    video: $("camera-video"),
    overlay: $("camera-overlay"),
    url: `/ws/coach?exercise=${encodeURIComponent(app.dataset.exercise)}`,
    onStatus: say,
    // The server counts from the profile's own range when one is stored (the setup page).
    onReady: (message) => { app.dataset.calibrated = message.calibration ? "yes" : "no"; },
    onResult: (message) => {
      if (!shown) {  // the first picture: bring all of it, with its count and cue, into view
        shown = true;
        document.querySelector(".practice-stage").scrollIntoView({ block: "nearest" });
      }
      $("camera-reps").textContent = String(message.reps);
      $("practice-reps").textContent = String(message.reps);
      // Only a hold the camera really sees is shown (never "holding 0.0 s" at rest).
      const holding = Boolean(message.holding) && message.hold_s >= 0.5;
      $("camera-hold").textContent = holding ? `· holding ${Math.floor(message.hold_s)} s` : "";
      $("practice-hold").textContent = holding ? `holding ${Math.floor(message.hold_s)} s` : "";
      if (message.cue) say(message.cue);
      else if (message.landmarks) say("I can see you.");
    },
    onClose: (event) => {
      $("camera-start").disabled = false;
      if (event.code !== 1000) {
        say(`The camera coach stopped: ${event.reason || event.code}`);
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
  document.addEventListener("backcoach:stop", (event) => {
    if (!camera?.running) return;
    event.preventDefault();
    camera.stop();
    say("Stopped.");
    $("camera-start").disabled = false;
  });
}
