"""`kiosk central user add NAME`: a named coordinator account for the web console. Its
credential is printed once; the server keeps only its Argon2id hash."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `kiosk run` builds this parser too, and must not load SQLAlchemy for it
    from sqlalchemy import Engine


def register_user(
    command: Callable[..., Any], engine: Callable[[argparse.Namespace], Engine]
) -> None:
    """Add `user` to `kiosk central`; `command` makes a subcommand with the data directory and
    database options, `engine` opens the database the command names."""

    def run(args: argparse.Namespace) -> int:
        from kiosk.central.console.accounts import add_account

        credential = add_account(engine(args), args.name)
        print(
            f"Console account {args.name.strip().lower()!r}. Its credential, shown only now "
            f"(sign in at /console with it):\n  {credential}"
        )
        return 0

    p = command("user", "add a named coordinator account for the web console", run)
    p.add_argument("action", choices=("add",), help="add: a new account with its own credential")
    p.add_argument("name", metavar="NAME", help="the account's name, e.g. maria")
