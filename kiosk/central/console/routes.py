"""The console's routes under /console: each reads the request, checks the session and the
form's CSRF token, calls a service (accounts, overview, enrolment, imports, audit) and renders a
template. Every action is written to the audit log."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kiosk.central import enrolment, events, review, stopping
from kiosk.central.console import accounts, audit, counts, fleet, i18n, overview, web
from kiosk.central.console.chart import Goal, hourly_svg
from kiosk.central.console.lifecycle import Shared, add_lifecycle_routes
from kiosk.central.console.ratelimit import SignInLimiter
from kiosk.central.console.sessions import SignedIn, end_session, start_session
from kiosk.central.counting import DEVICE, EVENT
from kiosk.central.errors import CentralError, Malformed, words
from kiosk.central.imports import import_envelope
from kiosk.central.models import utcnow
from kiosk.central.retention import report as retention_report
from kiosk.central.status import describe_ranges
from kiosk.central.write_queue import WriteQueue, run_write
from kiosk.crypto.tls_pin import link_pin
from kiosk.protocol.batch import MAX_ENVELOPE_BYTES

log = logging.getLogger("kiosk.central.console")

MAX_FILES = 50
POLL_MS = 2_000  # how often an open Now page's stream looks for new figures
STREAM_S = 30 * 60  # a stream's longest life: the browser opens another
SESSION_CHECK_S = 60  # how often a stream checks its session is still there
KEEP_ALIVE_S = 25
UPDATE_GAP_S = 10.0  # a page gets new figures at most this often
MESSAGES = {
    "revoked": "Kiosk revoked.",
    "renamed": "Kiosk renamed.",
    "cancelled": "Enrolment code cancelled.",
    "event-created": "Event created.",
    "event-renamed": "Event renamed. Its kiosks keep sending the old name; it still counts here.",
    "goal-set": "Goal saved.",
    "idle": "You were signed out after 30 minutes without activity: sign in again.",
}
EXPIRED = "The form has expired: please submit it again."
SUMMARY = (  # a chart's, for its total of signatures
    "{count} signature, at most {peak} in one hour",
    "{count} signatures, at most {peak} in one hour",
)
IMPORTED = ("imported: {count} signature", "imported: {count} signatures")
SPANS = {"24h": "Last 24 hours", "7d": "Last 7 days", "all": "Whole campaign"}


class EventTotal(BaseModel):
    event: str
    signatures: int
    today: int = Field(description="signatures since 00:00 UTC, by their hour")
    goal: int | None = Field(description="the event's goal, if it has one")


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
    goal: int | None = Field(description="the campaign's goal (Events page, else the appeal's)")
    per_event: list[EventTotal]
    span: str = Field(description="24h, 7d or all")
    show: str = Field(description='the chart\'s subject: "" (campaign), "event:NAME", "kiosk:ID"')
    chart_svg: str = Field(description="the signatures-per-hour chart, as inline SVG")
    next_deletion: str | None = Field(
        default=None, description="the day (UTC) retention next deletes ciphertext, if any"
    )


class FileResult(BaseModel):
    file: str = Field(description="the file's name as uploaded")
    ok: bool = Field(description="stored now or before; false: refused")
    result: str = Field(description="what happened, in the page's language")


class ImportAnswer(BaseModel):
    results: list[FileResult]


def console_router(
    engine: Engine,
    *,
    writes: WriteQueue | None = None,
    tls_pin: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> APIRouter:
    router = APIRouter(prefix=web.PREFIX)
    limiter = SignInLimiter()
    answers = Recent(64)  # the Now page's JSON answers, by their ETag
    changes = Changes(engine)
    computing = asyncio.Lock()  # one computation of an answer, however many streams want it

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

    def now_figures(
        span: str, show: str
    ) -> tuple[counts.Totals, counts.Chart, int | None, datetime | None]:
        chart = counts.chart(engine, span, show)
        goal = chart.goal if chart.kind == "campaign" else events.campaign_goal(engine)
        return counts.totals(engine), chart, goal, retention_report(engine).next_deletion

    async def now_answer(request: Request, span: str, show: str = "") -> NowAnswer:
        _ = web.translator(request)
        span = span if span in SPANS else "24h"
        totals, chart, goal, next_deletion = await run_in_threadpool(now_figures, span, show[:250])
        bars = chart.hours.bars
        total = sum(n for _h, n in bars)
        peak = max((n for _h, n in bars), default=0)
        subject = {
            "campaign": _("Whole campaign"),
            "event": _("Event {event}", event=chart.name),
            "kiosk": _("Kiosk {kiosk}", kiosk=chart.name),
        }[chart.kind]
        summary = f"{subject}, {_(SPANS[span])}: " + web.plural(request)(*SUMMARY, total, peak=peak)
        line = None
        if chart.goal is not None:
            reached = chart.hours.before + total
            summary += ". " + _("{reached} of the goal of {goal}", reached=reached, goal=chart.goal)
            label = _("Goal {goal}", goal=chart.goal)
            line = Goal(chart.goal, chart.hours.before, label)
        return NowAnswer(
            campaign=totals.campaign,
            today=totals.today,
            goal=goal,
            per_event=[
                EventTotal(event=e.name, signatures=e.total, today=e.today, goal=e.goal)
                for e in totals.per_event
            ],
            span=span,
            show=chart.show,
            chart_svg=hourly_svg(bars, summary, line),
            next_deletion=f"{next_deletion:%Y-%m-%d}" if next_deletion else None,
        )

    @router.get("/now", include_in_schema=False)
    async def now_page(request: Request, span: str = "24h", show: str = "") -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        answer = await now_answer(request, span, show)
        kiosks = await run_in_threadpool(counts.kiosk_choices, engine)
        return web.render(
            request,
            "now.html",
            who,
            now=answer,
            spans=SPANS,
            kiosks=kiosks,
            query=urlencode,
        )

    @router.get(
        "/api/now",
        response_model=NowAnswer,
        tags=["console"],
        responses={
            304: {"description": "nothing changed since the answer with this ETag"},
            401: {"description": "not signed in to the console"},
        },
    )
    async def now_json(request: Request, span: str = "24h", show: str = "") -> Response:
        """The console's Now page as data, polled by its script: the campaign's counts, per
        event, and the signatures-per-hour chart of the campaign, an event (`show=event:NAME`)
        or a kiosk (`show=kiosk:DEVICE_ID`), with the goal line. Needs a console session
        cookie."""
        who = await web.signed_in(request, engine)
        if who is None:
            return web.secure(JSONResponse({"detail": "sign in to the console"}, status_code=401))
        # The figures are computed once per change of what they depend on (counts.version),
        # and a page that has them already gets a 304.
        version = await run_in_threadpool(counts.version, engine)
        etag = now_etag(request, span, show, version)
        if request.headers.get("if-none-match") == etag:
            return web.secure(Response(status_code=304, headers={"ETag": etag}))
        body = await cached_answer(request, span, show, etag)
        return web.secure(Response(body, media_type="application/json", headers={"ETag": etag}))

    def now_etag(request: Request, span: str, show: str, version: str) -> str:
        key = f"{version} {web.language(request)} {span} {show[:250]}"
        return '"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'

    async def cached_answer(request: Request, span: str, show: str, etag: str) -> bytes:
        async with computing:
            body = answers.get(etag)
            if body is None:
                body = (await now_answer(request, span, show)).model_dump_json().encode("utf-8")
                answers.put(etag, body)
            return body

    @router.get(
        "/api/now/stream",
        tags=["console"],
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/event-stream": {}},
                "description": "server-sent events: `now` with the /console/api/now answer "
                "each time it changes (the first at once), `signed-out` when the session ends",
            },
            401: {"description": "not signed in to the console"},
        },
    )
    async def now_stream(request: Request, span: str = "24h", show: str = "") -> Response:
        """The Now page's live figures as server-sent events: the open page holds this one
        request, and the server looks for a change every few seconds (one query shared by
        every open page), sending the new answer only when there is one. Needs a console
        session cookie; the stream ends when the session does, and after 30 minutes (the
        browser's EventSource opens it again)."""
        if await web.signed_in(request, engine) is None:
            return web.secure(JSONResponse({"detail": "sign in to the console"}, status_code=401))
        response = StreamingResponse(
            stopping.ends(now_events(request, span, show)), media_type="text/event-stream"
        )
        response.headers["X-Accel-Buffering"] = "no"  # a reverse proxy passes each event on
        return web.secure(response)

    async def now_events(request: Request, span: str, show: str) -> AsyncGenerator[bytes, None]:
        # Starlette ends this generator when the browser leaves (it listens for the disconnect),
        # stopping.ends when the server stops.
        started = checked = time.monotonic()
        sent: str | None = None
        while time.monotonic() - started < STREAM_S:
            version = await changes.after(sent, KEEP_ALIVE_S)
            if time.monotonic() - checked > SESSION_CHECK_S:
                checked = time.monotonic()
                if await web.signed_in(request, engine) is None:
                    yield b"event: signed-out\ndata: {}\n\n"
                    return
            if version == sent:
                yield b": nothing new\n\n"  # a comment: keeps proxies from closing the stream
                continue
            etag = now_etag(request, span, show, version)
            yield b"event: now\ndata: " + await cached_answer(request, span, show, etag) + b"\n\n"
            sent = version
            # At most one update per page every UPDATE_GAP_S, however fast batches arrive.
            await asyncio.sleep(UPDATE_GAP_S)

    # --- kiosks ------------------------------------------------------------------------------

    async def kiosk_tables(request: Request, who: SignedIn) -> tuple[list[Any], dict[str, Any]]:
        now = clock()
        rows = await run_in_threadpool(overview.kiosk_rows, engine, now)
        modes = await run_in_threadpool(review.in_test_mode, engine)
        lang = web.language(request)
        context = {
            "rows": rows,
            "test_devices": {m.name for m in modes if m.kind == DEVICE},
            "signed_in": who,
            "hour": audit.hour_of,
            "describe": describe_ranges,
            "ago": _minutes_ago(now),
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
        now = clock()
        try:
            row = await run_in_threadpool(overview.kiosk_row, engine, device_id, now)
        except CentralError as exc:
            return web.render(request, "error.html", who, 404, message=web.said(request, exc))
        ago = _minutes_ago(now)
        return web.render(request, "revoke.html", who, row=row, hour=audit.hour_of, ago=ago)

    @router.post("/kiosks/{device_id}/revoke", include_in_schema=False)
    async def revoke(request: Request, device_id: str) -> Response:
        checked = await checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, _form = checked
        try:
            await write(lambda: enrolment.revoke(engine, device_id))
        except CentralError as exc:
            return web.render(request, "error.html", who, 404, message=web.said(request, exc))
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
            return web.render(request, "error.html", who, 422, message=web.said(request, exc))
        await note(who, "rename", device_id)
        return web.redirect(f"{web.PREFIX}/kiosks?msg=renamed")

    # --- events ------------------------------------------------------------------------------

    def events_data() -> dict[str, Any]:
        return {
            "test_events": {m.name for m in review.in_test_mode(engine) if m.kind == EVENT},
            "rows": events.event_rows(engine),
            "campaign_goal": events.campaign_goal(engine),
            "labels": overview.labels(engine),
        }

    async def events_page(
        request: Request, who: SignedIn, status: int = 200, **context: Any
    ) -> Response:
        msg = request.query_params.get("msg", "")
        notice = web.translator(request)(MESSAGES[msg]) if msg in MESSAGES else ""
        data = await run_in_threadpool(events_data)
        return web.render(
            request, "events.html", who, status, notice=notice, query=urlencode, **data, **context
        )

    @router.get("/events", include_in_schema=False)
    async def events_list(request: Request) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        return await events_page(request, who)

    async def event_action(
        request: Request, action: str, run: Any, done: str, **refill: str
    ) -> Response:
        """Check the form, run `run(form)` (returns the audit target), note it, go back."""
        checked = await checked_form(request, max_fields=6, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        try:
            target = await write(lambda: run(form))
        except CentralError as exc:
            kept = {key: str(form.get(field, ""))[:200] for key, field in refill.items()}
            return await events_page(request, who, 422, error=web.said(request, exc), **kept)
        await note(who, action, str(target)[:200])
        return web.redirect(f"{web.PREFIX}/events?msg={done}")

    @router.post("/events", include_in_schema=False)
    async def event_create(request: Request) -> Response:
        def run(form: Any) -> str:
            goal = events.parse_goal(str(form.get("goal", "")))
            return events.create_event(engine, str(form.get("name", "")), goal)

        return await event_action(
            request, "event-create", run, "event-created", name="name", goal="goal"
        )

    @router.post("/events/rename", include_in_schema=False)
    async def event_rename(request: Request) -> Response:
        def run(form: Any) -> str:
            old = str(form.get("event", ""))
            return f"{old} -> {events.rename_event(engine, old, str(form.get('name', '')))}"

        return await event_action(request, "event-rename", run, "event-renamed")

    @router.post("/events/goal", include_in_schema=False)
    async def event_goal(request: Request) -> Response:
        def run(form: Any) -> str:
            name = str(form.get("event", ""))
            events.set_goal(engine, name, events.parse_goal(str(form.get("goal", ""))))
            return name

        return await event_action(request, "event-goal", run, "goal-set")

    @router.post("/events/campaign-goal", include_in_schema=False)
    async def campaign_goal(request: Request) -> Response:
        def run(form: Any) -> str:
            goal = events.parse_goal(str(form.get("goal", "")))
            events.set_campaign_goal(engine, goal)
            return str(goal) if goal is not None else "appeal"

        return await event_action(request, "campaign-goal", run, "goal-set")

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
                    words("the server address starts with https:// (or http:// on this machine)")
                )
            issued = await write(lambda: enrolment.issue_code(engine, event, valid_for))
        except CentralError as exc:
            return await enrol_page(
                request, who, 422, error=web.said(request, exc), event=event, server_url=server_url
            )
        pin = link_pin(tls_pin) if tls_pin else None
        link = await run_in_threadpool(
            enrolment.enrolment_link, engine, server_url, issued.code, pin
        )
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
            return web.render(request, "error.html", who, 404, message=web.said(request, exc))
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
        results = await ingest_uploads(request, who, form)
        if results is None:
            error = web.translator(request)("Choose at least one file.")
            return web.render(request, "import.html", who, 422, results=None, error=error)
        rows = [(r.file, r.ok, r.result) for r in results]
        return web.render(request, "import.html", who, results=rows)

    async def ingest_uploads(request: Request, who: SignedIn, form: Any) -> list[FileResult] | None:
        """Each uploaded file through the ingest path of `kiosk central import`, with its
        result in words; None when no file came."""
        _ = web.translator(request)
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not uploads:
            return None
        results = []
        for upload in uploads:
            name = (upload.filename or "")[-200:]
            data = await upload.read(MAX_ENVELOPE_BYTES + 1)
            try:
                if len(data) > MAX_ENVELOPE_BYTES:
                    raise Malformed(
                        words(
                            "the file is over the limit of {limit} bytes", limit=MAX_ENVELOPE_BYTES
                        )
                    )
                done = await write(lambda d=data: import_envelope(engine, d))
            except CentralError as exc:
                text = _("not imported: {reason}", reason=web.said(request, exc))
                results.append(FileResult(file=name, ok=False, result=text))
                continue
            text = (
                web.plural(request)(*IMPORTED, done.new_records)
                if done.created
                else _("already stored")
            )
            results.append(FileResult(file=name, ok=True, result=text))
        await note(who, "import", f"{len(uploads)} files")
        return results

    @router.post(
        "/api/import",
        response_model=ImportAnswer,
        tags=["console"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["csrf", "files"],
                            "properties": {
                                "csrf": {"type": "string"},
                                "files": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                },
                            },
                        }
                    }
                },
            }
        },
        responses={
            403: {"description": "not signed in, or the form's CSRF token is wrong"},
            422: {"description": "no file in the form"},
        },
    )
    async def import_json(request: Request) -> Response:
        """Batch files dropped on the Import page (its script sends each drop here): each
        goes through the ingest path of `kiosk central import`; the answer has one result per
        file. Needs a console session cookie and the page's CSRF token."""
        who = await web.signed_in(request, engine)
        form = await request.form(max_fields=5, max_files=MAX_FILES)
        try:
            if who is None or not web.csrf_ok(who.csrf_token, form):
                body = {"detail": web.translator(request)(EXPIRED)}
                return web.secure(JSONResponse(body, status_code=403))
            results = await ingest_uploads(request, who, form)
        finally:
            await form.close()
        if results is None:
            detail = web.translator(request)("Choose at least one file.")
            return web.secure(JSONResponse({"detail": detail}, status_code=422))
        return web.secure(JSONResponse(ImportAnswer(results=results).model_dump()))

    # --- audit -------------------------------------------------------------------------------

    @router.get("/audit", include_in_schema=False)
    async def audit_page(request: Request) -> Response:
        who = await session_or_redirect(request)
        if isinstance(who, Response):
            return who
        entries = await run_in_threadpool(audit.newest, engine)
        return web.render(request, "audit.html", who, entries=entries)

    shared = Shared(engine, write, note, checked_form, session_or_redirect, clock)
    add_lifecycle_routes(router, shared)
    return router


class Changes:
    """One look for new figures every POLL_MS (counts.version), however many pages are open:
    each open stream waits here and wakes only when the figures changed (or to say it is still
    there). The look runs while at least one stream waits."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._version: str | None = None
        self._changed = asyncio.Event()  # set (and replaced) when the version changes
        self._waiting = 0
        self._task: asyncio.Task[None] | None = None
        self._asked = self._shown = 0  # the looks begun, and the latest begun that was shown

    async def after(self, seen: str | None, timeout: float) -> str:
        """The version once it differs from `seen`, or the same one after `timeout` s. A new
        stream (`seen` None) gets the version as it is now, not the last look's: a page opened
        just after a change (test mode switched on) has its figures already, and its stream
        must not overwrite them with the older ones it would then hold back UPDATE_GAP_S."""
        self._waiting += 1
        try:
            if seen is None or self._task is None or self._task.done():
                ticket = self._ask()
                self._publish(await run_in_threadpool(counts.version, self._engine), ticket)
                if self._task is None or self._task.done():  # not started meanwhile
                    self._task = asyncio.create_task(self._look())
            if self._version == seen:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            assert self._version is not None
            return self._version
        finally:
            self._waiting -= 1

    async def _look(self) -> None:
        idle_since = time.monotonic()
        while self._waiting or time.monotonic() - idle_since < KEEP_ALIVE_S:
            if self._waiting:
                idle_since = time.monotonic()
            await asyncio.sleep(POLL_MS / 1000)
            if stopping.announced():
                return
            # Not run_in_threadpool: this task belongs to no request, so the server's stop
            # cancels it as the event loop ends, where anyio would abandon its thread and the
            # query would go on holding a connection after the stop returned. The event loop
            # waits for the default executor's threads before it closes.
            ticket = self._ask()
            self._publish(await asyncio.to_thread(counts.version, self._engine), ticket)

    def _ask(self) -> int:
        self._asked += 1
        return self._asked

    def _publish(self, version: str, ticket: int) -> None:
        """The version a look begun as `ticket` saw: the streams waiting for a change are woken
        if it is one. A look that began before one already shown is older news, and dropped (a
        stream's own look and the shared one can overlap)."""
        if ticket < self._shown:
            return
        self._shown = ticket
        if version != self._version:
            self._version, changed = version, self._changed
            self._changed = asyncio.Event()
            changed.set()


class Recent:
    """The last `size` values put, by key (a small LRU cache)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


def _kiosk_state(row: overview.KioskRow, now: datetime) -> KioskReport:
    d, b = row.status, row.beat
    return KioskReport(
        device_id=d.device_id,
        label=row.label,
        event=row.event,
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


def _minutes_ago(now: datetime) -> Callable[[datetime], int]:
    return lambda t: int((now - t).total_seconds() // 60)


def _hours_left(expires_at: Any) -> int:
    return int((expires_at - utcnow()).total_seconds() // 3600)
