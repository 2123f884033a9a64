"""The refresh of RDS-managed master secrets (read from the reviewed snapshot
template_ecs_managed_secret_refresh) against rotation events of `rds!cluster-...` and `rds!db-...`
secrets, shaped as EventBridge delivers Secrets Manager's rotation outcomes, with moto's pattern
matcher. The rule names each secret by `Fn::GetAtt <database>.MasterUserSecret.SecretArn`, which
CloudFormation resolves to the secret's complete ARN, as the event's SecretId carries it."""

import json
import zlib

import pytest
from moto.events.models import EventPattern

from conftest import WORKSPACE
from test_event_patterns import ACCOUNT, event

SNAPSHOT = (
    WORKSPACE / "crates" / "stackwright" / "tests" / "snapshots" / "template_ecs_managed_secret_refresh.snap"
)


def managed_arn(database_type, logical_id):
    """The complete ARN RDS gives its secret: `rds!cluster-<uuid>` or `rds!db-<uuid>`, then
    Secrets Manager's random suffix (a stand-in uuid per logical ID)."""
    kind = "cluster" if database_type == "AWS::RDS::DBCluster" else "db"
    uuid = f"{zlib.crc32(logical_id.encode()):08x}-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
    return f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!{kind}-{uuid}-AbCdEf"


def template():
    return json.loads(SNAPSHOT.read_text().split("\n---\n", 1)[1])


def resolve(value, resources):
    """Replaces `Fn::GetAtt [db, MasterUserSecret.SecretArn]` with the secret's ARN, as
    CloudFormation does on deploy."""
    if isinstance(value, dict):
        att = value.get("Fn::GetAtt")
        if set(value) == {"Fn::GetAtt"} and att[1] == "MasterUserSecret.SecretArn":
            return managed_arn(resources[att[0]]["Type"], att[0])
        return {k: resolve(v, resources) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, resources) for v in value]
    return value


@pytest.fixture(scope="module")
def managed():
    t = template()
    resources = t["Resources"]
    found = {}
    for resource in resources.values():
        if resource["Type"] == "AWS::Events::Rule":
            pattern = resolve(resource["Properties"]["EventPattern"], resources)
            found[pattern["detail"]["eventName"][0]] = EventPattern.load(json.dumps(pattern))
    databases = {
        r["Type"]: managed_arn(r["Type"], id)
        for id, r in resources.items()
        if r.get("Properties", {}).get("ManageMasterUserPassword") is True
    }
    return found, databases


def test_both_managed_secrets_are_named_by_their_complete_arn(managed):
    _, databases = managed
    assert sorted(databases) == ["AWS::RDS::DBCluster", "AWS::RDS::DBInstance"]
    assert ":secret:rds!cluster-" in databases["AWS::RDS::DBCluster"]
    assert ":secret:rds!db-" in databases["AWS::RDS::DBInstance"]


@pytest.mark.parametrize("database", ["AWS::RDS::DBCluster", "AWS::RDS::DBInstance"])
def test_an_rds_rotation_of_a_managed_secret_triggers_the_refresh(managed, database):
    found, databases = managed
    arn = databases[database]
    assert found["RotationSucceeded"].matches_event(event("RotationSucceeded", arn))
    assert found["RotationFailed"].matches_event(event("RotationFailed", arn))
    assert not found["RotationSucceeded"].matches_event(event("RotationFailed", arn))


def test_other_secrets_and_partial_arns_do_not_match(managed):
    found, databases = managed
    succeeded = found["RotationSucceeded"]
    cluster = databases["AWS::RDS::DBCluster"]
    # Another rds! secret of the account, and the ARN without its random suffix.
    other = cluster.replace("rds!cluster-", "rds!cluster-ff")
    assert not succeeded.matches_event(event("RotationSucceeded", other))
    assert not succeeded.matches_event(event("RotationSucceeded", cluster[: -len("-AbCdEf")]))
    assert not succeeded.matches_event(event("RotationStarted", cluster))
