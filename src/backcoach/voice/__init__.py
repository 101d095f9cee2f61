"""Offline voice commands: audio in, heard phrases out (``docs/contracts.md``).

``recogniser`` is the small interface; ``sphinx`` the one backend (pocketsphinx keyword
spotting, thresholds from ``data/voice.toml``); ``audio`` reads WAV files; ``listen`` is the
use case shared by the CLI and the web app; ``microphone`` captures from the default input.
What a heard phrase may do to a session is decided in ``core.voice_commands``.
"""
