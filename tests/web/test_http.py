"""The pages and the JSON API over real HTTP: bad input gets a clear 4xx, never a 500."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

Screen = Callable[..., httpx.Response]

PAGES = ["/welcome", "/today", "/exercises", "/exercises/knee-to-chest",
         "/exercises/neck-flexion/practice", "/session",
         "/history", "/function", "/settings", "/sharp-pain", "/learn", "/lan"]  # fmt: skip


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
    assert (response.status_code, response.headers["location"]) == (303, "/welcome/result")
    result = client.get("/welcome/result")  # post/redirect/get: a reload re-submits nothing
    assert 'id="emergency-advice"' in result.text
    assert 'href="tel:112"' in result.text and "call your local emergency number" in (
        result.text.lower())
    assert result.text.index("emergency-advice") < result.text.index("red-flag-advice")
    refused = client.post("/api/sessions", json={})
    assert refused.status_code == 409
    assert "cannot start" in refused.json()["error"]
    assert refused.json()["advice"]
    assert 'id="start-session"' not in client.get("/today").text
    assert 'id="start-button"' not in client.get("/session").text
    fields = {"by": "Dr Lee, GP", "on": date.today().isoformat(), "said": "Exercise is fine"}
    assert client.post("/welcome/cleared", data={"note": "GP checked me"}).status_code == 422
    checked = client.post("/welcome/cleared", data=fields)
    assert checked.status_code == 200 and 'id="confirm-clearance"' in checked.text
    assert client.post("/api/sessions", json={}).status_code == 409  # nothing stored yet
    unconfirmed = client.post("/welcome/cleared/confirm", data=fields)
    assert unconfirmed.status_code == 422
    cleared = client.post("/welcome/cleared/confirm", data={**fields, "confirm": "yes"})
    assert cleared.status_code == 303
    assert client.post("/api/sessions", json={}).status_code == 201


def test_a_clearance_needs_who_when_and_what(client: httpx.Client, screen: Screen) -> None:
    screen(client, red_flag="bladder_bowel")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for fields, words in [
        ({"by": "", "on": date.today().isoformat(), "said": "Fine to go"}, "who checked you"),
        ({"by": "Dr Lee", "on": "", "said": "Fine to go"}, "the day you saw them"),
        ({"by": "Dr Lee", "on": tomorrow, "said": "Fine to go"}, "future"),
        ({"by": "Dr Lee", "on": "2001-01-01", "said": "Fine to go"}, "on or after"),
        ({"by": "Dr Lee", "on": date.today().isoformat(), "said": ""}, "what they said"),
    ]:
        response = client.post("/welcome/cleared", data=fields)
        assert response.status_code == 422, fields
        assert words in response.text, fields


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
    response = onboarded.get("/exercises/handstand", headers={"Accept": "application/json"})
    assert response.status_code == 404
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


def test_exercise_pages_offer_only_the_demonstration_files_that_exist(
    client: httpx.Client,
) -> None:
    from backcoach.core.catalog import load_catalog
    from backcoach.web.demos import demo_assets

    for exercise in load_catalog():
        page = client.get(f"/exercises/{exercise.id}").text
        assert "demo-canvas" not in page and "demo.js" not in page  # no stick figure
        assert exercise.camera_placement in page
        assets = demo_assets(exercise)
        for url in [v[0] for v in assets.videos] + [assets.still, assets.placement]:
            if url is not None:
                assert client.get(url).status_code == 200, url
        if not assets.videos and assets.still is None:
            assert "follow the steps below" in page


def test_demo_assets_list_the_files_present(tmp_path: Path) -> None:
    from backcoach.core.catalog import load_catalog
    from backcoach.web.demos import demo_assets

    knee = load_catalog().get("knee-to-chest")
    assert demo_assets(knee, tmp_path).to_dict() == {
        "exercise_id": "knee-to-chest", "videos": [], "still": None, "placement": None,
    }  # fmt: skip
    (tmp_path / "knee-to-chest.mp4").write_bytes(b"x")
    (tmp_path / "knee-to-chest.webm").write_bytes(b"x")
    (tmp_path / "knee-to-chest-placement.png").write_bytes(b"x")
    (tmp_path / "knee-to-chest.png").write_bytes(b"")  # empty: not offered
    assets = demo_assets(knee, tmp_path)
    assert [kind for _, kind in assets.videos] == ["video/webm", "video/mp4"]
    assert (assets.still, assets.placement) == (None, "/static/demos/knee-to-chest-placement.png")


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
    assert onboarded.post("/settings/profile", data={"profile": "anna"}).status_code == 404
    response = onboarded.post("/settings/profile", data={"new": "anna"})
    assert response.status_code == 303
    assert onboarded.get("/").headers["location"] == "/welcome"  # anna is new
    assert '<strong id="current-profile">anna</strong>' in onboarded.get("/settings").text
    bad = onboarded.post("/settings/profile", data={"new": "../etc"})
    assert bad.status_code == 422
    assert onboarded.post("/settings/profile", data={"new": "anna"}).status_code == 409
    assert onboarded.post("/settings/profile", data={"profile": "default"}).status_code == 303
    assert onboarded.get("/").headers["location"] == "/today"


def test_rename_keeps_the_history_and_explains_bad_names(onboarded: httpx.Client) -> None:
    onboarded.post("/notes", data={"text": "stiff after driving"})
    spaced = onboarded.post("/settings/rename", data={"name": "Anna Smith"})
    assert spaced.status_code == 422
    assert "letters, digits" in spaced.text and "Anna Smith" in spaced.text
    renamed = onboarded.post("/settings/rename", data={"name": "anna_smith"})
    assert (renamed.status_code, renamed.headers["location"]) == (303, "/settings?renamed=1")
    page = onboarded.get("/settings?renamed=1").text
    assert '<strong id="current-profile">anna_smith</strong>' in page and "renamed" in page
    assert onboarded.get("/").headers["location"] == "/today"  # onboarding kept
    assert "stiff after driving" in onboarded.get("/notes").text
    assert 'value="default"' not in page  # no empty profile left behind
