"""The volunteer's admin panel: a hidden gesture, a PIN pad, and the panel with its pages.

`install_admin` puts it over a kiosk window. On a kiosk with no PIN yet, it asks a volunteer to
choose one as soon as it is installed (when the start has opened the vault: on a first start the
window covers the appeal until then), and nothing else can be done until one is chosen; should a
supporter already be signing, the chooser waits until they are done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.desks.admin import AdminDesk
from kiosk.files.removable import Drive, removable_drives
from kiosk.petition.appeal import Appeal
from kiosk.ui.admin.gesture import HOLD_SECONDS
from kiosk.ui.admin.layer import AdminLayer

if TYPE_CHECKING:
    from kiosk.ui.window import KioskWindow


def install_admin(
    window: KioskWindow,
    desk: AdminDesk,
    *,
    exit_kiosk: Callable[[], None],
    demo: bool = False,
    idle_seconds: float = 60,
    hold_seconds: float = HOLD_SECONDS,
    on_appeal_chosen: Callable[[Appeal], None] | None = None,
    find_drives: Callable[[], list[Drive]] = removable_drives,
) -> AdminLayer:
    layer = AdminLayer(
        window,
        desk,
        exit_kiosk=exit_kiosk,
        demo=demo,
        idle_seconds=idle_seconds,
        hold_seconds=hold_seconds,
        on_appeal_chosen=on_appeal_chosen,
        find_drives=find_drives,
    )
    if not desk.pin.is_set():
        layer.choose_first_pin()
    return layer


__all__ = ["AdminLayer", "install_admin"]
