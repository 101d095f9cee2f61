"""Motion analysis: landmarks → filtered signals → angles → per-exercise analysers → events.

Start with ``create_analyser(exercise)`` (live: feed ``update(frame)``) or
``analyse_frames(exercise, frames)`` (batch); both run the same code.
"""

from backcoach.core.motion.registry import NoAnalyserError, analyse_frames, create_analyser

__all__ = ["NoAnalyserError", "analyse_frames", "create_analyser"]
