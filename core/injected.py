"""Names of what route handlers get injected, shared by every package's routes. The composition
root (asgi.py with api/deps.py) provides them by these names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg
from litestar.di import NamedDependency

from core.auth import Principal

Conn = NamedDependency[asyncpg.Connection]  # a pooled connection for the request
# the signed-in user, as `caller`: its role is what the route's guard let through (core/guards.py)
Caller = NamedDependency[Principal]
MaybeCaller = NamedDependency[Principal | None]  # as `maybe_caller` on a public route: None when anonymous
Locale = NamedDependency[str]  # "vi" or "en", from ?lang= or Accept-Language
Now = NamedDependency[datetime]  # the request's time, from the app's clock
# as `throttle`: counts one public lookup of the client's address (by code and key, or a VNeID sign-in) in
# the bucket named, MOTCUA_TRACK_RATE_PER_MINUTE a minute in each; 429 past it
Throttle = NamedDependency[Callable[[str], Awaitable[None]]]
