"""The event patterns the rotation_refresh example emits (read from its reviewed snapshot)
against rotation events shaped as EventBridge delivers them, with moto's pattern matcher."""

import copy
import json

import pytest
from moto.events.models import EventPattern

from conftest import WORKSPACE

SNAPSHOT = WORKSPACE / "crates" / "stackwright" / "tests" / "snapshots" / "template_rotation_refresh_example.snap"
ACCOUNT = "123456789012"


def fake_arn(logical_id):
    return f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{logical_id}-AbCdEf"


def resolve_refs(value):
    """Replaces {"Ref": <secret>} with an ARN, as CloudFormation does on deploy."""
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return fake_arn(value["Ref"])
        return {k: resolve_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_refs(v) for v in value]
    return value


def template():
    text = SNAPSHOT.read_text()
    body = text.split("\n---\n", 1)[1]
    return json.loads(body)


def rules():
    t = template()
    found = {}
    for logical_id, resource in t["Resources"].items():
        if resource["Type"] == "AWS::Events::Rule":
            pattern = resolve_refs(resource["Properties"]["EventPattern"])
            found[pattern["detail"]["eventName"][0]] = EventPattern.load(json.dumps(pattern))
    return found, t


def secret_id(t, prefix):
    return next(
        k
        for k, r in t["Resources"].items()
        if r["Type"] == "AWS::SecretsManager::Secret" and k.startswith(prefix)
    )


def event(name, secret_arn, detail_type="AWS Service Event via CloudTrail"):
    return {
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": detail_type,
        "source": "aws.secretsmanager",
        "account": ACCOUNT,
        "time": "2024-05-01T12:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {"accountId": ACCOUNT, "invokedBy": "secretsmanager.amazonaws.com"},
            "eventSource": "secretsmanager.amazonaws.com",
            "eventName": name,
            "requestParameters": None,
            "responseElements": None,
            "additionalEventData": {"SecretId": secret_arn},
            "eventType": "AwsServiceEvent",
            "recipientAccountId": ACCOUNT,
        },
    }


@pytest.fixture(scope="module")
def example():
    return rules()


def test_the_example_has_one_rule_per_outcome(example):
    found, _ = example
    assert sorted(found) == ["RotationFailed", "RotationSucceeded"]


@pytest.mark.parametrize("prefix", ["DbUserSecret", "PartnerApiKey"])
def test_rotation_succeeded_of_a_consumed_secret_triggers_the_refresh(example, prefix):
    found, t = example
    arn = fake_arn(secret_id(t, prefix))
    assert found["RotationSucceeded"].matches_event(event("RotationSucceeded", arn))
    assert not found["RotationFailed"].matches_event(event("RotationSucceeded", arn))


def test_rotation_failed_alerts_and_does_not_refresh(example):
    found, t = example
    arn = fake_arn(secret_id(t, "DbUserSecret"))
    assert found["RotationFailed"].matches_event(event("RotationFailed", arn))
    assert not found["RotationSucceeded"].matches_event(event("RotationFailed", arn))


def test_other_secrets_and_other_events_do_not_match(example):
    found, t = example
    admin = fake_arn(secret_id(t, "DbAdminSecret"))
    user = fake_arn(secret_id(t, "DbUserSecret"))
    succeeded = found["RotationSucceeded"]
    assert not succeeded.matches_event(event("RotationSucceeded", admin))
    for name in ("RotationStarted", "RotationAbandoned", "PutSecretValue"):
        assert not succeeded.matches_event(event(name, user))
    # The same name as an API call (detail-type of API calls) is not a rotation outcome.
    api_call = event("RotationSucceeded", user, detail_type="AWS API Call via CloudTrail")
    assert not succeeded.matches_event(api_call)
    other_source = copy.deepcopy(event("RotationSucceeded", user))
    other_source["source"] = "aws.ecs"
    assert not succeeded.matches_event(other_source)
