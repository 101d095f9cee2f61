"""A page on another loopback origin (127.0.0.2) cannot change the journal, in a real Chromium.

The victim has the app open (its cookies are in the browser) and a red flag on record. The
foreign page then tries what the probe did: a sandboxed iframe (``Origin: null``) that posts the
delete form, plain cross-site form posts (delete, clear the red flag, start a session), no-cors
fetches and a WebSocket to the camera. Afterwards the journal is unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from backcoach.core.safety import uncleared_red_flags
from backcoach.storage import Journal
from backcoach.web.server import BackgroundServer, free_port
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
FOREIGN_HOST = "127.0.0.2"


def _attack_page(target: str) -> str:
    delete_form = (f'<form method="post" action="{target}/settings/delete">'
                   '<input name="confirm" value="DELETE"></form>'
                   "<script>document.forms[0].submit()</script>")
    framed = delete_form.replace('"', "&quot;")
    return f"""<!doctype html><title>attacking</title>
<iframe sandbox="allow-scripts allow-forms" srcdoc="{framed}"></iframe>
<iframe name="sink"></iframe>
<form id="clear" method="post" action="{target}/welcome/cleared" target="sink">
  <input name="note" value="forged"><input name="confirm" value="yes"></form>
<script>
const results = [];
async function attack() {{
  document.getElementById("clear").submit();
  const form = {{"Content-Type": "application/x-www-form-urlencoded"}};
  for (const [path, body, headers] of [
    ["/welcome/cleared", "note=forged&confirm=yes", form],
    ["/settings/delete", "confirm=DELETE", form],
    ["/api/sessions", "{{}}", {{"Content-Type": "text/plain"}}],
  ]) {{
    try {{
      await fetch("{target}" + path, {{method: "POST", mode: "no-cors", body, headers,
                                       credentials: "include"}});
    }} catch (e) {{ results.push("fetch-error"); }}
  }}
  const socket = new WebSocket("{target.replace("http", "ws")}/ws/coach?exercise=knee-to-chest");
  const opened = await new Promise((resolve) => {{
    socket.onopen = () => resolve("ws-open");
    socket.onerror = () => resolve("ws-refused");
    socket.onclose = () => resolve("ws-refused");
  }});
  results.push(opened);
  setTimeout(() => {{ document.title = "done " + results.join(" "); }}, 1500);
}}
attack();
</script>"""


def _serve_foreign(html: str) -> tuple[ThreadingHTTPServer, str]:
    body = html.encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port(FOREIGN_HOST)
    httpd = ThreadingHTTPServer((FOREIGN_HOST, port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://{FOREIGN_HOST}:{port}/"


@pytest.fixture
def victim(settings: WebSettings, open_client: Callable[..., httpx.Client],
           screen: Callable[..., httpx.Response]) -> Iterator[BackgroundServer]:
    with BackgroundServer(settings) as running:
        with open_client(running.url) as http:
            assert screen(http, red_flag="bladder_bowel").status_code in (200, 303)
        yield running


def test_a_page_on_another_origin_cannot_change_the_journal(
    victim: BackgroundServer, settings: WebSettings
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    httpd, attacker = _serve_foreign(_attack_page(victim.url))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(victim.url + "/welcome")  # the person has the app open: cookies set
            assert page.locator("#red-flag-advice").is_visible()
            page.goto(attacker)
            page.wait_for_function("document.title.startsWith('done')", timeout=20_000)
            title = page.title()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "ws-open" not in title
    with Journal.open(settings.data_dir) as journal:
        history = journal.history(settings.profile)
    assert history.screenings, "the journal was deleted by a foreign page"
    assert uncleared_red_flags(history), "a foreign page cleared the red flag"
    assert history.sessions == ()
