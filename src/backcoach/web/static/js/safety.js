// The STOP and SHARP PAIN controls, on every page, by mouse, touch or keyboard.
// Keys as in the terminal session: S or Escape = STOP, X or ! = SHARP PAIN. A page that runs a session (session.js) handles the two
// events itself; elsewhere STOP silences speech and returns to today's plan, and SHARP PAIN ends
// any session still open on the server and shows the advice.
import { postJSON } from "./api.js";

function dispatch(name) {
  const event = new CustomEvent(name, { cancelable: true });
  // A listener that calls preventDefault() has handled it.
  return !document.dispatchEvent(event);
}

export async function stop() {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  if (dispatch("backcoach:stop")) return;
  window.location.assign("/today");
}

export async function sharpPain() {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  if (dispatch("backcoach:sharp-pain")) return;
  try {
    await postJSON("/api/sharp-pain", {});
  } finally {
    window.location.assign("/sharp-pain");
  }
}

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.getElementById("stop-button")?.addEventListener("click", stop);
document.getElementById("sharp-pain-button")?.addEventListener("click", sharpPain);
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key.toLowerCase();
  if (event.key === "Escape" || (key === "s" && !typing(event.target))) {
    event.preventDefault();
    stop();
  } else if ((key === "x" || key === "!") && !typing(event.target)) {
    event.preventDefault();
    sharpPain();
  }
});
