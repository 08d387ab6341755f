"""Fixed-window rate limits in Redis, shared by every API worker and every package, and the one
reading of the address a request came from."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from litestar import Request
from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from core.clock import Clock
from core.errors import RateLimitedError
from core.redis import command, key

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# app.state key of the networks whose X-Forwarded-For is believed (set by the composition root)
TRUSTED_PROXIES = "trusted_proxies"
# one IPv6 subscriber gets a /64 and can use any address in it: limits count the /64
_IPV6_SUBSCRIBER_PREFIX = 64


def _parse(text: str) -> Address | None:
    """An address as a hop may write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def forwarded_client(peer: str, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client behind a chain of proxies. X-Forwarded-For is believed only as far as trusted
    proxies wrote it: walking from the right (the hop nearest to us), every trusted hop is skipped
    and the first one that is not is the client. A peer outside `trusted` is the client itself,
    whatever header it sends, since anyone can write one."""
    peer_address = _parse(peer)
    if peer_address is None:
        return peer
    if not _trusted(peer_address, trusted):
        return str(peer_address)
    hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
    client = peer_address
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a trusted proxy never writes this: what lies left of it cannot be believed
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The address a request came from, as public routes are limited by; "unknown" when the server was not told."""
    if not request.client or not request.client.host:
        return "unknown"
    trusted: Sequence[Network] = request.app.state.get(TRUSTED_PROXIES) or ()
    if not trusted:
        return forwarded_client(request.client.host, (), ())
    return forwarded_client(request.client.host, request.headers.getall("x-forwarded-for", []), trusted)


def address_bucket(address: str) -> str:
    """What a per-address limit counts: the address, or its /64 for IPv6 (one subscriber's block)."""
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, _IPV6_SUBSCRIBER_PREFIX), strict=False))
    return address


# One hit: the count and the window's expiry together, as MULTI/INCR/EXPIRE/EXEC did, in one command:
# redis-py's transaction pipeline cost 165-185 µs of CPU a hit, EVALSHA 85-90 (bench/README.md).
_HIT = "local n = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return n"
_HIT_SHA = hashlib.sha1(_HIT.encode(), usedforsecurity=False).hexdigest()  # the name Redis knows it by
_WINDOW_SECONDS = 61


class RateLimiter:
    def __init__(self, redis: Redis, clock: Clock, *, enabled: bool = True) -> None:
        self._redis = redis
        self._clock = clock
        self._enabled = enabled

    async def hit(self, area: str, who: str, per_minute: int) -> None:
        """Counts one request of `who` in `area`; past `per_minute` in this minute, 429 with Retry-After."""
        if not self._enabled:
            return
        now = int(self._clock.now().timestamp())
        name = key("rl", area, who, str(now // 60))
        try:
            count = await command(self._redis, "EVALSHA", _HIT_SHA, 1, name, _WINDOW_SECONDS)
        except NoScriptError:  # a Redis that has not seen the script yet (restarted, flushed): EVAL loads it
            count = await command(self._redis, "EVAL", _HIT, 1, name, _WINDOW_SECONDS)
        if int(count) > per_minute:
            raise RateLimitedError(60 - now % 60)
