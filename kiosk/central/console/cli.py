"""`kiosk central user add|list|reissue|remove`: the named coordinator accounts of the web
console. A credential is printed once; the server keeps only its Argon2id hash."""

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
        from kiosk.central.console import accounts
        from kiosk.errors import UsageError

        if args.action == "list":
            return _list(accounts.list_accounts(engine(args)))
        if args.name is None:
            raise UsageError(f"'user {args.action}' needs the account's NAME, e.g. maria")
        name = args.name.strip().lower()
        if args.action == "remove":
            ended = accounts.remove_account(engine(args), name)
            print(
                f"Console account {name!r} removed: its credential no longer signs in, and "
                f"{ended} open session{'' if ended == 1 else 's'} ended."
            )
            return 0
        if args.action == "reissue":
            credential = accounts.reissue_account(engine(args), name)
            said = "Its old credential no longer signs in, and its open sessions ended. The new"
        else:
            credential = accounts.add_account(engine(args), name)
            said = "Its"
        print(
            f"Console account {name!r}. {said} credential, shown only now (sign in at /console "
            f"with it):\n  {credential}"
        )
        return 0

    p = command("user", "the named coordinator accounts of the web console", run)
    p.add_argument(
        "action",
        choices=("add", "list", "reissue", "remove"),
        help="add: a new account with its own credential; list: the accounts; reissue: a new "
        "credential for one (the old one stops working); remove: take one away. Reissue and "
        "remove end the account's open sessions at once",
    )
    p.add_argument("name", metavar="NAME", nargs="?", help="the account's name, e.g. maria")


def _list(accounts: list[Any]) -> int:
    if not accounts:
        print("No named console account yet: 'kiosk central user add NAME' makes one.")
        return 0
    print(f"{'NAME':32}  {'CREATED (UTC)':16}  SIGNED IN NOW")
    for a in accounts:
        print(f"{a.name:32}  {a.created_at:%Y-%m-%d %H:%M}  {a.sessions}")
    return 0
