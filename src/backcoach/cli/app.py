"""The ``backcoach`` command line: the Typer app, its global options and ``main()``.

Each command group lives in its own module; this file only wires them together. Global options
(``--data-dir``, ``--profile``) come before the command: ``backcoach --profile anna plan``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from backcoach.cli import analyze, exercises, journal, plan, reports, safety, serve, session, voice
from backcoach.cli.context import AppContext
from backcoach.cli.errors import UsageError, run_guarded
from backcoach.core.profiles import PROFILE_NAME_RULE, valid_profile_name

app = typer.Typer(
    name="backcoach",
    help=(
        "A local-first coach for gentle lower-back exercises. Start with `backcoach screen`, "
        "then `backcoach plan` and `backcoach session`. Information, not medical advice."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="BACKCOACH_DATA_DIR",
            help="Folder holding the journal (default: your user data folder).",
            file_okay=False,
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile", envvar="BACKCOACH_PROFILE", help="Whose journal to use (several people)."
        ),
    ] = "default",
    catalog_dir: Annotated[
        Path | None,
        typer.Option(
            "--catalog-dir",
            envvar="BACKCOACH_CATALOG_DIR",
            hidden=True,
            help="Load exercise files from this folder instead of the shipped catalog.",
        ),
    ] = None,
) -> None:
    if not valid_profile_name(profile):
        raise UsageError(f"--profile {profile!r}: {PROFILE_NAME_RULE}")
    app_ctx = AppContext(data_dir=data_dir, profile=profile, catalog_dir=catalog_dir)
    ctx.obj = app_ctx
    ctx.call_on_close(app_ctx.close)


# Command registration: one line per command (group). Keep this block the only place.
app.add_typer(exercises.exercises_app, name="exercises")
app.command("disclaimer")(safety.disclaimer)
app.command("screen")(safety.screen)
app.command("clear")(safety.clear)
app.command("plan")(plan.plan)
app.command("session")(session.session)
app.command("checkin")(journal.checkin)
app.command("history")(journal.history)
app.command("note")(journal.note)
app.command("sharp-pain")(journal.sharp_pain)
app.command("export")(journal.export)
app.command("import")(journal.import_)
app.command("forget")(journal.forget)
app.command("profiles")(journal.profiles)
app.command("analyze")(analyze.analyze)  # motion: `backcoach analyze`, owned by cli/analyze.py
app.command("serve")(serve.serve)  # web: `backcoach serve`, owned by cli/serve.py
app.command("report")(reports.report)  # reports: owned by cli/reports.py
app.command("remind")(reports.remind)
app.command("psfs")(reports.psfs)
app.command("listen")(voice.listen)  # voice: owned by cli/voice.py


def main() -> None:
    """Console-script entry point: run the app; errors become one line and exit code 1 or 2.

    Everything backcoach writes (the journal, exports, reports) is health data: files are
    created readable by their owner only (0600) and folders 0700.
    """
    os.umask(0o077)
    run_guarded(app)
