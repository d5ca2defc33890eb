"""How console pages are answered: the templates, the security headers every response carries,
the language, and the session and CSRF checks the routes share."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from importlib.resources import files
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kiosk.central.console import i18n
from kiosk.central.console.sessions import SignedIn, current_session

SESSION_COOKIE = "kiosk_console"
SIGN_IN_COOKIE = "kiosk_console_form"  # the sign-in form's double-submit token
LANGUAGE_COOKIE = "kiosk_console_lang"
PREFIX = "/console"
R = TypeVar("R", bound=Response)

SECURITY_HEADERS = {
    # No inline script, no other origin: the page's only script is /console/static/console.js.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

STATIC = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "kiosks.js": "text/javascript; charset=utf-8",
}

_templates = Environment(
    loader=PackageLoader("kiosk.central.console", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def static_file(name: str) -> bytes:
    return files("kiosk.central.console").joinpath("static", name).read_bytes()


def language(request: Request) -> str:
    return i18n.negotiate(
        request.headers.get("accept-language", ""), request.cookies.get(LANGUAGE_COOKIE)
    )


def translator(request: Request) -> Callable[..., str]:
    return i18n.translator(language(request))


def plural(request: Request) -> Callable[..., str]:
    """ngettext in the request's language: `_n(one, other, count, **values)`."""
    return i18n.plural(language(request))


def said(request: Request, error: BaseException) -> str:
    """A refusal in the request's language (a core one by its template: i18n.said_in)."""
    return i18n.said_in(language(request), error)


def render_text(request: Request, template: str, **context: Any) -> str:
    """A template (or a page's fragment) as text, in the request's language."""
    lang = language(request)
    return _templates.get_template(template).render(
        _=i18n.translator(lang), _n=i18n.plural(lang), lang=lang, here=request.url.path, **context
    )


def render(
    request: Request,
    template: str,
    signed_in: SignedIn | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    html = _templates.get_template(template).render(
        _=i18n.translator(lang),
        _n=i18n.plural(lang),
        lang=lang,
        languages=i18n.LANGUAGE_NAMES,
        here=request.url.path,
        signed_in=signed_in,
        **context,
    )
    return secure(HTMLResponse(html, status_code=status_code))


def secure(response: R) -> R:
    response.headers.update(SECURITY_HEADERS)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def redirect(path: str) -> RedirectResponse:
    response = RedirectResponse(path, status_code=303)
    secure(response)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        **kw,
    )


async def signed_in(request: Request, engine: Engine) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    return await run_in_threadpool(current_session, engine, token) if token else None


def csrf_ok(expected: str, form: Any) -> bool:
    sent = form.get("csrf")
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent, expected)


def new_form_token() -> str:
    return secrets.token_urlsafe(32)
