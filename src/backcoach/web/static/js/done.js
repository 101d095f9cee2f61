// The done screen: pain before and after, what was done, how it compares with the last session
// and the last week, what changes in the plan and why, the check-in reminder, one-tap notes.
import { getJSON, postJSON } from "./api.js";

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function painLine(summary) {
  const { pain_before: before, pain_after: after } = summary;
  if (before === null && after === null) return null;
  if (after === null) return `Pain before: ${before} out of 10.`;
  if (before === null) return `Pain after: ${after} out of 10.`;
  const change = after - before;
  const how = change < 0 ? `down by ${-change}` : change > 0 ? `up by ${change}` : "unchanged";
  return `Pain ${before} → ${after} out of 10 (${how}).`;
}

function compareLine(c) {
  if (!c.sessions) return `Nothing to compare with from the ${c.label} yet.`;
  const reps = c.reps_change === 0 ? "the same number of repetitions as"
    : `${Math.abs(c.reps_change)} repetitions ${c.reps_change > 0 ? "more" : "fewer"} than`;
  const base = c.label === "last session" ? "the last session" :
    `the average of the last 7 days (${c.sessions} session${c.sessions === 1 ? "" : "s"})`;
  let line = `Against ${base}: ${reps} there.`;
  if (c.pain_change !== null) {
    const p = c.pain_change;
    line += ` Pain then went ${p < 0 ? `down by ${-p}` : p > 0 ? `up by ${p}` : "neither up nor down"} during a session.`;
  }
  return line;
}

function exerciseTable(exercises) {
  const table = el("table");
  table.id = "done-exercises";
  const head = table.createTHead().insertRow();
  for (const title of ["Exercise", "Repetitions", "Mean hold"]) {
    const th = el("th", title);
    th.scope = "col";
    head.append(th);
  }
  const body = table.createTBody();
  for (const e of exercises) {
    const row = body.insertRow();
    row.dataset.exercise = e.id;
    const sides = e.sides.length ? ` (${e.sides.join(" and ")} side)` : "";
    row.insertCell().textContent = e.name + sides;
    row.insertCell().textContent = String(e.reps);
    row.insertCell().textContent = `${e.mean_hold_s} s`;
  }
  return table;
}

function planChanges(changes, names) {
  if (!changes.length) return el("p", "The plan stays as it is for the next session.");
  const list = el("ul");
  for (const c of changes) {
    const to = `${c.to.reps} × ${c.to.hold_s} s`;
    const dose = c.from ? `${c.from.reps} × ${c.from.hold_s} s → ${to}` : `starts at ${to}`;
    const item = el("li");
    item.append(el("strong", `${names[c.exercise_id] ?? c.exercise_id}: ${dose}. `));
    item.append(c.reason);
    list.append(item);
  }
  return list;
}

/** Fill ``box`` with the summary of session ``sessionId``. */
export async function showSummary(box, sessionId, names = {}) {
  const summary = await getJSON(`/api/sessions/${sessionId}/summary`);
  const parts = [];
  const pain = painLine(summary);
  if (pain) {
    const p = el("p", pain, "pain-change");
    p.id = "done-pain";
    parts.push(p);
  }
  if (summary.exercises.length) {
    parts.push(el("h3", "What you did"), exerciseTable(summary.exercises));
  } else {
    parts.push(el("p", "No repetitions were done in this session."));
  }
  parts.push(el("h3", "Compared with before"));
  const comparisons = el("ul");
  comparisons.id = "done-comparisons";
  for (const c of summary.comparisons) comparisons.append(el("li", compareLine(c)));
  parts.push(comparisons);
  parts.push(el("h3", "Your plan"), planChanges(summary.plan_changes, names));
  const reminder = el("p", summary.checkin_reminder, "notice");
  reminder.id = "checkin-reminder";
  parts.push(reminder);
  box.replaceChildren(...parts);
  return summary;
}

/** The one-tap notes: each button stores its text once, and says so. */
export function wireNotes(container, status) {
  for (const button of container.querySelectorAll("button[data-note]")) {
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-pressed") === "true") return;
      try {
        await postJSON("/api/notes", { text: `After the session: ${button.dataset.note.toLowerCase()}.` });
        button.setAttribute("aria-pressed", "true");
        status.textContent = `Note saved: ${button.dataset.note}.`;
      } catch (error) {
        status.textContent = `The note was not saved: ${error.message}`;
      }
    });
  }
}
