"""The deployment files say what README's "Running in production" says: one image for serve, worker and
migrate, run as an unprivileged user; the API probed on /health/ready and /health/live; secrets only
through Secret references; every workload with the resources it was measured to need."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli import main as motcua

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRET_LOOKING = re.compile(r"SECRET|TOKEN|PASSWORD|_KEY$|DATABASE_URL|REDIS_URL")


def documents(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            yield from (doc for doc in yaml.safe_load_all(path.read_text()) if doc)


def kustomization(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((folder / "kustomization.yaml").read_text())
    return loaded


def workloads() -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents(DEPLOY / "base") if doc["kind"] in {"Deployment", "Job"}}


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workload["spec"]["template"]["spec"]["containers"]
    return found


def test_every_resource_a_kustomization_names_exists() -> None:
    for folder in (DEPLOY / "base", DEPLOY / "overlays" / "production"):
        for resource in kustomization(folder)["resources"]:
            assert (folder / resource).exists(), f"{folder.name} names {resource}, which is missing"


def test_the_worker_is_probed_on_its_probe_port() -> None:
    worker = containers(workloads()["motcua-worker"])[0]
    env = {e["name"]: e["value"] for e in worker["env"]}
    port = {p["name"]: p["containerPort"] for p in worker["ports"]}
    assert worker["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert worker["livenessProbe"]["httpGet"]["path"] == "/health/live"
    for probe in ("readinessProbe", "livenessProbe"):
        assert str(port[worker[probe]["httpGet"]["port"]]) == env["MOTCUA_WORKER_PROBE_PORT"]
    assert env["MOTCUA_WORKER_PROBE_HOST"] == "0.0.0.0"


def test_the_api_the_worker_and_the_migration_run_the_commands_motcua_has() -> None:
    found = {name: containers(w)[0]["args"][0] for name, w in workloads().items()}
    assert found == {"motcua-api": "serve", "motcua-worker": "worker", "motcua-migrate": "migrate"}
    assert set(found.values()) <= set(motcua.commands)


def test_the_api_is_probed_on_health_ready_and_health_live_on_its_own_port() -> None:
    api = containers(workloads()["motcua-api"])[0]
    port = {p["name"]: p["containerPort"] for p in api["ports"]}
    assert api["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert api["livenessProbe"]["httpGet"]["path"] == "/health/live"
    for probe in ("readinessProbe", "livenessProbe"):
        assert api[probe]["httpGet"]["port"] in port
    assert "--port" in api["args"]
    assert str(port[api["readinessProbe"]["httpGet"]["port"]]) == api["args"][api["args"].index("--port") + 1]


@pytest.mark.parametrize("name", ["motcua-api", "motcua-worker", "motcua-migrate"])
def test_secrets_come_only_from_secret_references(name: str) -> None:
    container = containers(workloads()[name])[0]
    for variable in container.get("env", []):
        if SECRET_LOOKING.search(variable["name"]):
            assert "secretKeyRef" in variable.get("valueFrom", {}), variable["name"]
    assert {"secretRef": {"name": "motcua-secrets"}} in container["envFrom"]
    literals = [
        line.split("=", 1)[0]
        for gen in kustomization(DEPLOY / "base")["configMapGenerator"]
        + kustomization(DEPLOY / "overlays" / "production")["configMapGenerator"]
        for line in gen["literals"]
    ]
    assert not [key for key in literals if SECRET_LOOKING.search(key)]


@pytest.mark.parametrize("name", ["motcua-api", "motcua-worker", "motcua-migrate"])
def test_every_workload_runs_unprivileged_with_requests_and_a_memory_limit(name: str) -> None:
    workload = workloads()[name]
    pod = workload["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    for container in containers(workload):
        assert container["image"] == "motcua"
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"])
        assert "memory" in resources["limits"]


def test_the_autoscaler_scales_the_api_between_two_and_more_replicas() -> None:
    (hpa,) = [doc for doc in documents(DEPLOY / "base") if doc["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "motcua-api"}
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_the_image_is_built_in_stages_from_the_lock_and_runs_as_the_same_unprivileged_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) >= 2
    assert "uv sync --frozen --no-dev" in dockerfile
    assert re.search(r"^USER 10001", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["motcua"]' in dockerfile


def test_compose_runs_the_api_a_worker_postgresql_and_redis_after_the_migration() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api", "worker"} <= set(services)
    assert services["api"]["command"][0] == "serve"
    assert services["worker"]["command"] == ["worker"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "deploy/compose.env" in (ROOT / ".gitignore").read_text().split()


def rendered() -> list[dict[str, Any]]:
    """What `kubectl kustomize` makes of the production overlay (kubectl comes with the dev tools)."""
    kubectl = Path(sys.executable).with_name("kubectl")
    out = subprocess.run(
        [str(kubectl), "kustomize", str(DEPLOY / "overlays" / "production")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def test_the_production_overlay_renders_and_every_pod_reads_the_generated_settings() -> None:
    docs = rendered()
    kinds = sorted(doc["kind"] for doc in docs)
    assert kinds == sorted(
        [
            "ConfigMap",
            "Deployment",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Job",
            "Namespace",
            "PersistentVolumeClaim",
            "PodDisruptionBudget",
            "Service",
        ]
    )
    (config,) = [doc for doc in docs if doc["kind"] == "ConfigMap"]
    assert config["data"]["MOTCUA_ENV"] == "production"
    assert config["data"]["MOTCUA_PROVINCE"]
    for doc in docs:
        assert doc["metadata"].get("namespace", "motcua") == "motcua"
        if doc["kind"] in {"Deployment", "Job"}:
            for container in doc["spec"]["template"]["spec"]["containers"]:
                assert {"configMapRef": {"name": config["metadata"]["name"]}} in container["envFrom"]
                assert container["image"].startswith("registry.example.vn/motcua:")
    (worker,) = [doc for doc in docs if doc["metadata"]["name"] == "motcua-worker"]
    assert worker["spec"]["replicas"] == 2
