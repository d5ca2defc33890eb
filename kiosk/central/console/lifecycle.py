"""The console's pages for the campaign's life after the rally: Review (marks and test mode),
Erasure and retention, Keys. Each does only what the server can do without a plaintext record
or a private key, through the core the CLI uses (kiosk.central.review, .erasure, .retention,
.keyset); what needs decryption or the coordinator's keys is shown as the command to run on
the coordinator's machine. Every change is signed in, CSRF-checked and audited, as on the other
pages (kiosk.central.console.routes supplies those checks in `Shared`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kiosk.central import deletion, erasure, keyset, retention, review
from kiosk.central.campaign import get_campaign
from kiosk.central.console import overview, web
from kiosk.central.console.sessions import SignedIn
from kiosk.central.counting import DEVICE, EVENT, INVALID, TEST, VALID
from kiosk.central.db import database_options
from kiosk.central.errors import Malformed
from kiosk.clock import parse_hour
from kiosk.errors import KioskError
from kiosk.protocol.keyset import STATES

MAX_RECORD_REFS = 1000  # record ids one review selection takes
COUNTED = {  # the notices after a change, for one signature and for any other number
    "marked": ("Marked {count} signature {mark}.", "Marked {count} signatures {mark}."),
    "undone": ("{count} signature is valid again.", "{count} signatures are valid again."),
    "erased": (
        "Erased {count} signature from the server.",
        "Erased {count} signatures from the server.",
    ),
}
NOTICES = {
    "test-on": "Test mode is on: its signatures do not count.",
    "test-off": "Test mode is off: its signatures count again.",
}
# A mark's word, which agrees with the signatures it is said of (Italian: "non valida" for
# one, "non valide" for several): `_n(word, word, count)`; English has one form.
MARK_NAMES = {VALID: "valid", INVALID: "invalid", TEST: "test"}
KEY_STATES = STATES  # a key's states (kiosk.protocol.keyset), which the Keys page translates
TEXTS = {  # the refusals these pages word themselves (the core's are in its own words)
    "hour": "{typed} is not an hour: type it like 2026-12-03T14 (UTC).",
    "too-many": "At most {limit} record ids at once, not {count}.",
    "nothing": "Choose which signatures: a kiosk, an event, an hour or record ids.",
    "reason": "Say why: an invalid or test mark needs a reason (no personal data).",
    "not-the-name": "The name typed is not the campaign's ({name}): nothing was erased.",
    "kind": "Test mode is for a kiosk or an event: open it from the Review page's tables.",
}
CHANGED = (  # the selection's count moved between the preview and the apply
    "The selection holds {count} signature now, not the number previewed: check it and apply "
    "again.",
    "The selection holds {count} signatures now, not the number previewed: check it and apply "
    "again.",
)


@dataclass(frozen=True)
class Shared:
    """What every console route uses, from kiosk.central.console.routes."""

    engine: Engine
    write: Callable[[Any], Awaitable[Any]]
    note: Callable[[SignedIn, str, str | None], Awaitable[None]]
    checked_form: Callable[..., Awaitable[tuple[SignedIn, Any] | Response]]
    session_or_redirect: Callable[[Request], Awaitable[SignedIn | Response]]
    clock: Callable[[], datetime]  # the server's time (tests move it)


def selection_of(form: Any, _: Callable[..., str]) -> review.Selection:
    """The review selection a form names: a kiosk, an event, an hour, record ids (all that are
    given, together). Malformed for a bad hour or record id, or for nothing chosen."""
    hour_text = str(form.get("hour", "")).strip()[:40]
    try:
        hour = parse_hour(hour_text) if hour_text else None
    except ValueError:
        raise Malformed(_(TEXTS["hour"], typed=hour_text)) from None
    refs = str(form.get("records", "")).replace(",", " ").split()
    if len(refs) > MAX_RECORD_REFS:
        raise Malformed(_(TEXTS["too-many"], limit=MAX_RECORD_REFS, count=len(refs)))
    sel = review.Selection(
        records=tuple(erasure.parse_record_ref(r) for r in dict.fromkeys(refs)),
        device=str(form.get("device", "")).strip() or None,
        event=str(form.get("event", "")).strip() or None,
        hour=hour,
    )
    if sel.empty:
        raise Malformed(_(TEXTS["nothing"]))
    return sel


def describe(sel: review.Selection) -> str:
    """The selection in the audit log's words: ids and names, never a reason or a field."""
    parts = [f"device {sel.device}"] if sel.device else []
    parts += [f"event {sel.event}"] if sel.event else []
    parts += [f"hour {sel.hour:%Y-%m-%dT%H}"] if sel.hour else []
    parts += [f"{len(sel.records)} ids"] if sel.records else []
    return ", ".join(parts)


def notice_of(request: Request) -> str:
    """The notice a redirect after a change names in its query (msg, count, mark), in words."""
    msg = request.query_params.get("msg", "")
    count = request.query_params.get("count", "")
    mark = request.query_params.get("mark", "")
    if msg in NOTICES:
        return web.translator(request)(NOTICES[msg])
    if msg not in COUNTED or not count.isdigit() or len(count) > 9:
        return ""
    _n, n = web.plural(request), int(count)
    word = MARK_NAMES.get(mark, "")
    return _n(*COUNTED[msg], n, mark=_n(word, word, n))


Page = Callable[..., Awaitable[Response]]  # (request, who, status=200, **context)


def _page(
    template: str,
    data: Callable[[], dict[str, Any]],
    *,
    with_form: bool = False,
    notices: bool = True,
) -> Page:
    """A lifecycle page: `data` read off the event loop, then the template rendered with it,
    the notice of the redirect that led here (`notices`) and an empty form to fill again
    (`with_form`), unless the caller gives its own."""

    async def render(
        request: Request, who: SignedIn, status: int = 200, **context: Any
    ) -> Response:
        found = await run_in_threadpool(data)
        if notices:
            context.setdefault("notice", notice_of(request))
        if with_form:
            context.setdefault("form", {})
        return web.render(request, template, who, status, **found, **context)

    return render


async def _signed_in_page(shared: Shared, request: Request, page: Page) -> Response:
    """The page for a signed-in coordinator; the sign-in page for anyone else."""
    who = await shared.session_or_redirect(request)
    if isinstance(who, Response):
        return who
    return await page(request, who)


def add_lifecycle_routes(router: APIRouter, shared: Shared) -> None:
    engine = shared.engine

    # --- review ------------------------------------------------------------------------------

    def review_data() -> dict[str, Any]:
        modes = review.in_test_mode(engine)
        return {
            "counts": review.marks_count(engine),
            "groups": review.mark_groups(engine),
            "modes": modes,
            "devices": review.enrolled_devices(engine),
            "events": review.known_events(engine),
            "labels": overview.labels(engine),
            "test_devices": {m.name for m in modes if m.kind == DEVICE},
            "test_events": {m.name for m in modes if m.kind == EVENT},
        }

    review_page = _page("review.html", review_data, with_form=True)

    @router.get("/review", include_in_schema=False)
    async def review_get(request: Request) -> Response:
        return await _signed_in_page(shared, request, review_page)

    def chosen(form: Any, _: Callable[..., str]) -> tuple[review.Selection, str, str, int]:
        """The selection, the mark and its reason, and how many records it holds now."""
        mark = str(form.get("mark", ""))
        reason = str(form.get("reason", ""))
        if mark in (INVALID, TEST) and not reason.strip():
            raise Malformed(_(TEXTS["reason"]))
        reason = review.check_mark(mark, reason)
        sel = selection_of(form, _)
        review.check_selection(engine, sel)
        return sel, mark, reason, len(review.by_metadata(engine, sel))

    def kept(form: Any) -> dict[str, str]:
        """The form's values, to fill it again (record ids one line, for a hidden field)."""
        fields = ("mark", "reason", "device", "event", "hour")
        values = {f: str(form.get(f, ""))[:400] for f in fields}
        values["records"] = " ".join(str(form.get("records", "")).split())[:40_000]
        return values

    async def chosen_or_page(
        request: Request,
    ) -> Response | tuple[Any, Any, tuple[review.Selection, str, str, int]]:
        """A review form, checked and its selection counted; or the page to answer with (no
        session or token, or the form's error shown on the Review page)."""
        checked = await shared.checked_form(request, max_fields=10, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        try:
            picked = await run_in_threadpool(chosen, form, web.translator(request))
        except KioskError as exc:
            return await review_page(
                request, who, 422, error=web.said(request, exc), form=kept(form)
            )
        return who, form, picked

    @router.post("/review/preview", include_in_schema=False)
    async def review_preview(request: Request) -> Response:
        answer = await chosen_or_page(request)
        if isinstance(answer, Response):
            return answer
        who, form, (_sel, mark, _reason, count) = answer
        preview = {"count": count, "mark": mark}
        return await review_page(request, who, preview=preview, form=kept(form))

    @router.post("/review/apply", include_in_schema=False)
    async def review_apply(request: Request) -> Response:
        answer = await chosen_or_page(request)
        if isinstance(answer, Response):
            return answer
        who, form, (sel, mark, reason, count) = answer
        expected = str(form.get("expected", ""))

        def mark_if_unchanged() -> tuple[int | None, int]:
            # Counted again in the write itself: what is marked is what was previewed.
            keys = review.by_metadata(engine, sel)
            if str(len(keys)) != expected:
                return None, len(keys)
            return review.apply_marks(engine, keys, mark, reason), len(keys)

        done, count = (
            (None, count) if expected != str(count) else await shared.write(mark_if_unchanged)
        )
        if done is None:
            # Batches came (or records went) since the preview: show the new count first.
            changed = web.plural(request)(*CHANGED, count)
            preview = {"count": count, "mark": mark}
            return await review_page(
                request, who, 409, error=changed, preview=preview, form=kept(form)
            )
        await shared.note(who, "review-mark", f"{mark} {done}: {describe(sel)}"[:200])
        return web.redirect(f"{web.PREFIX}/review?msg=marked&count={done}&mark={mark}")

    @router.post("/review/undo", include_in_schema=False)
    async def review_undo(request: Request) -> Response:
        checked = await shared.checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        mark, reason = str(form.get("mark", "")), str(form.get("reason", ""))
        try:
            done = await shared.write(lambda: review.undo_marks(engine, mark, reason))
        except KioskError as exc:
            return await review_page(request, who, 422, error=web.said(request, exc))
        await shared.note(who, "review-undo", f"{mark} {done}")
        return web.redirect(f"{web.PREFIX}/review?msg=undone&count={done}")

    def test_mode_target(kind: str, name: str, _: Callable[..., str]) -> None:
        if kind == DEVICE:
            review.check_selection(engine, review.Selection(device=name))
        elif kind == EVENT:
            review.check_selection(engine, review.Selection(event=name))
        else:
            raise Malformed(_(TEXTS["kind"]))

    @router.get("/review/test-mode", include_in_schema=False)
    async def test_mode_confirm(
        request: Request, kind: str = "", name: str = "", on: str = "1"
    ) -> Response:
        who = await shared.session_or_redirect(request)
        if isinstance(who, Response):
            return who
        try:
            await run_in_threadpool(test_mode_target, kind, name, web.translator(request))
        except KioskError as exc:
            return web.render(request, "error.html", who, 404, message=web.said(request, exc))
        labels = await run_in_threadpool(overview.labels, engine)
        return web.render(
            request,
            "test_mode.html",
            who,
            kind=kind,
            name=name,
            label=labels.get(name, name),
            on=on == "1",
        )

    @router.post("/review/test-mode", include_in_schema=False)
    async def test_mode_set(request: Request) -> Response:
        checked = await shared.checked_form(request, max_fields=6, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        kind, name = str(form.get("kind", "")), str(form.get("name", ""))
        on = str(form.get("on", "")) == "1"
        try:
            await shared.write(lambda: review.set_test_mode(engine, kind, name, on))
        except KioskError as exc:
            return await review_page(request, who, 422, error=web.said(request, exc))
        await shared.note(who, "test-mode-on" if on else "test-mode-off", f"{kind} {name}"[:200])
        return web.redirect(f"{web.PREFIX}/review?msg={'test-on' if on else 'test-off'}")

    # --- erasure and retention ---------------------------------------------------------------

    def erasure_data() -> dict[str, Any]:
        now = shared.clock()
        return {
            "today": now.date(),
            "database_options": database_options(engine),
            "report": retention.report(engine, now),
            "deleted": deletion.deleted_counts(engine),
            "campaign_name": get_campaign(engine).appeal_id,
        }

    erasure_page = _page("erasure.html", erasure_data)

    @router.get("/erasure", include_in_schema=False)
    async def erasure_get(request: Request) -> Response:
        return await _signed_in_page(shared, request, erasure_page)

    @router.post("/erasure/preview", include_in_schema=False)
    async def erasure_preview(request: Request) -> Response:
        checked = await shared.checked_form(request, max_fields=5, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        records = str(form.get("records", ""))[:10_000]
        try:
            plan = await run_in_threadpool(erasure.plan_by_id, engine, records)
        except KioskError as exc:
            return await erasure_page(
                request, who, 422, error=web.said(request, exc), records=records
            )
        return await erasure_page(request, who, plan=plan, records=records)

    @router.post("/erasure/erase", include_in_schema=False)
    async def erasure_erase(request: Request) -> Response:
        checked = await shared.checked_form(request, max_fields=6, max_files=0)
        if isinstance(checked, Response):
            return checked
        who, form = checked
        records = str(form.get("records", ""))[:10_000]
        typed = str(form.get("campaign", "")).strip()
        try:
            plan = await run_in_threadpool(erasure.plan_by_id, engine, records)
        except KioskError as exc:
            return await erasure_page(
                request, who, 422, error=web.said(request, exc), records=records
            )
        name = (await run_in_threadpool(get_campaign, engine)).appeal_id
        if typed != name:
            _ = web.translator(request)
            wrong = _(TEXTS["not-the-name"], name=name)
            return await erasure_page(
                request, who, 422, error=wrong, plan=plan, records=records, confirm_error=True
            )
        done = await shared.write(lambda: erasure.erase_by_id(engine, plan))
        await shared.note(who, "erase-by-id", f"{len(plan.refs)} ids, {done} deleted")
        return web.redirect(f"{web.PREFIX}/erasure?msg=erased&count={done}")

    # --- keys --------------------------------------------------------------------------------

    def keys_data() -> dict[str, Any]:
        keys = keyset.list_keys(engine)
        primary, version = keyset.primary_and_version(engine)
        by_fingerprint = {k.fingerprint: k.id for k in keys}
        last = keyset.last_sealed(engine)
        kiosks = []
        for device in review.enrolled_devices(engine):
            seen = last.get(device)
            kiosks.append((device, seen, by_fingerprint.get(seen.fingerprint) if seen else None))
        return {
            "keys": keys,
            "primary": primary,
            "version": version,
            "kiosks": kiosks,
            "labels": overview.labels(engine),
        }

    @router.get("/keys", include_in_schema=False)
    async def keys_get(request: Request) -> Response:
        return await _signed_in_page(shared, request, _page("keys.html", keys_data, notices=False))
