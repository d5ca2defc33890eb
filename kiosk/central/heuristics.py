"""Heuristics the coordinator runs after decryption (`kiosk central review --heuristics`), with
a count per rule; they mark nothing by themselves (`review --mark` does, by the rules it is
given).

- Bursts: more signatures in one minute at one kiosk than a person can give. The minute is read
  from inside the seal (`signed_at`, to the millisecond): outside it the server keeps only the
  hour of collection.
- Disposable domains: addresses at a disposable-address service (kiosk.petition.email_rules).
- Canonical duplicates: addresses that are one mailbox once their provider's own rules are
  applied (dots, +tags, googlemail.com), beyond the duplicates a plain casefold finds; the export
  de-duplicates by the canonical address.
- Households: more than N signatures with one (canonical) address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.central.export import Opened
from kiosk.petition.email_rules import (
    canonical_with_rules,
    email_domain,
    is_disposable,
)

DEFAULT_BURST = 5  # signatures in one minute at one kiosk
DEFAULT_HOUSEHOLD = 3  # signatures with one address


@dataclass(frozen=True)
class Findings:
    records: int
    burst_minutes: int
    burst_signatures: int
    disposable_signatures: int
    disposable_domains: int
    plain_duplicates: int  # later signatures with an address seen before, casefolded
    canonical_duplicates: int  # more, found only by the canonical address
    by_rule: dict[str, int] = field(default_factory=dict)  # of those, which rule found them
    households: int = 0
    household_signatures: int = 0


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def run(
    opened: Iterable[Opened], *, burst: int = DEFAULT_BURST, household: int = DEFAULT_HOUSEHOLD
) -> Findings:
    per_minute: Counter[tuple[str, datetime]] = Counter()
    disposable: Counter[str] = Counter()
    plain_seen: set[str] = set()
    canonical_seen: Counter[str] = Counter()
    first_rules: dict[str, tuple[str, ...]] = {}  # the rules that changed the first address
    by_rule: Counter[str] = Counter()
    plain = canonical = records = 0
    rows = sorted(opened, key=lambda o: (o.record.signed_at, o.record.signature_id))
    for o in rows:
        records += 1
        r = o.record
        per_minute[(r.device_id, _minute(r.signed_at))] += 1
        email = r.fields.get("email", "").strip()
        if not email:
            continue
        domain = email_domain(email)
        if domain and is_disposable(domain):
            disposable[domain] += 1
        folded = email.casefold()
        mailbox, rules = canonical_with_rules(email)
        if folded in plain_seen:
            plain += 1
        elif mailbox in canonical_seen:
            canonical += 1
            by_rule.update(set(rules) | set(first_rules[mailbox]))
        first_rules.setdefault(mailbox, rules)
        plain_seen.add(folded)
        canonical_seen[mailbox] += 1
    bursts = [n for n in per_minute.values() if n >= burst]
    over = [n for n in canonical_seen.values() if n > household]
    return Findings(
        records,
        len(bursts),
        sum(bursts),
        sum(disposable.values()),
        len(disposable),
        plain,
        canonical,
        dict(by_rule),
        len(over),
        sum(over),
    )
