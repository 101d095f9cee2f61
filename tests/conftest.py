"""Suite-wide test settings.

Property tests run derandomized by default, so a CI run is repeatable: the same examples every
time, no deadline flakiness on a loaded 2-core machine. Set ``HYPOTHESIS_PROFILE=explore`` to
search fresh random examples (more of them) while developing.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
