// The STOP and SHARP PAIN controls, on every page, by mouse, touch or keyboard.
// Keys as in the terminal session: S or Escape = STOP, X or ! = SHARP PAIN. No shortcut fires
// while typing (inputs, text areas, selects, editable text) or with Ctrl, Alt or Meta held, and
// the STOP keys act only where something runs. A page that runs a session (session.js) handles
// both events itself; elsewhere SHARP PAIN is recorded in the journal as a sharp-pain event and
// the advice is shown; if the app on this computer does not answer, the advice is shown from the
// page itself and the event is sent when it answers again.
import { ApiError, postJSON } from "./api.js";
import { flush, remember } from "./pending.js";

function dispatch(name) {
  const event = new CustomEvent(name, { cancelable: true });
  // A listener that calls preventDefault() has handled it.
  return !document.dispatchEvent(event);
}

function status(text) {
  const box = document.getElementById("safety-status");
  if (box) box.textContent = text;
}

export function showLocalAdvice() {
  const template = document.getElementById("sharp-pain-local");
  if (!template || document.getElementById("local-advice")) return;
  document.body.append(template.content.cloneNode(true));
  document.getElementById("local-advice-close")?.addEventListener("click", () => {
    document.getElementById("local-advice")?.remove();
  });
  document.getElementById("local-advice-close")?.focus();
}

export async function stop() {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  if (dispatch("backcoach:stop")) return;
  status("Nothing is running here to stop.");
}

export async function sharpPain() {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  if (dispatch("backcoach:sharp-pain")) return;
  const where = document.body.dataset.page || "app";
  try {
    const answer = await postJSON("/api/sharp-pain", { where });
    const query = answer.event_id ? `?event=${answer.event_id}` : "";
    window.location.assign(`/sharp-pain${query}`);
  } catch (error) {
    if (error instanceof ApiError) {
      status(error.message);
      return;
    }
    remember({ kind: "sharp_pain", where });
    showLocalAdvice();
  }
}

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.getElementById("stop-button")?.addEventListener("click", stop);
document.getElementById("sharp-pain-button")?.addEventListener("click", sharpPain);
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const key = event.key.toLowerCase();
  if (event.key === "Escape" || key === "s") {
    if (dispatch("backcoach:stop")) event.preventDefault();
  } else if (key === "x" || key === "!") {
    event.preventDefault();
    sharpPain();
  }
});
flush().catch(() => {});
