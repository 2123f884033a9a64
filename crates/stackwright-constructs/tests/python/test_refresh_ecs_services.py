"""The refresh of several services of an app, as synthesized (snapshot
template_ecs_refresh_services: two Fargate services that read a rotated database secret,
found by `all_consumers`, and a rotated secret `Unread` that no service reads): the function
runs with the template's SERVICES against moto's ECS, and the rule fires for the secret the
services read and not for the one nobody reads."""

import json

import boto3
import pytest
from moto import mock_aws
from moto.events.models import EventPattern

from conftest import REGION, WORKSPACE, load_function
from test_event_patterns import event, fake_arn

SNAPSHOT = WORKSPACE / "crates" / "stackwright" / "tests" / "snapshots" / "template_ecs_refresh_services.snap"


def template():
    text = SNAPSHOT.read_text()
    return json.loads(text.split("\n---\n", 1)[1])


def evaluate(value, refs):
    """Evaluates the intrinsics the SERVICES value uses, with `refs` for each Ref."""
    if isinstance(value, str):
        return value
    (name, arg), = value.items()
    if name == "Ref":
        return refs[arg]
    if name == "Fn::Join":
        sep, parts = arg
        return sep.join(evaluate(p, refs) for p in parts)
    if name == "Fn::Select":
        index, listed = arg
        return evaluate(listed, refs)[index]
    if name == "Fn::Split":
        sep, text = arg
        return evaluate(text, refs).split(sep)
    raise AssertionError(f"unexpected intrinsic {name}")


def of_type(t, resource_type):
    return {k: r for k, r in t["Resources"].items() if r["Type"] == resource_type}


@pytest.fixture
def deployed():
    """moto's ECS with the snapshot's cluster and services, and the Ref of each."""
    t = template()
    with mock_aws():
        client = boto3.client("ecs", region_name=REGION)
        (cluster_id,) = of_type(t, "AWS::ECS::Cluster")
        client.create_cluster(clusterName="app")
        client.register_task_definition(
            family="web",
            containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}],
        )
        refs = {cluster_id: "app"}
        for i, service_id in enumerate(of_type(t, "AWS::ECS::Service")):
            created = client.create_service(
                cluster="app", serviceName=f"svc{i}", taskDefinition="web", desiredCount=1
            )
            refs[service_id] = created["service"]["serviceArn"]
        yield t, client, refs


def deployment_id(ecs, service):
    described = ecs.describe_services(cluster="app", services=[service])["services"][0]
    return described["deployments"][0]["id"]


def test_the_function_redeploys_every_service_that_reads_the_secret(deployed, monkeypatch):
    t, ecs, refs = deployed
    functions = {
        k: r
        for k, r in of_type(t, "AWS::Lambda::Function").items()
        if "SERVICES" in r["Properties"].get("Environment", {}).get("Variables", {})
    }
    (function,) = functions.values()
    services = evaluate(function["Properties"]["Environment"]["Variables"]["SERVICES"], refs)
    assert [s["service"] for s in json.loads(services)] == ["svc0", "svc1"]
    monkeypatch.setenv("SERVICES", services)
    before = {s: deployment_id(ecs, s) for s in ("svc0", "svc1")}
    secret = fake_arn("Db")
    result = load_function("refresh_ecs").handler(event("RotationSucceeded", secret), None)
    assert result["secret"] == secret
    assert [arn.rsplit("/", 1)[-1] for arn in result["refreshed"]] == ["svc0", "svc1"]
    for s in ("svc0", "svc1"):
        assert deployment_id(ecs, s) != before[s], f"{s} got no new deployment"


def test_the_rule_fires_for_the_read_secret_only(deployed):
    t, _, _ = deployed
    (rule,) = of_type(t, "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    (read_id,) = [s["Ref"] for s in pattern["detail"]["additionalEventData"]["SecretId"]]
    unread_id = next(k for k in of_type(t, "AWS::SecretsManager::Secret") if k.startswith("Unread"))
    pattern["detail"]["additionalEventData"]["SecretId"] = [fake_arn(read_id)]
    matcher = EventPattern.load(json.dumps(pattern))
    assert matcher.matches_event(event("RotationSucceeded", fake_arn(read_id)))
    assert not matcher.matches_event(event("RotationSucceeded", fake_arn(unread_id)))
    # The unread secret does rotate: a rotation nobody needs to follow.
    assert any(
        r["Properties"]["SecretId"] == {"Ref": unread_id}
        for r in of_type(t, "AWS::SecretsManager::RotationSchedule").values()
    )
