"""The JSON-key rotation function (src/functions/rotate_json_key.py) run step by step against
moto's Secrets Manager, as Secrets Manager runs it."""

import json
import string
import time
import uuid

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.secretsmanager.models import secretsmanager_backends

from conftest import REGION, load_function

STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"]
ORIGINAL = {"client_id": "shop", "api_key": "old-key-value", "url": "https://partner.example"}


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("ROTATION_KEY", "api_key")
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)


@pytest.fixture
def secret(client):
    return client.create_secret(Name="partner-api", SecretString=json.dumps(ORIGINAL))["ARN"]


def start_rotation(arn):
    """What Secrets Manager does before it invokes the function (moto's RotateSecret can only
    invoke functions it runs itself): rotation is on, and a version labelled AWSPENDING with
    no value exists under the new token."""
    store = secretsmanager_backends[DEFAULT_ACCOUNT_ID][REGION].secrets[arn]
    store.rotation_requested = True
    store.rotation_enabled = True
    store.auto_rotate_after_days = 30
    token = str(uuid.uuid4())
    store.versions[token] = {
        "createdate": int(time.time()),
        "version_id": token,
        "version_stages": ["AWSPENDING"],
    }
    return token


def invoke(module, arn, token, step):
    return module.handler({"SecretId": arn, "ClientRequestToken": token, "Step": step}, None)


def rotate(module, arn):
    token = start_rotation(arn)
    for step in STEPS:
        invoke(module, arn, token, step)
    return token


def stages(client, arn):
    return client.describe_secret(SecretId=arn)["VersionIdsToStages"]


def value(client, arn, **kwargs):
    """The JSON value of a version (by default the one labelled AWSCURRENT)."""
    if not kwargs:
        kwargs = {"VersionStage": "AWSCURRENT"}
    return json.loads(client.get_secret_value(SecretId=arn, **kwargs)["SecretString"])


def current_version(client, arn):
    return next(v for v, s in stages(client, arn).items() if "AWSCURRENT" in s)


def test_four_steps_rotate_only_the_named_key(client, secret):
    module = load_function("rotate_json_key")
    old_version = current_version(client, secret)
    token = rotate(module, secret)

    labels = stages(client, secret)
    assert "AWSCURRENT" in labels[token]
    assert "AWSPREVIOUS" in labels[old_version]
    assert "AWSCURRENT" not in labels[old_version]
    assert [v for v, s in labels.items() if "AWSPENDING" in s and v != token] == []

    new = value(client, secret)
    assert new["api_key"] != ORIGINAL["api_key"]
    assert len(new["api_key"]) == 32
    assert {k: v for k, v in new.items() if k != "api_key"} == {
        k: v for k, v in ORIGINAL.items() if k != "api_key"
    }
    assert value(client, secret, VersionStage="AWSPREVIOUS") == ORIGINAL


def test_create_secret_is_idempotent_on_the_token(client, secret):
    module = load_function("rotate_json_key")
    token = start_rotation(secret)
    invoke(module, secret, token, "createSecret")
    first = value(client, secret, VersionId=token, VersionStage="AWSPENDING")
    invoke(module, secret, token, "createSecret")
    again = value(client, secret, VersionId=token, VersionStage="AWSPENDING")
    assert first == again
    assert value(client, secret) == ORIGINAL, "AWSCURRENT is untouched until finishSecret"
    assert len(stages(client, secret)) == 2


def test_finish_is_a_no_op_once_current(client, secret):
    module = load_function("rotate_json_key")
    token = rotate(module, secret)
    rotated = value(client, secret)
    for step in STEPS:
        invoke(module, secret, token, step)
    assert value(client, secret) == rotated
    assert "AWSCURRENT" in stages(client, secret)[token]


def test_two_rotations_in_a_row(client, secret):
    module = load_function("rotate_json_key")
    first = rotate(module, secret)
    second = rotate(module, secret)
    labels = stages(client, secret)
    assert "AWSCURRENT" in labels[second]
    assert "AWSPREVIOUS" in labels[first]
    assert value(client, secret)["client_id"] == "shop"


def test_password_options_from_the_environment(client, secret, monkeypatch):
    monkeypatch.setenv("PASSWORD_LENGTH", "20")
    monkeypatch.setenv("EXCLUDE_PUNCTUATION", "true")
    monkeypatch.setenv("EXCLUDE_CHARACTERS", "abcdefABCDEF")
    module = load_function("rotate_json_key")
    rotate(module, secret)
    key = value(client, secret)["api_key"]
    assert len(key) == 20
    assert not set(key) & set(string.punctuation)
    assert not set(key) & set("abcdefABCDEF")


def test_hooks_replace_set_and_test(client, secret):
    module = load_function(
        "rotate_json_key",
        hooks="""
calls = []

def set_secret(client, arn, token, pending):
    calls.append(("set", pending["api_key"]))

def test_secret(client, arn, token, pending):
    calls.append(("test", pending["api_key"]))
""",
    )
    rotate(module, secret)
    new_key = value(client, secret)["api_key"]
    assert module.calls == [("set", new_key), ("test", new_key)]


def test_a_failing_test_hook_keeps_the_old_value_current(client, secret):
    module = load_function(
        "rotate_json_key",
        hooks="""
def test_secret(client, arn, token, pending):
    raise RuntimeError("the partner rejects the new key")
""",
    )
    old_version = current_version(client, secret)
    token = start_rotation(secret)
    invoke(module, secret, token, "createSecret")
    invoke(module, secret, token, "setSecret")
    with pytest.raises(RuntimeError, match="rejects"):
        invoke(module, secret, token, "testSecret")
    assert current_version(client, secret) == old_version
    assert value(client, secret) == ORIGINAL
    assert stages(client, secret)[token] == ["AWSPENDING"]


def test_rejects_a_value_that_is_not_json(client):
    arn = client.create_secret(Name="plain", SecretString="not json")["ARN"]
    module = load_function("rotate_json_key")
    token = start_rotation(arn)
    with pytest.raises(ValueError, match="not a JSON object"):
        invoke(module, arn, token, "createSecret")
    current = client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    assert current["SecretString"] == "not json"


def test_rejects_a_secret_without_the_key(client, monkeypatch):
    monkeypatch.setenv("ROTATION_KEY", "token")
    arn = client.create_secret(Name="other", SecretString=json.dumps(ORIGINAL))["ARN"]
    module = load_function("rotate_json_key")
    token = start_rotation(arn)
    with pytest.raises(ValueError, match="has no key 'token'"):
        invoke(module, arn, token, "createSecret")


def test_refuses_a_secret_without_rotation(client, secret):
    module = load_function("rotate_json_key")
    with pytest.raises(ValueError, match="not enabled for rotation"):
        invoke(module, secret, str(uuid.uuid4()), "createSecret")


def test_refuses_a_token_that_is_not_pending(client, secret):
    module = load_function("rotate_json_key")
    start_rotation(secret)
    with pytest.raises(ValueError, match="no stage for rotation"):
        invoke(module, secret, str(uuid.uuid4()), "createSecret")
    current = current_version(client, secret)
    assert invoke(module, secret, current, "finishSecret") is None


def test_refuses_an_unknown_step(client, secret):
    module = load_function("rotate_json_key")
    token = start_rotation(secret)
    with pytest.raises(ValueError, match="unknown step"):
        invoke(module, secret, token, "rollbackSecret")
