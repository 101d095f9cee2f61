"""The backcoach web app: ``create_app(settings)`` builds one ASGI application.

One entry point, no globals: everything the routes need hangs off ``app.state.backcoach``
(``web.state.AppState``), created here and opened in the lifespan, so tests can run several apps
side by side on their own data folders.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

from backcoach.core.catalog import load_catalog
from backcoach.core.habits import load_cards, load_habit_rules
from backcoach.core.plan import load_progression_rules
from backcoach.core.safety import load_disclaimer, load_screening
from backcoach.storage.errors import StorageError
from backcoach.web.clock import ScaledClock
from backcoach.web.csrf import CsrfMiddleware
from backcoach.web.errors import (
    http_exception_handler,
    server_error_handler,
    storage_error_handler,
)
from backcoach.web.guard import LocalOnlyMiddleware
from backcoach.web.pairing import PairingMiddleware
from backcoach.web.render import STATIC_DIR, make_templates
from backcoach.web.routes import (
    coaching,
    exercises,
    history,
    journal_entries,
    lan_page,
    learn,
    onboarding,
    psfs,
    reports,
    session,
    settings_page,
    today,
)
from backcoach.web.settings import WebSettings
from backcoach.web.state import AppState, JournalFactory, PoseFactory
from backcoach.web.voice_ws import voice_socket
from backcoach.web.ws import coach_socket
from backcoach.web.zone import ZoneMiddleware

if TYPE_CHECKING:
    from backcoach.storage import Journal


def _default_journal_factory(settings: WebSettings) -> JournalFactory:
    def open_journal() -> Journal:
        from backcoach.storage import Journal

        return Journal.open(settings.data_dir, settings.db_url)

    return open_journal


def _default_pose_factory(settings: WebSettings) -> PoseFactory | None:
    if settings.pose_backend == "none":
        return None
    if settings.pose_backend != "mediapipe":
        raise ValueError(f"unknown pose backend {settings.pose_backend!r}: use mediapipe or none")
    from backcoach.pose.mediapipe_backend import MediaPipePoseBackend

    return MediaPipePoseBackend


def _default_analyser_factory() -> Callable[..., Any]:
    from backcoach.core.motion.registry import create_analyser

    return create_analyser


def _routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for module in (
        today, onboarding, exercises, session, coaching, history, reports, psfs, settings_page,
        lan_page, learn, journal_entries,
    ):
        routes += module.ROUTES
    routes.append(WebSocketRoute("/ws/coach", coach_socket))
    routes.append(WebSocketRoute("/ws/voice", voice_socket))
    routes.append(Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"))
    return routes


def create_app(
    settings: WebSettings | None = None,
    journal_factory: JournalFactory | None = None,
    pose_factory: PoseFactory | None = None,
) -> Starlette:
    """Build the app. Data files are validated now, so a broken catalog fails at start-up."""
    settings = settings or WebSettings()
    state = AppState(
        settings=settings,
        catalog=load_catalog(settings.catalog_dir),
        screening=load_screening(),
        disclaimer=load_disclaimer(),
        rules=load_progression_rules(),
        clock=ScaledClock(settings.time_scale),
        journal_factory=journal_factory or _default_journal_factory(settings),
        pose_factory=pose_factory or _default_pose_factory(settings),
        analyser_factory=_default_analyser_factory(),
        habit_rules=load_habit_rules(),
        cards=load_cards(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    middleware = [Middleware(LocalOnlyMiddleware, extra_hosts=settings.allowed_hosts)]
    if settings.lan and settings.pairing_code:
        middleware.append(Middleware(PairingMiddleware, code=settings.pairing_code))
    middleware.append(Middleware(ZoneMiddleware))
    middleware.append(Middleware(CsrfMiddleware, max_body_bytes=settings.max_body_bytes))
    app = Starlette(
        routes=_routes(),
        middleware=middleware,
        exception_handlers={
            HTTPException: http_exception_handler,
            StorageError: storage_error_handler,
            500: server_error_handler,
        },
        lifespan=lifespan,
    )
    app.state.backcoach = state
    app.state.templates = make_templates()
    return app
