// Safety actions taken while the local server was not answering: kept in this browser and sent
// as soon as it answers again, so a STOP or SHARP PAIN pressed offline is never lost.
import { ApiError, postJSON } from "./api.js";

const KEY = "backcoach:pending";

function load() {
  try {
    const items = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

function save(items) {
  try {
    localStorage.setItem(KEY, JSON.stringify(items));
  } catch {
    // storage full or disabled: nothing more we can do offline
  }
}

export function remember(item) {
  save([...load(), { ...item, at: new Date().toISOString() }]);
}

export function pendingCount() { return load().length; }

async function send(item) {
  if (item.session) {
    try {
      await postJSON(`/api/sessions/${item.session}/actions`, { action: item.kind });
      return;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error; // still offline: keep it
      if (item.kind === "stop") return; // the session is over already: nothing left to stop
    }
  }
  if (item.kind === "sharp_pain") {
    // No session to stop (the app restarted, or none ran): record it as a sharp-pain event.
    await postJSON("/api/sharp-pain", { at: item.at, where: item.where ?? "offline",
                                        session_id: item.session ?? null });
  }
}

// Send what is waiting; returns true when nothing is left.
export async function flush() {
  const items = load();
  const left = [];
  for (const item of items) {
    try {
      await send(item);
    } catch (error) {
      if (error instanceof ApiError) continue; // refused for good: keep nothing that cannot go
      left.push(item);
    }
  }
  save(left);
  return left.length === 0;
}
