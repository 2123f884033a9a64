"""The refresh function (src/functions/refresh_ecs.py) against moto's ECS, with the event
EventBridge delivers for a successful rotation."""

import json

import boto3
import pytest
from moto import mock_aws

from conftest import REGION, load_function

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-user-AbCdEf"

# The shape of a rotation-succeeded event in EventBridge: a CloudTrail service event.
ROTATION_SUCCEEDED = {
    "version": "0",
    "id": "5f3e0a51-0d6b-4a3f-9a3d-6f2bb0a1c0de",
    "detail-type": "AWS Service Event via CloudTrail",
    "source": "aws.secretsmanager",
    "account": "123456789012",
    "time": "2024-05-01T12:00:00Z",
    "region": REGION,
    "resources": [],
    "detail": {
        "eventVersion": "1.08",
        "userIdentity": {"accountId": "123456789012", "invokedBy": "secretsmanager.amazonaws.com"},
        "eventSource": "secretsmanager.amazonaws.com",
        "eventName": "RotationSucceeded",
        "awsRegion": REGION,
        "sourceIPAddress": "secretsmanager.amazonaws.com",
        "requestParameters": None,
        "responseElements": None,
        "additionalEventData": {"SecretId": SECRET_ARN},
        "eventType": "AwsServiceEvent",
        "recipientAccountId": "123456789012",
    },
}


@pytest.fixture
def ecs():
    with mock_aws():
        client = boto3.client("ecs", region_name=REGION)
        client.create_cluster(clusterName="app")
        client.register_task_definition(
            family="web",
            containerDefinitions=[{"name": "web", "image": "web:1", "memory": 512}],
        )
        for name in ("web", "worker"):
            client.create_service(
                cluster="app", serviceName=name, taskDefinition="web", desiredCount=1
            )
        yield client


def deployment_id(ecs, service):
    described = ecs.describe_services(cluster="app", services=[service])["services"][0]
    return described["deployments"][0]["id"]


def services_env(monkeypatch, services):
    monkeypatch.setenv("SERVICES", json.dumps(services))


def test_forces_a_new_deployment_of_every_service(ecs, monkeypatch):
    cluster_arn = ecs.describe_clusters(clusters=["app"])["clusters"][0]["clusterArn"]
    services_env(
        monkeypatch,
        [{"cluster": cluster_arn, "service": "web"}, {"cluster": "app", "service": "worker"}],
    )
    before = {s: deployment_id(ecs, s) for s in ("web", "worker")}
    result = load_function("refresh_ecs").handler(ROTATION_SUCCEEDED, None)
    assert result["secret"] == SECRET_ARN
    assert [arn.rsplit("/", 1)[-1] for arn in result["refreshed"]] == ["web", "worker"]
    for s in ("web", "worker"):
        assert deployment_id(ecs, s) != before[s], f"{s} got no new deployment"


def test_one_failing_service_does_not_stop_the_others(ecs, monkeypatch):
    services_env(
        monkeypatch,
        [{"cluster": "app", "service": "gone"}, {"cluster": "app", "service": "worker"}],
    )
    before = deployment_id(ecs, "worker")
    with pytest.raises(RuntimeError, match="app/gone"):
        load_function("refresh_ecs").handler(ROTATION_SUCCEEDED, None)
    assert deployment_id(ecs, "worker") != before


def test_refuses_an_empty_service_list(ecs, monkeypatch):
    services_env(monkeypatch, [])
    with pytest.raises(ValueError, match="no ECS service"):
        load_function("refresh_ecs").handler(ROTATION_SUCCEEDED, None)
