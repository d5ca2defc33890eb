"""Canonical e-mail addresses by each provider's own rules, and the bundled disposable list."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.petition.email_rules import (
    canonical_email,
    disposable_domains,
    email_domain,
    is_disposable,
)

local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.+-_", min_size=1, max_size=20)
domain = st.sampled_from(
    ["gmail.com", "googlemail.com", "outlook.com", "proton.me", "example.org", "Example.ORG"]
)


@given(local, domain)
def test_canonical_is_stable_and_case_free(name: str, host: str) -> None:
    address = f"{name}@{host}"
    once = canonical_email(address)
    assert canonical_email(once) == once
    assert canonical_email(f"  {address.upper()} ") == once


def test_each_domain_by_its_own_rules() -> None:
    assert canonical_email("J.O.Doe+petition@GoogleMail.com") == "jodoe@gmail.com"
    assert canonical_email("j.doe+x@outlook.com") == "j.doe@outlook.com"  # dots count there
    assert canonical_email("j_d.o-e+x@proton.me") == "jdoe@proton.me"
    assert canonical_email("j.doe+x@example.org") == "j.doe+x@example.org"  # unknown: kept whole
    assert canonical_email("not an address") == "not an address"
    assert email_domain("x@Sub.Example.org ") == "sub.example.org"


def test_the_bundled_disposable_list() -> None:
    assert len(disposable_domains()) > 8000
    assert is_disposable("mailinator.com") and is_disposable("a.b.MAILINATOR.com.")
    assert not is_disposable("gmail.com") and not is_disposable("com")
    assert not is_disposable("mailinator.com.example.org")  # a name, not a parent domain
