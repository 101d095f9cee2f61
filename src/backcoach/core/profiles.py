"""Profile names: the one rule shared by the command line and the web app.

A profile name ends up in cookies, file names of exports and command lines, so it is kept to a
plain set of characters: no spaces, no slashes, nothing that could climb out of a folder
(``../../etc``).
"""

from __future__ import annotations

import re

PROFILE_NAME_MAX_CHARS = 64
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # 64 characters at most

#: What a valid name looks like, in words a person can act on.
PROFILE_NAME_RULE = (
    f"A profile name has 1 to {PROFILE_NAME_MAX_CHARS} letters, digits, '-', '_' or '.', "
    "starting with a letter or digit."
)


class ProfileNameError(ValueError):
    """A profile name breaks the rule in ``PROFILE_NAME_RULE``."""


def valid_profile_name(name: str) -> bool:
    """True when ``name`` follows the profile name rule."""
    return isinstance(name, str) and _PROFILE_NAME.fullmatch(name) is not None


def check_profile_name(name: str) -> str:
    """Return ``name`` unchanged, or raise ``ProfileNameError`` saying what is allowed."""
    if not valid_profile_name(name):
        raise ProfileNameError(f"{name!r} is not a valid profile name. {PROFILE_NAME_RULE}")
    return name
