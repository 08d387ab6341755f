"""The request series /metrics has always shown (Litestar's names and labels), kept by a cheaper middleware."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath
from litestar.testing import TestClient
from prometheus_client import REGISTRY

from core.metrics import RequestMetrics


@get("/items/{number:int}", sync_to_thread=False)
def item(number: FromPath[int]) -> dict[str, int]:
    return {"number": number}


@get("/broken", sync_to_thread=False)
def broken() -> None:
    raise RuntimeError("broken")


def sample(name: str, path: str, status: int) -> float:
    labels = {"method": "GET", "path": path, "status_code": str(status), "app_name": "metrics-test"}
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_each_request_is_counted_under_its_route_and_answer_and_timed() -> None:
    app = Litestar([item, broken], middleware=[DefineMiddleware(RequestMetrics, app_name="metrics-test")])
    before = sample("litestar_requests_total", "/items/{number}", 200)
    with TestClient(app) as client:
        assert client.get("/items/1").status_code == 200
        assert client.get("/items/2").status_code == 200
        assert client.get("/broken").status_code == 500
    assert sample("litestar_requests_total", "/items/{number}", 200) == before + 2
    assert sample("litestar_request_duration_seconds_count", "/items/{number}", 200) >= 2
    assert sample("litestar_request_duration_seconds_sum", "/items/{number}", 200) > 0
    assert sample("litestar_requests_error_total", "/broken", 500) >= 1
    assert sample("litestar_requests_in_progress", "/items/{number}", 200) == 0
