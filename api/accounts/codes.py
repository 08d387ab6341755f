"""One-time sign-in codes in Redis and the limits around them (contracts.md, "Sign-in limits").

A code hands over an account and the walk-in dossiers filed with its phone, so every check and the
count it guards run as one Lua script: parallel requests are queued by Redis and cannot all pass
the check before any of them is counted. Windows slide (a sorted set of times per phone or
address), so no burst fits across a window's edge, and Retry-After says when the oldest counted
event leaves the window. Times come from the injected clock; Redis expiry only cleans up.

Nothing here looks at accounts: a phone with one and a phone without are limited and answered
alike."""

from __future__ import annotations

import math
import uuid

from redis.asyncio import Redis

from core.clock import Clock
from core.errors import RateLimitedError, UnauthorizedError
from core.ratelimit import address_bucket
from core.redis import key
from core.settings import Settings

HOUR_MS = 3_600_000
DAY_MS = 86_400_000


class OtpRateLimited(RateLimitedError):
    """No code is sent: too soon after the last one, or too many for the phone or the address."""

    code = "otp-rate-limited"


class OtpLocked(RateLimitedError):
    """Too many wrong codes: for this code (until a new one is sent) or for the phone (24 h)."""

    code = "otp-locked"


# KEYS: 1 sends to the phone (zset of times, 24 h), 2 sends asked from the address (zset, 1 h)
# ARGV: 1 now, 2 an hour ago, 3 a day ago (ms, integers), 4 id of this send, 5 resend wait (ms),
#       6 per phone per hour, 7 per phone per day, 8 per address per hour, 9 "1" when limits are on
# Returns 0 having counted the send, else the ms until one may be sent (nothing counted).
_RESERVE_SEND = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
local function wait_below(set, since, limit, window)
  local n = redis.call('ZCOUNT', set, '(' .. since, '+inf')
  if n < limit then return 0 end
  local oldest = redis.call('ZRANGEBYSCORE', set, '(' .. since, '+inf', 'WITHSCORES', 'LIMIT', n - limit, 1)
  return tonumber(oldest[2]) + window - now
end
local wait = 0
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then wait = tonumber(last[2]) + tonumber(ARGV[5]) - now end
if ARGV[9] == '1' then
  wait = math.max(wait,
    wait_below(KEYS[1], ARGV[2], tonumber(ARGV[6]), 3600000),
    wait_below(KEYS[1], ARGV[3], tonumber(ARGV[7]), 86400000),
    wait_below(KEYS[2], ARGV[2], tonumber(ARGV[8]), 3600000))
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], 3600000)
return 0
"""

# KEYS: 1 the phone's code (hash: digest, tries), 2 wrong codes for the phone (zset, 24 h),
#       3 sends to the phone (zset)
# ARGV: 1 now, 2 a day ago (ms), 3 wrong codes allowed per phone, 4 tries allowed per code,
#       5 digest of the code tried, 6 id of this try, 7 resend wait (ms)
# Returns {outcome, ms}: ok (the code is spent), wrong (counted), none (no live code),
# code-locked (ms until a new code may be asked), phone-locked (ms until a wrong code leaves the window).
_TRY_CODE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
local failures = redis.call('ZCARD', KEYS[2])
local allowed = tonumber(ARGV[3])
if failures >= allowed then
  local oldest = redis.call('ZRANGE', KEYS[2], failures - allowed, failures - allowed, 'WITHSCORES')
  return {'phone-locked', tonumber(oldest[2]) + 86400000 - now}
end
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then return {'none', 0} end
if redis.call('HINCRBY', KEYS[1], 'tries', 1) > tonumber(ARGV[4]) then
  local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  local wait = 0
  if last[2] then wait = tonumber(last[2]) + tonumber(ARGV[7]) - now end
  return {'code-locked', wait}
end
if digest == ARGV[5] then
  redis.call('DEL', KEYS[1])
  return {'ok', 0}
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], 86400000)
return {'wrong', 0}
"""


def _seconds(ms: int) -> int:
    """Retry-After: whole seconds, rounded up, at least one."""
    return max(math.ceil(ms / 1000), 1)


class OneTimeCodes:
    def __init__(self, redis: Redis, settings: Settings, clock: Clock) -> None:
        self._redis = redis
        self._settings = settings
        self._clock = clock

    def _now_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    async def reserve_send(self, phone: str, address: str) -> str:
        """Count a send to `phone` asked from `address`, or raise OtpRateLimited having counted
        nothing. Returns the send's id, for `release_send` if the message does not leave."""
        s = self._settings
        now = self._now_ms()
        send_id = uuid.uuid4().hex
        wait = await self._redis.register_script(_RESERVE_SEND)(
            keys=[key("otp-sent", phone), key("otp-sent-from", address_bucket(address))],
            args=[
                str(now),
                str(now - HOUR_MS),
                str(now - DAY_MS),
                send_id,
                str(s.otp_resend_seconds * 1000),
                str(s.otp_sends_per_phone_hour),
                str(s.otp_sends_per_phone_day),
                str(s.otp_sends_per_address_hour),
                "1" if s.rate_limits else "0",
            ],
        )
        if int(wait) > 0:
            raise OtpRateLimited(_seconds(int(wait)))
        return send_id

    async def release_send(self, phone: str, send_id: str) -> None:
        """A send that never left: it holds no cooldown and does not count against the phone (it
        still counts against the address that asked, so a failing gateway is no way round that limit)."""
        await self._redis.zrem(key("otp-sent", phone), send_id)

    async def keep(self, phone: str, digest: str) -> None:
        """The phone's live code from now on: earlier ones stop working and its tries start at zero."""
        code_key = key("otp", phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(code_key)
            pipe.hset(code_key, mapping={"digest": digest, "tries": 0})
            pipe.expire(code_key, self._settings.otp_ttl)
            await pipe.execute()

    async def spend(self, phone: str, digest: str) -> None:
        """Spend the phone's live code if `digest` is its digest; otherwise 401 (the try counted) or
        429 otp-locked."""
        s = self._settings
        now = self._now_ms()
        outcome, wait = await self._redis.register_script(_TRY_CODE)(
            keys=[key("otp", phone), key("otp-failed", phone), key("otp-sent", phone)],
            args=[
                str(now),
                str(now - DAY_MS),
                str(s.otp_max_failures_per_phone),
                str(s.otp_max_attempts),
                digest,
                uuid.uuid4().hex,
                str(s.otp_resend_seconds * 1000),
            ],
        )
        outcome = outcome.decode() if isinstance(outcome, bytes) else str(outcome)
        if outcome == "ok":
            return
        if outcome in {"code-locked", "phone-locked"}:
            raise OtpLocked(_seconds(int(wait)))
        raise UnauthorizedError("otp-invalid")
