#!/usr/bin/env node
// The mission stack with aws-cdk-lib 2.276.0, for the side-by-side in `.ci/bench --with-cdk`:
// the same construct calls as `mission('MissionStack', ...)` in
// crates/stackwright/tests/cdk-reference/app.js (and so as examples/synth.rs), and nothing
// else, so that the CDK's figure is for the same single stack.
//
// Usage: CDK_NODE_MODULES=<dir containing aws-cdk-lib and constructs> node mission.js <outdir> [copies]
// With copies > 1 the app holds that many copies of the stack (MissionStack, Mission1, ...).
'use strict';

const path = require('path');

const nodeModules = process.env.CDK_NODE_MODULES;
const outdir = process.argv[2];
const copies = Number(process.argv[3] || '1');
if (!nodeModules || !outdir || !(copies >= 1)) {
  console.error('usage: CDK_NODE_MODULES=<dir> node mission.js <outdir> [copies]');
  process.exit(2);
}
const lib = (m) => require(path.join(path.resolve(nodeModules), m));

const cdk = lib('aws-cdk-lib');
const ec2 = lib('aws-cdk-lib/aws-ec2');
const rds = lib('aws-cdk-lib/aws-rds');
const secretsmanager = lib('aws-cdk-lib/aws-secretsmanager');

const app = new cdk.App({ outdir: path.resolve(outdir), analyticsReporting: false });
const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
const exclude = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

function mission(id) {
  const stack = new cdk.Stack(app, id);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const epSg = new ec2.SecurityGroup(stack, 'SecretManagerEpSg', {
    vpc,
    description: 'Secrets Manager endpoint: HTTPS from the VPC',
  });
  epSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
  new ec2.InterfaceVpcEndpoint(stack, 'SecretManagerEndpoint', {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [epSg],
    privateDnsEnabled: true,
  });
  const admin = new secretsmanager.Secret(stack, 'DbAdminSecret', {
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'admin' }),
      generateStringKey: 'password',
      excludeCharacters: exclude,
    },
  });
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromSecret(admin),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  new secretsmanager.SecretRotation(stack, 'DbAdminSecretRotation', {
    application: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_SINGLE_USER,
    secret: cluster.secret,
    target: cluster,
    vpc,
    vpcSubnets: isolated,
    excludeCharacters: exclude,
    rotateImmediatelyOnUpdate: false,
  });
  const user = new secretsmanager.Secret(stack, 'DbUserSecret', {
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'app_user' }),
      generateStringKey: 'password',
      excludeCharacters: exclude,
    },
  });
  new secretsmanager.SecretRotation(stack, 'DbUserSecretRotation', {
    application: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_MULTI_USER,
    secret: user.attach(cluster),
    masterSecret: cluster.secret,
    target: cluster,
    vpc,
    vpcSubnets: isolated,
    excludeCharacters: exclude,
    rotateImmediatelyOnUpdate: false,
  });
}

for (let i = 0; i < copies; i++) {
  mission(i === 0 ? 'MissionStack' : `Mission${i}`);
}
app.synth();
