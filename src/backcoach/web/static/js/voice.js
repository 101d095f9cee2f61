// Voice control for the guided session: the microphone's audio goes to the server over
// /ws/voice (16 kHz PCM16), which hears "stop", "sharp pain", "next", "pause", "resume",
// "repeat", "undo" and pain scores, applies them to the session exactly like the buttons, and
// answers with what it heard. This page shows a listening indicator, speaks the confirmation,
// and offers an Undo button for a few seconds. Buttons and keys keep working throughout.
// The switch is remembered per profile on the server (/api/preferences voice_control), so it is
// the same in every browser; Settings shows the same switch.
// session.js owns the session; this module only reads #session-app's data-session-id and
// data-state, so the two stay independent.

import { postJSON } from "./api.js";

const $ = (id) => document.getElementById(id);
const app = $("session-app");
const panel = $("voice-panel");

let socket = null;
let audio = null;
let stream = null;
let undoTimer = null;
let sessionId = null;
let gaveUp = false; // after a failure, wait for the switch to be turned on again

/** Store the switch for this profile; the page is told if it could not be (it still works). */
async function remember(on) {
  panel.dataset.saved = "pending";
  try {
    const stored = await postJSON("/api/preferences", { voice_control: on });
    panel.dataset.saved = stored.voice_control === on ? "yes" : "no";
  } catch (error) {
    panel.dataset.saved = "no";
    $("voice-heard").textContent = `The switch could not be remembered: ${error.message}`;
  }
}

function status(text, listening) {
  $("voice-status").textContent = text;
  panel.dataset.listening = listening ? "yes" : "no";
  $("voice-indicator").classList.toggle("listening", listening);
}

function say(text) {
  if (!text || !("speechSynthesis" in window)) return;
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

function showUndo(seconds) {
  clearTimeout(undoTimer);
  const button = $("voice-undo");
  button.classList.toggle("hidden", !seconds);
  if (seconds) undoTimer = setTimeout(() => button.classList.add("hidden"), seconds * 1000);
}

function heard(message) {
  const line = message.phrase ? `Heard “${message.phrase}”` : "Undo";
  $("voice-heard").textContent = message.acted ? `${line}: ${message.say}` : `${line} (ignored)`;
  panel.dataset.heard = String(Number(panel.dataset.heard || 0) + 1);
  panel.dataset.lastCommand = message.command;
  if (message.say) say(message.say);
  showUndo(message.acted ? message.undo_s : null);
}

async function startAudio() {
  stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  try {
    audio = new AudioContext({ sampleRate: 16000 });
  } catch {
    audio = new AudioContext(); // the worklet averages down to 16 kHz
  }
  await audio.audioWorklet.addModule(new URL("./voice-worklet.js", import.meta.url));
  const source = audio.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(audio, "backcoach-downsampler");
  node.port.onmessage = (event) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(event.data);
  };
  source.connect(node);
}

function stopAudio() {
  stream?.getTracks().forEach((track) => track.stop());
  audio?.close().catch(() => {});
  stream = null;
  audio = null;
}

async function start() {
  if (socket || !sessionId) return;
  status("Starting the microphone…", false);
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${window.location.host}/ws/voice?session=${sessionId}`);
  socket.binaryType = "arraybuffer";
  const opened = socket;
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ready") status("Listening: say “stop”, “sharp pain”, “next”, “pause”…", true);
    else if (message.type === "heard") heard(message);
  };
  socket.onclose = (event) => {
    if (socket !== opened) return;
    socket = null;
    stopAudio();
    showUndo(null);
    const ended = app.dataset.state === "done" || event.code === 1000;
    if (!ended) gaveUp = true;
    status(ended ? "Voice control is off (the session has ended)." :
      `Voice control stopped: ${event.reason || event.code}. Buttons and keys still work.`, false);
  };
  try {
    await startAudio();
    await audio?.resume();
  } catch (error) {
    gaveUp = true;
    stop();
    status(`No microphone: ${error.message}. Buttons and keys still work.`, false);
  }
}

function stop() {
  const closing = socket;
  socket = null;
  closing?.close(1000, "voice control switched off");
  stopAudio();
  showUndo(null);
  status("Voice control is off.", false);
}

function sync() {
  const running = Boolean(app.dataset.sessionId) && app.dataset.state !== "done";
  sessionId = running ? app.dataset.sessionId : null;
  if (running && $("voice-toggle").checked && !gaveUp) start();
  else if (!running && socket) stop();
}

if (app && panel) {
  const toggle = $("voice-toggle");
  status(toggle.checked ? "Voice control starts with the session." : "Voice control is off.", false);
  toggle.addEventListener("change", () => {
    remember(toggle.checked);
    gaveUp = false;
    if (toggle.checked) sync();
    else stop();
  });
  $("voice-undo").addEventListener("click", () => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "undo" }));
    showUndo(null);
  });
  new MutationObserver(sync).observe(app, { attributes: true, attributeFilter: ["data-session-id", "data-state"] });
}
