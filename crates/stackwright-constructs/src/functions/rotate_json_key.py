"""Rotates one key of a JSON key-value secret and keeps every other key.

Secrets Manager calls handler() for each step with SecretId, ClientRequestToken and Step.
createSecret stores AWSCURRENT with a new random ROTATION_KEY as AWSPENDING (once per
token); setSecret and testSecret call set_secret() and test_secret(), no-ops unless hooks
appended to this file redefine them; finishSecret moves AWSCURRENT to the new version.
Also read: PASSWORD_LENGTH (32), EXCLUDE_CHARACTERS, EXCLUDE_PUNCTUATION ("true").
"""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    client = boto3.client(
        "secretsmanager", endpoint_url=os.environ.get("SECRETS_MANAGER_ENDPOINT") or None
    )
    metadata = client.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise ValueError(f"secret {arn} is not enabled for rotation")
    stages = metadata.get("VersionIdsToStages", {})
    if token not in stages:
        raise ValueError(f"version {token} of secret {arn} has no stage for rotation")
    if "AWSCURRENT" in stages[token]:
        logger.info("%s: %s is already AWSCURRENT", arn, token)
        return
    if "AWSPENDING" not in stages[token]:
        raise ValueError(f"version {token} of secret {arn} is not AWSPENDING")

    if step == "createSecret":
        create_secret(client, arn, token)
    elif step == "setSecret":
        set_secret(client, arn, token, pending_value(client, arn, token))
    elif step == "testSecret":
        test_secret(client, arn, token, pending_value(client, arn, token))
    elif step == "finishSecret":
        finish_secret(client, arn, token)
    else:
        raise ValueError(f"unknown step {step!r}")


def rotation_key():
    key = os.environ.get("ROTATION_KEY", "")
    if not key:
        raise ValueError("ROTATION_KEY is not set: name the key of the secret to rotate")
    return key


def load(secret_string, arn):
    try:
        value = json.loads(secret_string)
    except (TypeError, ValueError):
        value = None
    if not isinstance(value, dict):
        raise ValueError(f"the value of secret {arn} is not a JSON object")
    return value


def create_secret(client, arn, token):
    """Stores AWSCURRENT with a new value under ROTATION_KEY as AWSPENDING, once per token."""
    key = rotation_key()
    current = load(
        client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"], arn
    )
    if key not in current:
        raise ValueError(f"the value of secret {arn} has no key {key!r}")
    try:
        client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        logger.info("createSecret: %s: %s has a value already", arn, token)
        return
    except client.exceptions.ResourceNotFoundException:
        pass
    pending = dict(current)
    pending[key] = client.get_random_password(**password_options())["RandomPassword"]
    client.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps(pending),
        VersionStages=["AWSPENDING"],
    )
    logger.info("createSecret: %s: stored %s as AWSPENDING", arn, token)


def password_options():
    options = {"PasswordLength": int(os.environ.get("PASSWORD_LENGTH") or 32)}
    if os.environ.get("EXCLUDE_CHARACTERS"):
        options["ExcludeCharacters"] = os.environ["EXCLUDE_CHARACTERS"]
    if os.environ.get("EXCLUDE_PUNCTUATION", "").lower() == "true":
        options["ExcludePunctuation"] = True
    return options


def pending_value(client, arn, token):
    response = client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    return load(response["SecretString"], arn)


def set_secret(client, arn, token, pending):
    """Hook: make the service that checks the credential accept `pending` (a dict)."""
    logger.info("setSecret: nothing to do for secret %s", arn)


def test_secret(client, arn, token, pending):
    """Hook: try the pending credential; raise to stop the rotation."""
    logger.info("testSecret: nothing to do for secret %s", arn)


def finish_secret(client, arn, token):
    """Moves AWSCURRENT to the new version."""
    stages = client.describe_secret(SecretId=arn)["VersionIdsToStages"]
    current = next((v for v, s in stages.items() if "AWSCURRENT" in s), None)
    if current == token:
        logger.info("finishSecret: %s: %s is already AWSCURRENT", arn, token)
        return
    client.update_secret_version_stage(
        SecretId=arn,
        VersionStage="AWSCURRENT",
        MoveToVersionId=token,
        RemoveFromVersionId=current,
    )
    logger.info("finishSecret: %s: %s is now AWSCURRENT", arn, token)
