"""Rotates one key of a JSON key-value secret and keeps every other key.

Secrets Manager invokes handler() once per step with the secret's ARN (SecretId), the id
of the new version (ClientRequestToken) and the Step:

- createSecret: copy AWSCURRENT, give ROTATION_KEY a new value from GetRandomPassword and
  store the result as AWSPENDING under the token (nothing happens when the token's version
  already has a value, so a retried step changes nothing);
- setSecret, testSecret: call set_secret() / test_secret(), which do nothing here; redefine
  them after this module (the construct appends your hooks) to change the credential
  where it is checked and to try it;
- finishSecret: move AWSCURRENT to the new version (Secrets Manager then labels the old
  one AWSPREVIOUS).

Environment: ROTATION_KEY (required), PASSWORD_LENGTH (default 32), EXCLUDE_CHARACTERS,
EXCLUDE_PUNCTUATION ("true"), SECRETS_MANAGER_ENDPOINT (optional endpoint URL).
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
        logger.info("version %s of secret %s is already AWSCURRENT", token, arn)
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
        logger.info("createSecret: version %s of secret %s already has a value", token, arn)
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
    logger.info("createSecret: stored version %s of secret %s as AWSPENDING", token, arn)


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
        logger.info("finishSecret: version %s of secret %s is already AWSCURRENT", token, arn)
        return
    client.update_secret_version_stage(
        SecretId=arn,
        VersionStage="AWSCURRENT",
        MoveToVersionId=token,
        RemoveFromVersionId=current,
    )
    logger.info("finishSecret: version %s of secret %s is now AWSCURRENT", token, arn)
