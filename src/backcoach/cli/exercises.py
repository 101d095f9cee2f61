"""``backcoach exercises``: list the catalog and show one exercise, as a table or as JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from backcoach.cli.context import get_context
from backcoach.cli.render import disclaimer_line, dose_text, print_exercise

exercises_app = typer.Typer(
    help="The exercise catalog: list every exercise, or show one with its steps.",
    invoke_without_command=True,
    no_args_is_help=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


@exercises_app.callback()
def list_exercises(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List every exercise in the catalog."""
    if ctx.invoked_subcommand is not None:
        return
    app_ctx = get_context(ctx)
    catalog = app_ctx.catalog()
    if as_json:
        _json([exercise.model_dump(mode="json") for exercise in catalog])
        return
    table = Table(title="Exercises")
    table.add_column("id", no_wrap=True)
    for column in ("name", "position", "sided", "starting dose"):
        table.add_column(column)
    for ex in catalog:
        table.add_row(
            ex.id, ex.name, ex.position, "both sides" if ex.sided else "no", dose_text(ex.start)
        )
    app_ctx.console.print(table)
    app_ctx.console.print("Show one with: backcoach exercises show ID")


@exercises_app.command("show")
def show_exercise(
    ctx: typer.Context,
    exercise_id: Annotated[
        str, typer.Argument(metavar="ID", help="Exercise id, e.g. knee-to-chest.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one exercise: steps, cues, common mistakes, precautions and doses."""
    app_ctx = get_context(ctx)
    exercise = app_ctx.catalog().get(exercise_id)
    if as_json:
        _json(exercise.model_dump(mode="json"))
        return
    print_exercise(app_ctx.console, exercise)
    app_ctx.console.print(disclaimer_line())
