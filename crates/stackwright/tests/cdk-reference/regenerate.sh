#!/usr/bin/env bash
# Regenerates the CDK reference templates in this folder.
#
# Installs aws-cdk-lib@2.276.0 and constructs@10 with npm into a temporary folder, runs
# app.js (default feature flags, no cdk.json, no context), and copies every
# <Stack>.template.json next to this script.
#
# Needs node and npm, and the npm registry. If CDK_NODE_MODULES is already set to a
# node_modules folder holding aws-cdk-lib@2.276.0 and constructs@10, the install is skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -z "${CDK_NODE_MODULES:-}" ]]; then
  (
    cd "$work"
    npm init -y >/dev/null
    npm install --no-audit --no-fund aws-cdk-lib@2.276.0 constructs@10 >/dev/null
  )
  export CDK_NODE_MODULES="$work/node_modules"
fi

# The CDK prints its own validation warnings for some stacks (e.g. SgRules); they do not
# change the templates.
node "$here/app.js" "$work/cdk.out"

rm -f "$here"/*.template.json
cp "$work"/cdk.out/*.template.json "$here"/
ls "$here"/*.template.json
