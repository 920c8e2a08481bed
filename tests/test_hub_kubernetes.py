"""The Kubernetes values cannot run here: check that they parse and hold the settings the guide
(hub/kubernetes/README.md) relies on, and that the manifests beside them agree with them."""

from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[1] / "hub" / "kubernetes"


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((K8S / "values.yaml").read_text())


def _manifests(name):
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]


def test_the_spawner_enforces_limits_and_offers_profiles(values):
    single = values["singleuser"]
    assert single["memory"]["limit"] == "1G" and single["memory"]["guarantee"] == "256M"
    assert single["cpu"]["limit"] == 1
    slugs = [p["slug"] for p in single["profileList"]]
    assert slugs == ["trainee", "instructor"]
    assert single["profileList"][1]["kubespawner_override"]["mem_limit"] == "4G"
    assert single["storage"]["type"] == "dynamic"


def test_the_exchange_is_one_read_write_many_volume_mounted_everywhere(values):
    single = values["singleuser"]["storage"]
    (vol,) = [v for v in single["extraVolumes"] if v["name"] == "nbgrader-exchange"]
    claim = vol["persistentVolumeClaim"]["claimName"]
    (pvc,) = [m for m in _manifests("exchange.yaml") if m["metadata"]["name"] == claim]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    (mount,) = [m for m in single["extraVolumeMounts"] if m["name"] == "nbgrader-exchange"]
    (config,) = [m for m in _manifests("exchange.yaml") if m["kind"] == "ConfigMap"]
    assert f'c.Exchange.root = "{mount["mountPath"]}"' in config["data"]["nbgrader_config.py"]
    datasets = [m for m in single["extraVolumeMounts"] if m["name"] == "datasets"]
    assert datasets and datasets[0]["readOnly"] is True


def test_each_course_has_a_formgrader_service_for_its_instructors_only(values):
    hub = values["hub"]
    courses = [name for name in hub["services"]]
    assert courses == ["seizure-analysis"]
    deployments = {
        m["metadata"]["name"] for m in _manifests("formgraders.yaml") if m["kind"] == "Deployment"
    }
    for course in courses:
        role = hub["loadRoles"][f"formgrade-{course}"]
        assert role["groups"] == [f"formgrade-{course}"]
        assert role["scopes"] == [f"access:services!service={course}"]
        assert f"nbgrader-{course}" in hub["loadGroups"]
        assert f"formgrader-{course}" in deployments
        assert hub["services"][course]["url"].startswith(f"http://formgrader-{course}:")
    csp = hub["config"]["JupyterHub"]["tornado_settings"]["headers"]["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp


def test_logins_come_from_the_roster_codes_and_idle_servers_are_culled(values):
    config = values["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"].endswith("RosterCodeAuthenticator")
    assert config["Authenticator"]["allow_all"] is False
    assert config["Authenticator"]["allowed_users"]
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600


def test_the_guide_names_every_setting_it_relies_on():
    guide = (K8S / "README.md").read_text()
    for setting in (
        "singleuser.memory.limit",
        "singleuser.profileList",
        "singleuser.storage.extraVolumes",
        "ReadWriteMany",
        "hub.services",
        "hub.loadRoles",
        "cull.enabled",
        "frame-ancestors",
        "Collect.require_owner",
    ):
        assert setting in guide, setting
