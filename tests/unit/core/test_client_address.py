"""The address a request came from, behind trusted proxies or not (core.ratelimit)."""

from __future__ import annotations

import ipaddress

import pytest

from core.ratelimit import address_bucket, forwarded_client
from core.settings import Settings

PROXIES = "10.0.0.0/8, 192.168.1.7, fd00::/8"
TRUSTED = Settings(trusted_proxies=PROXIES).trusted_proxy_networks


def test_trusted_proxies_are_comma_separated_cidrs_or_addresses() -> None:
    assert Settings(trusted_proxies=PROXIES).trusted_proxy_networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.168.1.7/32"),
        ipaddress.ip_network("fd00::/8"),
    )
    assert Settings().trusted_proxy_networks == ()
    assert Settings(trusted_proxies=" , ").trusted_proxy_networks == ()


@pytest.mark.parametrize("value", ["10.0.0.0/33", "proxy.local", "10.0.0.0/8;192.168.0.0/16"])
def test_a_bad_trusted_proxy_is_refused_naming_it(value: str) -> None:
    with pytest.raises(ValueError, match="MOTCUA_TRUSTED_PROXIES"):
        Settings(trusted_proxies=value).trusted_proxy_networks


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # no proxy trusted, or a peer that is not one: the header is anyone's to write
        ("203.0.113.9", ["198.51.100.7"], "203.0.113.9"),
        ("203.0.113.9", [], "203.0.113.9"),
        # one trusted proxy: the address it appended
        ("10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
        # what the client wrote itself sits left of what the proxy appended
        ("10.0.0.5", ["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        ("10.0.0.5", ["1.2.3.4", "198.51.100.7"], "198.51.100.7"),  # the header given twice
        # trusted hops are skipped, right to left
        ("10.0.0.5", ["198.51.100.7, 192.168.1.7, 10.9.9.9"], "198.51.100.7"),
        # a trusted proxy with no header: the proxy is the client
        ("10.0.0.5", [], "10.0.0.5"),
        # every hop trusted: the farthest one
        ("10.0.0.5", ["10.1.1.1, 10.2.2.2"], "10.1.1.1"),
        # what no proxy writes stops the walk at the hop that handed it over
        ("10.0.0.5", ["198.51.100.7, unknown"], "10.0.0.5"),
        ("10.0.0.5", ["198.51.100.7, garbage, 10.2.2.2"], "10.2.2.2"),
        # ports and brackets some proxies add
        ("10.0.0.5", ["198.51.100.7:52000"], "198.51.100.7"),
        ("10.0.0.5", ['"[2001:db8::7]:443"'], "2001:db8::7"),
        ("fd00::1", ["2001:db8::7"], "2001:db8::7"),
        # an IPv4 peer seen through a dual-stack socket is still the IPv4 proxy
        ("::ffff:10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
        # a peer that is not an address at all (an in-process test client)
        ("testclient", ["198.51.100.7"], "testclient"),
    ],
)
def test_forwarded_for_is_believed_only_as_far_as_trusted_proxies_wrote_it(
    peer: str, forwarded: list[str], client: str
) -> None:
    assert forwarded_client(peer, forwarded, TRUSTED) == client


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert forwarded_client("10.0.0.5", ["198.51.100.7"], ()) == "10.0.0.5"


def test_an_ipv6_client_is_counted_by_its_64() -> None:
    assert address_bucket("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_bucket("2001:db8:1:2::ffff") == address_bucket("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert address_bucket("198.51.100.7") == "198.51.100.7"
    assert address_bucket("testclient") == "testclient"
