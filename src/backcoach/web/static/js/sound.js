// Sound for a session followed from a mat: spoken cues (the browser's own speech synthesis, which
// runs offline with the system's voices) and short tones made with WebAudio, so nothing is
// downloaded. Each moment has its own tone: 3-2-1 ticks, hold start, release, repetition done.
import { postJSON } from "./api.js";

// [frequency Hz, start s, length s] per tone; our own choice: easy to tell apart, never harsh.
const TONES = {
  tick: [[880, 0, 0.12]],
  hold: [[523, 0, 0.14], [784, 0.15, 0.3]],
  release: [[784, 0, 0.14], [523, 0.15, 0.3]],
  rep: [[659, 0, 0.1], [880, 0.1, 0.1], [1319, 0.2, 0.25]],
};

export class Sound {
  constructor({ voice = true, tones = true } = {}) {
    this.voice = voice;
    this.tones = tones;
    this.context = null;
    this.played = []; // what was played (the browser tests read it)
  }

  /** Create the audio context inside a click or key press (browsers allow sound only then). */
  unlock() {
    if (this.context || !window.AudioContext) return;
    try {
      this.context = new AudioContext();
    } catch {
      this.context = null;
    }
  }

  speak(text) {
    if (!this.voice || !text || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.rate = 0.95;
    window.speechSynthesis.speak(utterance);
  }

  tone(kind) {
    if (!this.tones || !TONES[kind]) return;
    this.played.push(kind);
    const ctx = this.context;
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume().catch(() => {});
    const start = ctx.currentTime + 0.02;
    for (const [frequency, at, length] of TONES[kind]) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.35, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(start + at);
      oscillator.stop(start + at + length + 0.05);
    }
  }

  /** Turn the tones on or off, and remember it for this profile. */
  async setTones(on) {
    this.tones = on;
    await postJSON("/api/preferences", { sounds: on });
  }

  /** Mute or unmute the voice, and remember it for this profile. */
  async setVoice(on) {
    this.voice = on;
    if (!on && "speechSynthesis" in window) window.speechSynthesis.cancel();
    await postJSON("/api/preferences", { voice: on });
  }
}

const COUNTDOWNS = new Set(["get_ready", "rest", "switch_side"]);

/**
 * The tones due between two polls of the session: 3-2-1 before a hold, the hold start, and at
 * its end the release and the repetition done. ``before`` may be null (first poll).
 */
export function tonesBetween(before, now) {
  if (!before || now.paused || before.paused) return [];
  const tones = [];
  const moved = before.state !== now.state || before.rep !== now.rep ||
    before.side !== now.side || before.exercise_index !== now.exercise_index;
  if (before.state === "hold" && moved) tones.push("release", "rep");
  if (now.state === "hold" && moved) tones.push("hold");
  if (COUNTDOWNS.has(now.state) && !moved && now.seconds_left !== null) {
    const was = Math.ceil(before.seconds_left ?? 99);
    const is = Math.ceil(now.seconds_left);
    if (is < was && is >= 1 && is <= 3) tones.push("tick");
  }
  return tones;
}
