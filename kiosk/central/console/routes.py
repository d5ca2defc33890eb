"""The console's routes under /console: each reads the request, checks the session and the
form's CSRF token, calls a service (accounts, overview, enrolment, imports, audit) and renders a
template. Every action is written to the audit log."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kiosk.central import enrolment
from kiosk.central.campaign import get_campaign
from kiosk.central.console import accounts, audit, fleet, i18n, overview, web
from kiosk.central.console.chart import hourly_svg
from kiosk.central.console.ratelimit import SignInLimiter
from kiosk.central.console.sessions import SignedIn, end_session, start_session
from kiosk.central.errors import CentralError, Malformed
from kiosk.central.imports import import_envelope
from kiosk.central.models import utcnow
from kiosk.central.status import describe_ranges
from kiosk.central.write_queue import WriteQueue, run_write
from kiosk.crypto.tls_pin import link_pin
from kiosk.protocol.batch import MAX_ENVELOPE_BYTES
from kiosk.protocol.enrolment_link import EnrolmentLink

log = logging.getLogger("kiosk.central.console")

MAX_FILES = 50
POLL_MS = 10_000  # how often the Now page asks for new figures
MESSAGES = {
    "revoked": "Kiosk revoked.",
    "renamed": "Kiosk renamed.",
    "cancelled": "Enrolment code cancelled.",
    "idle": "You were signed out after 30 minutes without activity: sign in again.",
}
EXPIRED = "The form has expired: please submit it again."
SPANS = {"24h": "Last 24 hours", "7d": "Last 7 days", "all": "Whole campaign"}


class EventTotal(BaseModel):
    event: str
    signatures: int


class KioskReport(BaseModel):
    device_id: str
    label: str
    event: str = Field(description="the kiosk's current event (its heartbeat's, else enrolment's)")
    signatures: int
    batches: int
    needs: list[str] = Field(
        description="why it needs a volunteer: silent, battery, disk, clock, appeal, gap, "
        "broken, nothing; empty when it does not"
    )
    seen_minutes_ago: int | None = Field(description="since its last heartbeat or batch")
    pending_signatures: int | None
    unacknowledged_batches: int | None
    battery_percent: int | None
    charging: bool | None
    disk_free_bytes: int | None
    clock_offset_seconds: int | None = Field(description="its clock minus the server's")
    revoked: bool


class KiosksAnswer(BaseModel):
    kiosks: list[KioskReport] = Field(description="those that need a volunteer first")
    html: str = Field(description="the page's kiosk tables, drawn and escaped by the server")


class NowAnswer(BaseModel):
    campaign: int = Field(description="signatures received for the campaign, from every kiosk")
    today: int = Field(description="signatures collected since 00:00 UTC, by their hour")
    per_event: list[EventTotal]
    span: str = Field(description="24h, 7d or all")
    chart_svg: str = Field(description="the signatures-per-hour chart, as inline SVG")


def console_router(
    engine: Engine,
    *,
    writes: WriteQueue | None = None,
    tls_pin: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> APIRouter:
    router = APIRouter(prefix=web.PREFIX)
    limiter = SignInLimiter()

    async def write(fn: Any) -> Any:
        return await run_write(writes, fn)

    async def note(who: SignedIn, action: str, target: str | None = None) -> None:
        await write(lambda: audit.record(engine, who.account, action, target))

    async def session_or_redirect(request: Request) -> SignedIn | Response:
        who = await web.signed_in(request, engine)
        if who is not None:
            return who
        stale = web.SESSION_COOKIE in request.cookies
        response = web.redirect(f"{web.PREFIX}/sign-in" + ("?msg=idle" if stale else ""))
        response.delete_cookie(web.SESSION_COOKIE, path=web.PREFIX)
        return response

    async def checked_form(request: Request, **limits: int) -> tuple[SignedIn, Any] | Response:
        """The session and the posted form, or a refusal: no session, or no matching token."""
        who = await web.signed_in(request, engine)
        form = await request.form(**limits)
        if who is None or not web.csrf_ok(who.csrf_token, form):
            await form.close()
            _ = web.translator(request)
            return web.render(
                request,
                "error.html",
                None,
                403,
                message=_(EXPIRED),
            )
        return who, form

    @router.get("", include_in_schema=False)
    @router.get("/", include_in_schema=False)
    async def home() -> Response:
        return web.redirect(f"{web.PREFIX}/now")

    @router.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in web.STATIC:
            return web.secure(Response(status_code=404))
        response = Response(web.static_file(name), media_type=web.STATIC[name])
        web.secure(response)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @router.get("/language", include_in_schema=False)
    async def switch_language(request: Request, to: str = "en", back: str = "") -> Response:
        target = back if back.startswith(web.PREFIX + "/") and "//" not in back else web.PREFIX
        response = web.redirect(target)
        if to in i18n.LANGUAGES:
            web.set_cookie(request, response, web.LANGUAGE_COOKIE, to, max_age=365 * 86400)
        return response

    # --- signing in and out ---------------------------------------------------------------

    def sign_in_page(request: Request, status: int = 200, message: str = "") -> Response:
        token = web.new_form_token()
        notice = MESSAGES.get(request.query_params.get("msg", ""), "")
        response = web.render(
            request,
            "sign_in.html",
            None,
            status,
            csrf=token,
            error=message,
            notice=web.translator(request)(notice) if notice and not message else "",
        )
        web.set_cookie(request, response, web.SIGN_IN_COOKIE, token)
        return response

    @router.get("/sign-in", include_in_schema=False)
    async def sign_in_form(request: Request) -> Response:
        return sign_in_page(request)

    @router.post("/sign-in", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        _ = web.translator(request)
        form = await request.form(max_fields=5, max_files=0)
        if not web.csrf_ok(request.cookies.get(web.SIGN_IN_COOKIE, ""), form):
            return sign_in_page(request, 403, _(EXPIRED))
        credential = str(form.get("credential", ""))[:200]
        address = request.client.host if request.client else "unknown"
        keys = (f"address {address}", accounts.account_key(credential))
        wait = limiter.retry_after(*keys)
        if wait:
            message = _(
                "Too many failed sign-ins: try again in {minutes} min.",
                minutes=math.ceil(wait / 60),
            )
            response = sign_in_page(request, 429, message)
            response.headers["Retry-After"] = str(wait)
            return response
        account = await run_in_threadpool(accounts.check_credential, engine, credential)
        if account is None:
            limiter.failed(*keys)
            log.info("console: a sign-in was refused")
            return sign_in_page(
                request, 401, _("This credential is not valid: check it and try again.")
            )
        token = await write(lambda: start_session(engine, account))
        await write(lambda: audit.record(engine, account, "sign-in"))
        response = web.redirect(f"{web.PREFIX}/now")
        web.set_cookie(request, response, web.SESSION_COOKIE, token)
        response.delete_cookie(web.SIGN_IN_COOKIE, path=web.PREFIX)
        return response

    @router.post("/sign-out", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, _form = checked
        token = request.cookies.get(web.SESSION_COOKIE, "")
        await write(lambda: end_session(engine, token))
        await note(who, "sign-out")
        response = web.redirect(f"{web.PREFIX}/sign-in")
        response.delete_cookie(web.SESSION_COOKIE, path=web.PREFIX)
        return response

    # --- now ---------------------------------------------------------------------------------

    async def now_answer(request: Request, span: str) -> NowAnswer:
        _ = web.translator(request)
        span = span if span in SPANS else "24h"
        totals = await run_in_threadpool(overview.totals, engine)
        hours = await run_in_threadpool(overview.per_hour, engine, span)
        total = sum(n for _h, n in hours)
        peak = max((n for _h, n in hours), default=0)
        summary = f"{_(SPANS[span])}: " + _(
            "{total} signatures, at most {peak} in one hour", total=total, peak=peak
        )
        return NowAnswer(
            campaign=totals.campaign,
            today=totals.today,
            per_event=[EventTotal(event=e, signatures=n) for e, n in totals.per_event],
            span=span,
            chart_svg=hourly_svg(hours, summary),
        )

    @router.get("/now", include_in_schema=False)
    async def now_page(request: Request, span: str = "24h") -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        answer = await now_answer(request, span)
        return web.render(request, "now.html", who, now=answer, spans=SPANS, poll_ms=POLL_MS)

    @router.get(
        "/api/now",
        response_model=NowAnswer,
        tags=["console"],
        responses={401: {"description": "not signed in to the console"}},
    )
    async def now_json(request: Request, span: str = "24h") -> Response:
        """The console's Now page as data, polled by its script: the campaign's counts and the
        signatures-per-hour chart. Needs a console session cookie."""
        who = await web.signed_in(request, engine)
        if who is None:
            return web.secure(JSONResponse({"detail": "sign in to the console"}, status_code=401))
        answer = await now_answer(request, span)
        return web.secure(JSONResponse(answer.model_dump()))

    # --- kiosks ------------------------------------------------------------------------------

    async def kiosk_tables(request: Request, who: SignedIn) -> tuple[list[Any], dict[str, Any]]:
        now = clock()
        rows = await run_in_threadpool(overview.kiosk_rows, engine, now)
        lang = web.language(request)
        context = {
            "rows": rows,
            "signed_in": who,
            "hour": audit.hour_of,
            "describe": describe_ranges,
            "ago": lambda t: int((now - t).total_seconds() // 60),
            "size": lambda n: fleet.format_size(n, lang),
        }
        return rows, context

    @router.get("/kiosks", include_in_schema=False)
    async def kiosks_page(request: Request, msg: str = "") -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        _rows, context = await kiosk_tables(request, who)
        notice = web.translator(request)(MESSAGES[msg]) if msg in MESSAGES else ""
        del context["signed_in"]
        return web.render(request, "kiosks.html", who, notice=notice, poll_ms=POLL_MS, **context)

    @router.get(
        "/api/kiosks",
        response_model=KiosksAnswer,
        tags=["console"],
        responses={401: {"description": "not signed in to the console"}},
    )
    async def kiosks_json(request: Request) -> Response:
        """The console's Kiosks page as data, polled by its script: every kiosk's delivery,
        latest heartbeat and what it needs. Needs a console session cookie."""
        who = await web.signed_in(request, engine)
        if who is None:
            return web.secure(JSONResponse({"detail": "sign in to the console"}, status_code=401))
        rows, context = await kiosk_tables(request, who)
        now = clock()
        answer = KiosksAnswer(
            kiosks=[_kiosk_state(row, now) for row in rows],
            html=web.render_text(request, "kiosk_tables.html", **context),
        )
        return web.secure(JSONResponse(answer.model_dump()))

    @router.get("/kiosks/{device_id}/revoke", include_in_schema=False)
    async def revoke_confirm(request: Request, device_id: str) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        try:
            event = await run_in_threadpool(overview.device_event, engine, device_id)
        except CentralError as exc:
            return web.render(request, "error.html", who, 404, message=str(exc))
        return web.render(request, "revoke.html", who, device_id=device_id, event=event)

    @router.post("/kiosks/{device_id}/revoke", include_in_schema=False)
    async def revoke(request: Request, device_id: str) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, _form = checked
        try:
            await write(lambda: enrolment.revoke(engine, device_id))
        except CentralError as exc:
            return web.render(request, "error.html", who, 404, message=str(exc))
        await note(who, "revoke", device_id)
        return web.redirect(f"{web.PREFIX}/kiosks?msg=revoked")

    @router.post("/kiosks/{device_id}/label", include_in_schema=False)
    async def rename(request: Request, device_id: str) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        label = str(form.get("label", ""))
        try:
            await write(lambda: overview.set_label(engine, device_id, label))
        except CentralError as exc:
            return web.render(request, "error.html", who, 422, message=str(exc))
        await note(who, "rename", device_id)
        return web.redirect(f"{web.PREFIX}/kiosks?msg=renamed")

    # --- enrol -------------------------------------------------------------------------------

    async def enrol_page(
        request: Request, who: SignedIn, status: int = 200, **context: Any
    ) -> Response:
        codes = await run_in_threadpool(overview.open_codes, engine)
        msg = request.query_params.get("msg", "")
        notice = web.translator(request)(MESSAGES[msg]) if msg in MESSAGES else ""
        context.setdefault("server_url", str(request.base_url).rstrip("/"))
        return web.render(
            request,
            "enrol.html",
            who,
            status,
            codes=codes,
            notice=notice,
            hours_left=_hours_left,
            **context,
        )

    @router.get("/enrol", include_in_schema=False)
    async def enrol_form(request: Request) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        return await enrol_page(request, who)

    @router.post("/enrol", include_in_schema=False)
    async def enrol_create(request: Request) -> Response:
        checked = await checked_form(request, max_fields=8, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        event = str(form.get("event", ""))
        server_url = str(form.get("server_url", "")).strip().rstrip("/")
        hours = str(form.get("hours", "24")).strip()
        try:
            valid_for = timedelta(hours=int(hours) if hours.isdigit() else 0)
            if not server_url.startswith(("https://", "http://")):
                raise Malformed(
                    "the server address starts with https:// (or http:// on this machine)"
                )
            issued = await write(lambda: enrolment.issue_code(engine, event, valid_for))
        except CentralError as exc:
            return await enrol_page(
                request, who, 422, error=str(exc), event=event, server_url=server_url
            )
        fingerprint = (await run_in_threadpool(get_campaign, engine)).key_fingerprint
        pin = link_pin(tls_pin) if tls_pin else None
        link = EnrolmentLink(server_url, issued.code, fingerprint, pin).to_text()
        qr = segno.make(link, error="m").svg_inline(scale=6, border=4, dark="#000", light="#fff")
        await note(who, "enrol", issued.event)
        return await enrol_page(
            request,
            who,
            created=issued,
            link=link,
            qr=qr,
            server_url=server_url,
        )

    @router.post("/enrol/{code_id}/cancel", include_in_schema=False)
    async def cancel_code(request: Request, code_id: int) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, _form = checked
        try:
            event = await write(lambda: overview.cancel_code(engine, code_id))
        except CentralError as exc:
            return web.render(request, "error.html", who, 404, message=str(exc))
        await note(who, "cancel-code", event)
        return web.redirect(f"{web.PREFIX}/enrol?msg=cancelled")

    # --- import ------------------------------------------------------------------------------

    @router.get("/import", include_in_schema=False)
    async def import_form(request: Request) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        return web.render(request, "import.html", who, results=None)

    @router.post("/import", include_in_schema=False)
    async def import_files(request: Request) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=MAX_FILES)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        try:
            return await import_uploads(request, who, form)
        finally:
            await form.close()

    async def import_uploads(request: Request, who: SignedIn, form: Any) -> Response:
        _ = web.translator(request)
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not uploads:
            return web.render(
                request, "import.html", who, 422, results=None, error=_("Choose at least one file.")
            )
        results = []
        for upload in uploads:
            name = (upload.filename or "")[-200:]
            data = await upload.read(MAX_ENVELOPE_BYTES + 1)
            try:
                if len(data) > MAX_ENVELOPE_BYTES:
                    raise Malformed(f"the file is over the limit of {MAX_ENVELOPE_BYTES} bytes")
                done = await write(lambda d=data: import_envelope(engine, d))
            except CentralError as exc:
                results.append((name, False, _("not imported: {reason}", reason=str(exc))))
                continue
            text = (
                _("imported: {count} signatures", count=done.new_records)
                if done.created
                else _("already stored")
            )
            results.append((name, True, text))
        await note(who, "import", f"{len(uploads)} files")
        return web.render(request, "import.html", who, results=results)

    # --- audit -------------------------------------------------------------------------------

    @router.get("/audit", include_in_schema=False)
    async def audit_page(request: Request) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        entries = await run_in_threadpool(audit.newest, engine)
        return web.render(request, "audit.html", who, entries=entries)

    return router


def _kiosk_state(row: overview.KioskRow, now: datetime) -> KioskReport:
    d, b = row.status, row.beat
    return KioskReport(
        device_id=d.device_id,
        label=row.label,
        event=b.event if b and b.event else d.event,
        signatures=d.signatures,
        batches=d.batches,
        needs=list(row.problems),
        seen_minutes_ago=None
        if row.last_seen is None
        else int((now - row.last_seen).total_seconds() // 60),
        pending_signatures=b.pending_signatures if b else None,
        unacknowledged_batches=b.unacknowledged_batches if b else None,
        battery_percent=b.battery_percent if b else None,
        charging=b.charging if b else None,
        disk_free_bytes=b.disk_free_bytes if b else None,
        clock_offset_seconds=b.clock_offset_seconds if b else None,
        revoked=d.revoked,
    )


def _hours_left(expires_at: Any) -> int:
    return int((expires_at - utcnow()).total_seconds() // 3600)
