"""`motcua catalog export` and `motcua catalog import`, run as an operator runs them: all or nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from core.db import acquire
from core.settings import Settings
from tests.integration.api.catalog_helpers import seeded_catalog
from tests.integration.commands import motcua

__all__ = ["seeded_catalog"]


async def _versions(pool: asyncpg.Pool) -> dict[str, int]:
    async with acquire(pool) as conn:
        return {r["slug"]: r["version"] for r in await conn.fetch("SELECT slug, version FROM procedures")}


def _export(settings: Settings, path: Path) -> dict[str, Any]:
    result = motcua(settings, "catalog", "export", str(path))
    assert result.returncode == 0, result.stderr
    exported: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return exported


@pytest.mark.usefixtures("seeded_catalog")
async def test_importing_what_was_exported_changes_nothing(
    settings: Settings, tmp_path: Path, pool: asyncpg.Pool
) -> None:
    before = await _versions(pool)
    exported = _export(settings, tmp_path / "catalog.json")
    assert list(exported) == ["procedures"] and len(exported["procedures"]) == 40
    assert all(p["sources"] and p["fees"] for p in exported["procedures"])

    result = motcua(settings, "catalog", "import", str(tmp_path / "catalog.json"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 added, 0 changed, 40 unchanged"
    assert await _versions(pool) == before


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_dry_run_counts_and_changes_nothing_then_the_import_applies_and_servers_reload(
    settings: Settings, tmp_path: Path, pool: asyncpg.Pool, client: AsyncTestClient[Any]
) -> None:
    path = tmp_path / "catalog.json"
    exported = _export(settings, path)
    target = next(p for p in exported["procedures"] if p["slug"] == "contract-attestation")
    target["fees"][0]["amount"] = 55000
    added = json.loads(json.dumps(target))
    added.update(slug="contract-attestation-copy", keywords=[])
    exported["procedures"].append(added)
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    before = await _versions(pool)

    dry = motcua(settings, "catalog", "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("1 added, 1 changed, 39 unchanged")
    assert await _versions(pool) == before

    real = motcua(settings, "catalog", "import", str(path))
    assert real.returncode == 0, real.stderr
    assert real.stdout.strip() == "1 added, 1 changed, 39 unchanged"
    after = await _versions(pool)
    assert after["contract-attestation"] == before["contract-attestation"] + 1
    assert after["contract-attestation-copy"] == 1
    async with acquire(pool) as conn:
        row = await conn.fetchrow(
            "SELECT fields, changed_by, changed_by_role FROM procedure_versions WHERE slug = $1"
            " ORDER BY version DESC LIMIT 1",
            "contract-attestation",
        )
    assert row is not None
    assert (list(row["fields"]), row["changed_by"], row["changed_by_role"]) == (["fees"], None, "operator")
    for _ in range(100):  # the running server heard of it
        if (await client.get("/api/v1/procedures/contract-attestation")).json()["fee"] == 55000:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the server did not reload the imported catalog")


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_broken_file_names_each_error_and_changes_nothing(
    settings: Settings, tmp_path: Path, pool: asyncpg.Pool
) -> None:
    path = tmp_path / "catalog.json"
    exported = _export(settings, path)
    procedures = exported["procedures"]
    procedures[0]["fees"][0]["amount"] = 1  # a good change, refused with the rest
    procedures[2]["fees"][0]["amount"] = "nhiều"
    procedures[5]["agency"] = "BO-KHONG-CO"
    procedures[7]["fees"][0]["to"] = "2000-01-01"
    procedures[9]["slug"] = procedures[8]["slug"]
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    before = await _versions(pool)

    result = motcua(settings, "catalog", "import", str(path))

    assert result.returncode == 1
    for field in (
        "procedures[2].fees[0].amount",
        "procedures[5].agency",
        "procedures[7].fees[0].to",
        "procedures[9].slug",
    ):
        assert field in result.stderr, (field, result.stderr)
    assert "nothing imported" in result.stderr
    assert await _versions(pool) == before

    path.write_text('{"procedures": [', encoding="utf-8")
    unreadable = motcua(settings, "catalog", "import", str(path))
    assert unreadable.returncode == 1 and "nothing imported" in unreadable.stderr
    assert await _versions(pool) == before
