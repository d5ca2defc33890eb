"""E-mail addresses as the coordinator's review sees them: the domain, whether it is a
disposable-address service, and the canonical address that de-duplication and the erasure
ledger compare.

Canonical follows each domain's own rules, as GOV.UK e-petitions does for Gmail: every address
is put in Unicode's compatibility form (NFKC: the fullwidth letters a CJK input method types
are the plain ones), trimmed and casefolded; a provider that delivers "name+tag@" to "name@"
loses the tag; a provider that ignores dots in the local part loses the dots; googlemail.com
is gmail.com. Other domains keep their local part whole: "j.smith@example.org" and
"jsmith@example.org" may well be two people.

The disposable domains are the disposable-email-domains project's list (CC0), bundled as
resources/lists/disposable_email_domains.txt with its licence; a subdomain of a listed domain
is disposable too.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class DomainRule:
    ignored: str = ""  # characters of the local part the provider does not read
    tag_separator: str | None = "+"
    same_as: str | None = None  # another name of the same mailboxes


_GMAIL = DomainRule(ignored=".")
_TAGS_ONLY = DomainRule()
RULES = {
    "gmail.com": _GMAIL,
    "googlemail.com": DomainRule(ignored=".", same_as="gmail.com"),
    # Microsoft, Apple and Fastmail deliver +tags; dots are part of the name.
    **dict.fromkeys(
        ("outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com"),
        _TAGS_ONLY,
    ),
    "fastmail.com": _TAGS_ONLY,
    # Proton ignores dots (and hyphens, underscores) and delivers +tags.
    **dict.fromkeys(("proton.me", "protonmail.com", "pm.me"), DomainRule(ignored="._-")),
}


def split_email(address: str) -> tuple[str, str] | None:
    """(local part, domain), NFKC, trimmed and casefolded; None if it is not an address."""
    local, at, domain = unicodedata.normalize("NFKC", address).strip().casefold().rpartition("@")
    if not at or not local or not domain:
        return None
    return local, domain


def email_domain(address: str) -> str:
    parts = split_email(address)
    return "" if parts is None else parts[1]


TAG, IGNORED, ALIAS = "+tag", "dots", "domain alias"  # the rules, as counted by review


def canonical_email(address: str) -> str:
    """The address as its mailbox is known: see the module's docstring."""
    return canonical_with_rules(address)[0]


def canonical_with_rules(address: str) -> tuple[str, tuple[str, ...]]:
    """The canonical address, and which of TAG, IGNORED, ALIAS changed it."""
    parts = split_email(address)
    if parts is None:
        return unicodedata.normalize("NFKC", address).strip().casefold(), ()
    local, domain = parts
    rule = RULES.get(domain)
    if rule is None:
        return f"{local}@{domain}", ()
    applied = []
    if rule.tag_separator and rule.tag_separator in local:
        local = local.split(rule.tag_separator, 1)[0]
        applied.append(TAG)
    kept = local.translate(str.maketrans("", "", rule.ignored))
    if kept != local:
        applied.append(IGNORED)
    if rule.same_as:
        applied.append(ALIAS)
    return f"{kept}@{rule.same_as or domain}", tuple(applied)


@functools.cache
def disposable_domains() -> frozenset[str]:
    text = files("kiosk.resources").joinpath("lists", "disposable_email_domains.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(d.strip().casefold() for d in lines if d.strip() and not d.startswith("#"))


def is_disposable(domain: str) -> bool:
    """Whether the domain (or a domain it is under) is a disposable-address service."""
    listed = disposable_domains()
    labels = domain.strip().casefold().rstrip(".").split(".")
    return any(".".join(labels[i:]) in listed for i in range(len(labels) - 1))
