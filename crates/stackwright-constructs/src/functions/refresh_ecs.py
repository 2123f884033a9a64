"""After a secret rotated, forces a new deployment of the ECS services that read it.

EventBridge calls handler() with the RotationSucceeded event. Tasks read secrets when they
start, so each service in SERVICES (JSON: [{"cluster": ..., "service": ...}]) gets
UpdateService with forceNewDeployment. A failure does not stop the others; the call fails
afterwards, so EventBridge retries it.
"""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    detail = event.get("detail") or {}
    secret = (detail.get("additionalEventData") or {}).get("SecretId")
    logger.info("%s for secret %s", detail.get("eventName"), secret)
    services = json.loads(os.environ.get("SERVICES") or "[]")
    if not services:
        raise ValueError("SERVICES names no ECS service")
    client = boto3.client("ecs")
    refreshed, failed = [], []
    for s in services:
        try:
            response = client.update_service(
                cluster=s["cluster"], service=s["service"], forceNewDeployment=True
            )
            refreshed.append(response["service"]["serviceArn"])
            logger.info("new deployment of %s in %s", s["service"], s["cluster"])
        except Exception as e:  # keep refreshing the others
            logger.error("cannot redeploy %s in %s: %s", s.get("service"), s.get("cluster"), e)
            failed.append(f"{s.get('cluster')}/{s.get('service')}: {e}")
    if failed:
        raise RuntimeError("new deployment failed for " + "; ".join(failed))
    return {"secret": secret, "refreshed": refreshed}
