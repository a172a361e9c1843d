"""The Kubernetes manifests validate offline against the API schemas, and carry what an operator
needs: probes, resources, non-root containers, secrets from Secret objects, disruption budgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes"


def _documents() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    return [
        (name, doc)
        for name in kustomization["resources"]
        for doc in yaml.safe_load_all((DEPLOY / name).read_text())
        if doc
    ]


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize(("name", "doc"), _documents(), ids=lambda v: str(v)[:40])
def test_each_resource_validates_strictly(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, "1.33", strict=True)


def _deployments() -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in _documents() if d["kind"] == "Deployment"}


def test_every_container_is_probed_limited_non_root_and_gets_secrets_from_secrets() -> None:
    deployments = _deployments()
    assert set(deployments) == {"trainops-api", "trainops-worker", "trainops-projector"}
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert "readinessProbe" in container, name
            assert {"requests", "limits"} <= set(container["resources"]), name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            text = yaml.safe_dump(container)
            assert "password" not in text.lower() and "TRAINOPS_SIGNING_KEY:" not in text
    api = deployments["trainops-api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_api_and_workers_have_disruption_budgets() -> None:
    budgets = {d["metadata"]["name"] for _, d in _documents() if d["kind"] == "PodDisruptionBudget"}
    assert budgets == {"trainops-api", "trainops-worker"}


def test_only_the_api_receives_the_signing_key() -> None:
    for name, deployment in _deployments().items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        whole_secret = any("secretRef" in ref for ref in container.get("envFrom", []))
        assert whole_secret == (name == "trainops-api"), name


def test_workers_and_the_api_reach_temporal_over_mutual_tls_and_report_their_health() -> None:
    settings = next(d for _, d in _documents() if d["kind"] == "ConfigMap")["data"]
    assert settings["TRAINOPS_TEMPORAL_TLS_CERT_FILE"] == "/certs/client.pem"
    assert settings["TRAINOPS_TEMPORAL_TLS_KEY_FILE"] == "/certs/client-key.pem"
    assert settings["TRAINOPS_TEMPORAL_TLS_CA_FILE"] == "/certs/ca.pem"
    deployments = _deployments()
    for name in ("trainops-api", "trainops-worker"):
        pod = deployments[name]["spec"]["template"]["spec"]
        secrets = {v["name"]: v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
        assert secrets == {"temporal-tls": "trainops-temporal-tls"}, name
        tls = next(v["secret"] for v in pod["volumes"] if v["name"] == "temporal-tls")
        mounted = {item["key"]: item["path"] for item in tls["items"]}  # only these, never a CA key
        assert mounted == {n: n for n in ("ca.pem", "client.pem", "client-key.pem")}, name
        mounts = {m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
        assert "/certs" in mounts, name
    for name in ("trainops-worker", "trainops-projector"):
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["exec"]["command"][:2] == ["trainops", "health"], name
