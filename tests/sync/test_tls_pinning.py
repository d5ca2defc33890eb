"""The kiosk trusts one server certificate: the one its enrolment link or its authenticated
enrolment answer names. Tried as an attacker on the venue's network would, with a real
TLS-terminating proxy on loopback in front of a real HTTPS server (kiosk.sync.pinning)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from signing import sign, sync_once
from tls_proxy import TlsProxy

from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.tls_pin import link_pin
from kiosk.errors import EnrolmentError, SyncError
from kiosk.petition.appeal import Appeal
from kiosk.protocol.enrolment_link import EnrolmentLink, parse_link
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import enrol, enrolled
from kiosk.vault import Vault, outbox


@pytest.fixture
def server(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Iterator[LocalServer]:
    with start_local_server(tmp_path / "central", campaign_public_key, tls=True) as running:
        assert running.url.startswith("https://127.0.0.1:")
        yield running


def _link(server: LocalServer, url: str | None = None) -> str:
    assert server.tls is not None
    code = server.issue_enrolment_code("Rally")
    pin = link_pin(server.tls.pin())
    return EnrolmentLink(url or server.url, code, _campaign_fingerprint(server), pin).to_text()


def _campaign_fingerprint(server: LocalServer) -> str:
    from kiosk.central.campaign import get_campaign

    return get_campaign(server.engine).key_fingerprint


def test_the_link_pins_the_servers_certificate_and_batches_go_over_https(
    server: LocalServer,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
) -> None:
    assert server.tls is not None
    state = enrol(vault, data_dir, _link(server))
    assert state.tls_pin == server.tls.pin()
    assert enrolled(vault, data_dir) == state  # kept in the vault for every later sync
    sign(vault, appeal, campaign_public_key, ["Ada", "Grace", "Hedy"])
    assert sync_once(vault, state).board.current.last_error is None
    assert outbox.unacknowledged(vault) == []
    assert server.status()[0].signatures == 3


def test_a_typed_code_learns_the_certificate_from_the_authenticated_answer(
    server: LocalServer, vault: Vault, data_dir: Path
) -> None:
    assert server.tls is not None
    state = enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
    assert state.tls_pin == server.tls.pin()


def test_a_proxy_with_its_own_certificate_gets_nothing_from_a_kiosk_with_the_link(
    server: LocalServer, vault: Vault, data_dir: Path, tmp_path: Path
) -> None:
    with TlsProxy(server.url, tmp_path / "attacker") as proxy:
        link = _link(server, proxy.url)  # the coordinator's link; the network leads to the proxy
        with pytest.raises(EnrolmentError, match="presented a certificate with key"):
            enrol(vault, data_dir, link)
        assert proxy.connections >= 1
    assert bytes(proxy.seen) == b""  # refused in the handshake: not one byte of the request
    assert enrolled(vault, data_dir) is None
    # The code was not spent: the kiosk enrols with it once it reaches the real server.
    assert enrol(vault, data_dir, parse_link(link).code, server.url).event == "Rally"


def test_a_proxy_with_its_own_certificate_is_found_out_by_a_typed_code(
    server: LocalServer, vault: Vault, data_dir: Path, tmp_path: Path
) -> None:
    code = server.issue_enrolment_code("Rally")
    with (
        TlsProxy(server.url, tmp_path / "attacker") as proxy,
        pytest.raises(EnrolmentError, match=r"posing as it\. Nothing was kept"),
    ):
        enrol(vault, data_dir, code, proxy.url)
    # The proxy saw the MACed request (it holds neither the code nor a key), and nothing else.
    assert b"POST /api/v2/enrolments" in proxy.seen
    assert code.replace("-", "").encode() not in bytes(proxy.seen).replace(b"-", b"")
    assert enrolled(vault, data_dir) is None


def test_after_enrolment_a_server_with_another_certificate_gets_no_batch(
    server: LocalServer,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    tmp_path: Path,
) -> None:
    state = enrol(vault, data_dir, _link(server))
    sign(vault, appeal, campaign_public_key, ["Ada", "Grace"])
    with TlsProxy(server.url, tmp_path / "attacker") as proxy:
        worker = sync_once(vault, state, url=proxy.url)
    assert bytes(proxy.seen) == b""
    error = worker.board.current.last_error or ""
    assert "not the one this kiosk trusts" in error and "tell the coordinator" in error
    assert len(outbox.unacknowledged(vault)) == 1  # kept, and sent again later
    assert server.status()[0].batches == 0


def test_plain_http_is_refused_off_this_machine_before_any_connection(
    vault: Vault, data_dir: Path
) -> None:
    with pytest.raises(EnrolmentError, match="only over https://"):
        enrol(vault, data_dir, "ABCD-EFGH", "http://192.0.2.1:8080")
    link = EnrolmentLink("http://192.0.2.1:8080", "ABCD-EFGH").to_text()
    with pytest.raises(EnrolmentError, match="only over https://"):
        enrol(vault, data_dir, link)
    with (
        CentralClient("http://192.0.2.1:8080") as client,
        pytest.raises(SyncError, match="only over https://") as refused,
    ):
        client.campaign_summary()
    assert refused.value.permanent


def test_a_link_with_a_damaged_certificate_fingerprint_is_refused(
    vault: Vault, data_dir: Path
) -> None:
    link = EnrolmentLink("https://192.0.2.1:8443", "ABCD-EFGH", None, "zz" * 16).to_text()
    with pytest.raises(EnrolmentError, match="fingerprint is damaged"):
        enrol(vault, data_dir, link)
