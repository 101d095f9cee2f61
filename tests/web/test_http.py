"""The pages and the JSON API over real HTTP: bad input gets a clear 4xx, never a 500."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest

Screen = Callable[..., httpx.Response]

PAGES = ["/welcome", "/today", "/exercises", "/exercises/knee-to-chest",
         "/exercises/neck-flexion/practice", "/session",
         "/history", "/function", "/settings", "/sharp-pain"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_the_disclaimer_and_the_safety_controls(
    client: httpx.Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "information, not medical advice" in response.text
    assert 'id="stop-button"' in response.text
    assert 'id="sharp-pain-button"' in response.text


def _code(page: httpx.Response) -> str:
    """The one-time code of a confirmation page (``web/confirm.py``)."""
    found = re.search(r'name="confirmation" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_a_new_person_starts_with_the_onboarding(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/welcome"


def test_clear_answers_lead_to_today(client: httpx.Client, screen: Screen) -> None:
    response = screen(client)
    assert response.headers["location"] == "/today"
    assert client.get("/").headers["location"] == "/today"
    assert 'id="start-session"' in client.get("/today").text


def test_a_red_flag_blocks_sessions_until_cleared(client: httpx.Client, screen: Screen) -> None:
    response = screen(client, red_flag="bladder_bowel")
    assert response.status_code == 200
    assert "emergency" in response.text.lower()
    refused = client.post("/api/sessions", json={})
    assert refused.status_code == 409
    assert "cannot start" in refused.json()["error"]
    assert 'id="start-session"' not in client.get("/today").text
    assert 'id="start-button"' not in client.get("/session").text
    asked = client.post("/welcome/cleared", data={"note": "GP checked me", "confirm": "yes"})
    assert asked.status_code == 200 and "GP checked me" in asked.text
    assert client.post("/api/sessions", json={}).status_code == 409  # not yet: confirm first
    cleared = client.post("/welcome/cleared", data={"confirmation": _code(asked)})
    assert cleared.status_code == 303
    assert client.post("/api/sessions", json={}).status_code == 201


def test_an_incomplete_screening_is_refused_with_a_message(client: httpx.Client) -> None:
    response = client.post("/welcome", data={"accept": "yes", "q_saddle_numbness": "no"})
    assert response.status_code == 422
    assert "answer every question" in response.text


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b"[" * 60_000, 400, "nested too deeply"),
        (json.dumps({"camera": "yes"}).encode(), 422, "'camera'"),
    ],
)
def test_bad_json_to_the_api_is_a_4xx_with_a_message(
    onboarded: httpx.Client, body: bytes, status: int, words: str
) -> None:
    response = onboarded.post(
        "/api/sessions", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert words in response.json()["error"]


def test_wrong_types_and_unknown_actions_are_refused(onboarded: httpx.Client) -> None:
    session_id = onboarded.post("/api/sessions", json={}).json()["id"]
    url = f"/api/sessions/{session_id}/actions"
    for body, words in [
        ({"action": "pain_before", "score": "seven"}, "'score'"),
        ({"action": "pain_before", "score": 11}, "from 0 to 10"),
        ({"action": "pain_before", "score": True}, "'score'"),
        ({"action": "fly"}, "'action'"),
        ({"action": 3}, "'action'"),
    ]:
        response = onboarded.post(url, json=body)
        assert response.status_code == 422, body
        assert words in response.json()["error"]
    wrong_step = onboarded.post(url, json={"action": "pain_after", "score": 2})
    assert wrong_step.status_code == 409


def test_unknown_exercise_and_session_are_404(onboarded: httpx.Client) -> None:
    assert onboarded.get("/exercises/handstand").status_code == 404
    response = onboarded.get("/api/exercises/handstand/demo")
    assert response.status_code == 404
    assert "known exercises" in response.json()["error"]
    assert onboarded.get("/api/sessions/999").status_code == 404
    assert onboarded.get("/api/sessions/abc").status_code == 404


def test_oversized_bodies_are_refused(onboarded: httpx.Client) -> None:
    big = b'{"camera": false, "pad": "' + b"x" * 100_000 + b'"}'
    response = onboarded.post("/api/sessions", content=big,
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    form = onboarded.post("/welcome", content=b"a=" + b"x" * 100_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413


def test_foreign_hosts_and_cross_site_posts_are_refused(
    client: httpx.Client, screen: Screen
) -> None:
    assert client.get("/today", headers={"Host": "evil.example"}).status_code == 403
    response = screen(client)  # same-origin form posts work
    assert response.status_code == 303
    forged = client.post("/settings/delete", data={"confirm": "DELETE"},
                         headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403
    assert client.get("/").headers["location"] == "/today"  # nothing was deleted


def test_demo_frames_come_from_the_body_model(client: httpx.Client) -> None:
    demo = client.get("/api/exercises/knee-to-chest/demo").json()
    assert len(demo["landmark_names"]) == 33
    frames = [f for f in demo["frames"] if f is not None]
    assert len(frames) > 50
    knee_y = [f[demo["landmark_names"].index("left_knee")][1] for f in frames]
    assert max(knee_y) - min(knee_y) > 0.1  # the knees really move


def test_export_and_delete_all_data(onboarded: httpx.Client) -> None:
    exported = onboarded.get("/settings/export.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.json()  # the journal export, with the screening just taken
    refused = onboarded.post("/settings/delete", data={"confirm": "nope"})
    assert refused.status_code == 422
    asked = onboarded.post("/settings/delete", data={"confirm": "DELETE"})
    assert asked.status_code == 200 and 'id="confirm-button"' in asked.text
    assert onboarded.get("/").headers["location"] == "/today"  # nothing deleted yet
    deleted = onboarded.post("/settings/delete", data={"confirmation": _code(asked)})
    assert deleted.status_code == 303
    again = onboarded.post("/settings/delete", data={"confirmation": _code(asked)})
    assert again.status_code == 409  # a confirmation is used once
    assert onboarded.get("/").headers["location"] == "/welcome"


def test_profiles_are_separate(onboarded: httpx.Client) -> None:
    response = onboarded.post("/settings/profile", data={"profile": "anna"})
    assert response.status_code == 303
    assert onboarded.get("/").headers["location"] == "/welcome"  # anna is new
    assert "<strong>anna</strong>" in onboarded.get("/settings").text
    bad = onboarded.post("/settings/profile", data={"profile": "../etc"})
    assert bad.status_code == 422
