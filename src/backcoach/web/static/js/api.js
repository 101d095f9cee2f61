// Small helpers for the JSON API: errors come back as {"error": "..."} with a 4xx status.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function parse(response) {
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError((data && data.error) || `request failed (${response.status})`, response.status);
  }
  return data;
}

export async function getJSON(url) {
  return parse(await fetch(url, { headers: { Accept: "application/json" } }));
}

// The CSRF token (web/csrf.py): the cookie's current value (renewed after a server restart),
// else the one the page was rendered with.
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("backcoach_csrf="));
  if (cookie) return cookie.slice("backcoach_csrf=".length);
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function post(url, body) {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRF-Token": csrfToken(),
    },
    body: JSON.stringify(body ?? {}),
  });
}

export async function postJSON(url, body) {
  let response = await post(url, body);
  if (response.status === 403) {
    // The server restarted since this page loaded: any page renews the token cookie, then the
    // write (above all a SHARP PAIN stop) is sent once more.
    await fetch("/sharp-pain", { method: "HEAD" });
    response = await post(url, body);
  }
  return parse(response);
}
