"""Which safety decisions stop exercise already under way: sessions, practice, camera coaching.

``core.safety.session_decision`` stays the one check; every web path that starts or continues
exercise calls it (``AppState.decision``). Starting a session needs ``decision.allowed``. Once a
session is under way, or on the practice pages, only decisions meaning exercise must not go on
interrupt it:

- ``red_flag`` (a positive screening no professional has cleared) always stops. Red flags win.
- ``sharp_pain_rest`` and ``sharp_pain_referral`` (sharp pain today, or repeatedly) stop too:
  sharp pain means rest, wherever it was reported.
- ``disclaimer_needed``, ``screening_needed`` and ``screening_expired`` do not interrupt: the
  session passed them when it started, and a screening expiring (or a new disclaimer text)
  halfway through a set is no reason to cut it off; they gate the next start.
- ``pain_rise_rescreen`` does not interrupt: recording a high pain score at the session's own
  first step raises it, and (as in the CLI) it means "answer the questions again before the
  next session", not "stop this one".
- ``see_professional`` is allowed (advice to show, not a stop).

Practice pages are open before onboarding (to look at an exercise and try the camera), so they too
refuse only for these stopping codes.
"""

from __future__ import annotations

from backcoach.core.safety import DecisionCode, SafetyDecision

#: Decision codes that end exercise already under way.
STOPPING_CODES: frozenset[DecisionCode] = frozenset(
    {"red_flag", "sharp_pain_rest", "sharp_pain_referral"}
)


def stops_exercise(decision: SafetyDecision) -> bool:
    """True when exercise under way must stop now (see the module docstring for why)."""
    return not decision.allowed and decision.code in STOPPING_CODES


def blocked_payload(decision: SafetyDecision) -> dict[str, object]:
    """The JSON body of a 409 answer: the reason and what to do about it."""
    return {
        "error": decision.message,
        "status": 409,
        "code": decision.code,
        "advice": list(decision.advice),
    }
