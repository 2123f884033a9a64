#!/usr/bin/env node
// Reference app: synthesizes, with aws-cdk-lib 2.276.0 and default feature flags, the
// construct trees that stackwright must reproduce. See README.md in this folder.
//
// Usage: CDK_NODE_MODULES=<dir containing aws-cdk-lib and constructs> node app.js <outdir>
// Optional: CDK_PATH_METADATA=1 adds aws:cdk:path metadata (for reading construct paths
// only; the committed reference templates are synthesized without it).
'use strict';

const path = require('path');

const nodeModules = process.env.CDK_NODE_MODULES;
if (!nodeModules) {
  console.error('app.js: set CDK_NODE_MODULES to a node_modules folder holding aws-cdk-lib@2.276.0 and constructs@10');
  process.exit(2);
}
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: CDK_NODE_MODULES=<dir> node app.js <outdir>');
  process.exit(2);
}
const lib = (m) => require(path.join(path.resolve(nodeModules), m));

const cdk = lib('aws-cdk-lib');
const ec2 = lib('aws-cdk-lib/aws-ec2');
const rds = lib('aws-cdk-lib/aws-rds');
const secretsmanager = lib('aws-cdk-lib/aws-secretsmanager');
const kms = lib('aws-cdk-lib/aws-kms');
const iam = lib('aws-cdk-lib/aws-iam');
const lambda = lib('aws-cdk-lib/aws-lambda');
const events = lib('aws-cdk-lib/aws-events');
const targets = lib('aws-cdk-lib/aws-events-targets');
const sns = lib('aws-cdk-lib/aws-sns');
const ecs = lib('aws-cdk-lib/aws-ecs');

const EXPECTED = '2.276.0';
const version = lib('aws-cdk-lib/package.json').version;
if (version !== EXPECTED) {
  console.error(`app.js: expected aws-cdk-lib ${EXPECTED}, found ${version}`);
  process.exit(2);
}

const context = {};
if (process.env.CDK_PATH_METADATA === '1') {
  context['aws:cdk:enable-path-metadata'] = true;
}
const app = new cdk.App({ outdir: path.resolve(outdir), analyticsReporting: false, context });

const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
const exclude = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

// --- Vpc variants -------------------------------------------------------------------------
{
  const stack = new cdk.Stack(app, 'VpcDefault');
  new ec2.Vpc(stack, 'Vpc');
}
{
  const stack = new cdk.Stack(app, 'VpcIsolated');
  new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}
{
  const stack = new cdk.Stack(app, 'VpcPublicPrivate');
  new ec2.Vpc(stack, 'Vpc', {
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
}
{
  const stack = new cdk.Stack(app, 'VpcThreeAz');
  new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
}

// NAT gateways: a private subnet in a zone without a NAT gateway takes the gateways in turn,
// one counter for the whole VPC (NatGatewayProvider's PrefSet.pick).
{
  const stack = new cdk.Stack(app, 'VpcNatRoundRobin');
  new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
    natGateways: 2,
  });
}
{
  const stack = new cdk.Stack(app, 'VpcNatRoundRobinGroups');
  new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    natGateways: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
    ],
  });
}

// Tags on the VPC reach every taggable resource under it (VpcProps::tag), sorted by key.
{
  const stack = new cdk.Stack(app, 'VpcTagged');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
  cdk.Tags.of(vpc).add('team', 'payments');
  cdk.Tags.of(vpc).add('Env', 'prod');
}

// --- Mission stacks (SAR rotation) ---------------------------------------------------------
function missionCommon(stack, secure) {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  // The secure mission (examples/synth.rs): one customer-managed key for storage and secrets.
  const key = secure
    ? new kms.Key(stack, 'DataKey', { enableKeyRotation: true, description: 'Encrypts the database and its secrets' })
    : undefined;
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
    encryptionKey: key,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'admin' }),
      generateStringKey: 'password',
      excludeCharacters: exclude,
    },
  });
  return { vpc, admin, key };
}

function mission(id, opts) {
  const stack = new cdk.Stack(app, id);
  const { vpc, admin, key } = missionCommon(stack, opts.secure);
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: opts.engine,
    credentials: rds.Credentials.fromSecret(admin),
    writer: rds.ClusterInstance.provisioned('writer'),
    readers: opts.readers,
    vpc,
    vpcSubnets: isolated,
    ...(opts.secure
      ? { storageEncryptionKey: key, iamAuthentication: true, monitoringInterval: cdk.Duration.seconds(60) }
      : {}),
  });
  new secretsmanager.SecretRotation(stack, 'DbAdminSecretRotation', {
    application: opts.single,
    secret: cluster.secret,
    target: cluster,
    vpc,
    vpcSubnets: isolated,
    excludeCharacters: exclude,
    rotateImmediatelyOnUpdate: false,
  });
  const user = new secretsmanager.Secret(stack, 'DbUserSecret', {
    encryptionKey: key,
    generateSecretString: {
      // The multi-user function reads the master secret's ARN from the user's value.
      secretStringTemplate: JSON.stringify({ username: 'app_user', masterarn: cluster.secret.secretArn }),
      generateStringKey: 'password',
      excludeCharacters: exclude,
    },
  });
  const attachedUser = user.attach(cluster);
  new secretsmanager.SecretRotation(stack, 'DbUserSecretRotation', {
    application: opts.multi,
    secret: attachedUser,
    masterSecret: cluster.secret,
    target: cluster,
    vpc,
    vpcSubnets: isolated,
    excludeCharacters: exclude,
    rotateImmediatelyOnUpdate: false,
  });
}

mission('MissionStack', {
  secure: true,
  engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
  readers: undefined,
  single: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_SINGLE_USER,
  multi: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_MULTI_USER,
});

mission('MissionPostgres', {
  engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_4 }),
  readers: [rds.ClusterInstance.provisioned('reader')],
  single: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
  multi: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_MULTI_USER,
});

// The mission tree as a CDK app without a key writes it (the starting point of a migration:
// README, "Moving a CDK app to stackwright").
mission('MissionMigrate', {
  engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
  readers: undefined,
  single: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_SINGLE_USER,
  multi: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_MULTI_USER,
});

// --- Security group rules ------------------------------------------------------------------
{
  const stack = new cdk.Stack(app, 'SgRules');
  const vpc = new ec2.Vpc(stack, 'Vpc');
  const a = new ec2.SecurityGroup(stack, 'A', { vpc, allowAllOutbound: true });
  new ec2.SecurityGroup(stack, 'B', { vpc, allowAllOutbound: false });
  const c = new ec2.SecurityGroup(stack, 'C', { vpc, allowAllOutbound: false });
  a.connections.allowFrom(c, ec2.Port.tcp(5432), 'c to a');
  a.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcpRange(8000, 8080));
  a.addIngressRule(ec2.Peer.ipv6('::/0'), ec2.Port.allTraffic());
  a.connections.allowInternally(ec2.Port.tcp(22));
  new ec2.InterfaceVpcEndpoint(stack, 'KmsEp', { vpc, service: ec2.InterfaceVpcEndpointAwsService.KMS });
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
}

// Egress rules: IPv6 rules are kept on a group that allows all (IPv4) outbound traffic, the
// "Disallow all traffic" placeholder goes only with the first IPv4 rule, inline egress
// descriptions read "from ...".
{
  const stack = new cdk.Stack(app, 'SgEgress');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const open = new ec2.SecurityGroup(stack, 'Open', { vpc });
  open.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
  open.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
  const v6 = new ec2.SecurityGroup(stack, 'V6Only', { vpc, allowAllOutbound: false });
  v6.addEgressRule(ec2.Peer.ipv6('2001:db8::/32'), ec2.Port.udp(53), 'DNS over IPv6');
  const mixed = new ec2.SecurityGroup(stack, 'Mixed', { vpc, allowAllOutbound: false });
  mixed.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
  mixed.addEgressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.allTcp());
  mixed.addEgressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.allTcp(), 'a duplicate');
  const dual = new ec2.SecurityGroup(stack, 'Dual', { vpc, allowAllIpv6Outbound: true });
  dual.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
  const dualClosed = new ec2.SecurityGroup(stack, 'DualClosed', { vpc, allowAllOutbound: false, allowAllIpv6Outbound: true });
  dualClosed.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443));
}

// disableInlineRules: the default egress (allow all, or the placeholder) is a standalone
// rule too; rules whose peer is a token are numbered ({IndirectPeer}, '{IndirectPeer2}', ...).
{
  const stack = new cdk.Stack(app, 'SgStandalone');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const open = new ec2.SecurityGroup(stack, 'Open', { vpc, disableInlineRules: true });
  open.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443));
  open.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
  const closed = new ec2.SecurityGroup(stack, 'Closed', { vpc, allowAllOutbound: false, disableInlineRules: true });
  closed.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443));
  closed.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443));
  closed.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(80), 'HTTP from the VPC');
  const egress = new ec2.SecurityGroup(stack, 'Egress', { vpc, allowAllOutbound: false, disableInlineRules: true });
  egress.addEgressRule(ec2.Peer.ipv6('::/0'), ec2.Port.tcp(443));
  egress.addEgressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(443));
  egress.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(5432));
  new ec2.SecurityGroup(stack, 'Dual', { vpc, allowAllIpv6Outbound: true, disableInlineRules: true });
  // Inline rules are on, but a token port makes the rule standalone.
  const indirect = new ec2.SecurityGroup(stack, 'Indirect', { vpc });
  const port = cdk.Token.asNumber(vpc.vpcCidrBlock);
  indirect.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port));
  indirect.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port));
}

// Port kinds: labels in descriptions and standalone rule ids.
{
  const stack = new cdk.Stack(app, 'SgPorts');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const web = new ec2.SecurityGroup(stack, 'Web', { vpc, allowAllOutbound: false });
  const db = new ec2.SecurityGroup(stack, 'Db', { vpc, allowAllOutbound: false });
  const cidr = ec2.Peer.ipv4('10.0.0.0/16');
  for (const port of [
    ec2.Port.tcp(22),
    ec2.Port.tcpRange(8000, 8080),
    ec2.Port.allTcp(),
    ec2.Port.udp(53),
    ec2.Port.udpRange(1000, 2000),
    ec2.Port.allUdp(),
    ec2.Port.icmpPing(),
    ec2.Port.icmpType(3),
    ec2.Port.icmpTypeAndCode(3, 4),
    ec2.Port.allIcmp(),
    ec2.Port.allTraffic(),
  ]) {
    db.addIngressRule(cidr, port);
    db.addIngressRule(web, port);
  }
  db.connections.allowTo(web, ec2.Port.udp(53), 'db to web');
}

// --- Hosted rotation -----------------------------------------------------------------------
{
  const stack = new cdk.Stack(app, 'HostedRotationStack');
  const { vpc, admin } = missionCommon(stack);
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromSecret(admin),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  cluster.secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser({ vpc, vpcSubnets: isolated }),
    rotateImmediatelyOnUpdate: false,
  });
}

// VpcChildren: endpoints added as children of the VPC inherit its Name tag (groups too).
{
  const stack = new cdk.Stack(app, 'VpcChildren');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
  vpc.addGatewayEndpoint('Dynamo', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
}

// --- Rotation by a function of one's own ---------------------------------------------------
const inlineCode = 'def handler(event, context):\n    pass\n';
function apiKeySecret(stack) {
  return new secretsmanager.Secret(stack, 'ApiKeySecret', {
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ client_id: 'app' }),
      generateStringKey: 'api_key',
      excludePunctuation: true,
    },
  });
}
{
  const stack = new cdk.Stack(app, 'CustomRotationStack');
  const secret = apiKeySecret(stack);
  const fn = new lambda.Function(stack, 'RotationFunction', {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromInline(inlineCode),
    timeout: cdk.Duration.seconds(30),
  });
  secret.addRotationSchedule('RotationSchedule', { rotationLambda: fn, rotateImmediatelyOnUpdate: false });
}
{
  const stack = new cdk.Stack(app, 'CustomRotationVpcStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const secret = apiKeySecret(stack);
  const fn = new lambda.Function(stack, 'RotationFunction', {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromInline(inlineCode),
    timeout: cdk.Duration.seconds(30),
    vpc,
    vpcSubnets: isolated,
  });
  secret.addRotationSchedule('RotationSchedule', { rotationLambda: fn, rotateImmediatelyOnUpdate: false });
}

// --- EventBridge rules with Lambda and SNS targets ------------------------------------------
{
  const stack = new cdk.Stack(app, 'RotationRuleStack');
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.PYTHON_3_12,
    handler: 'index.handler',
    code: lambda.Code.fromInline(inlineCode),
  });
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['ecs:UpdateService'],
    resources: ['arn:aws:ecs:us-east-1:111122223333:service/app/web'],
  }));
  const topic = new sns.Topic(stack, 'Topic');
  new events.Rule(stack, 'Succeeded', {
    eventPattern: {
      source: ['aws.secretsmanager'],
      detailType: ['AWS Service Event via CloudTrail'],
      detail: { eventName: ['RotationSucceeded'] },
    },
    targets: [new targets.LambdaFunction(fn)],
  });
  new events.Rule(stack, 'Failed', {
    eventPattern: {
      source: ['aws.secretsmanager'],
      detailType: ['AWS Service Event via CloudTrail'],
      detail: { eventName: ['RotationFailed'] },
    },
    targets: [new targets.SnsTopic(topic)],
  });
}

// --- IAM database authentication -----------------------------------------------------------
{
  const stack = new cdk.Stack(app, 'GrantConnectStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
    iamAuthentication: true,
  });
  const role = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  cluster.grantConnect(role, 'app_user');
}

// --- Two stacks that pass a VPC across (examples/multi_stack.rs) ----------------------------
// The database stack uses the network stack's VPC and subnets: the CDK writes Outputs with
// Exports in NetworkStack and Fn::ImportValue in DatabaseStack, and the dependency in the
// manifest. Generated credentials: the cluster's secret is a DatabaseSecret.
{
  const network = new cdk.Stack(app, 'NetworkStack');
  const vpc = new ec2.Vpc(network, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const epSg = new ec2.SecurityGroup(network, 'SecretsManagerEndpointSg', { vpc, description: 'HTTPS from the VPC' });
  epSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
  vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [epSg],
  });

  const database = new cdk.Stack(app, 'DatabaseStack');
  const cluster = new rds.DatabaseCluster(database, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromGeneratedSecret('admin'),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  cluster.addRotationSingleUser({ rotateImmediatelyOnUpdate: false });
}

// --- Security-group rules between two stacks ----------------------------------------------
// A connection made from one stack's side puts the other side's rule in that stack too
// (determineRuleScope), so that the stacks import one way only.
{
  const a = new cdk.Stack(app, 'SgCrossApp');
  const vpc = new ec2.Vpc(a, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const appSg = new ec2.SecurityGroup(a, 'AppSg', { vpc, allowAllOutbound: false, description: 'App tier' });
  const b = new cdk.Stack(app, 'SgCrossDb');
  const dbSg = new ec2.SecurityGroup(b, 'DbSg', { vpc, description: 'Database tier' });
  dbSg.connections.allowFrom(appSg, ec2.Port.tcp(5432), 'app to db');
  const cacheSg = new ec2.SecurityGroup(b, 'CacheSg', { vpc, allowAllOutbound: false, description: 'Cache tier' });
  cacheSg.connections.allowTo(appSg, ec2.Port.tcp(8080), 'cache to app');
}

// --- Brownfield: imported VPC, security group, cluster and secret (examples/brownfield.rs) --
// A new cluster in an imported VPC, and a multi-user rotation on an imported cluster whose
// master secret is imported by complete ARN.
{
  const stack = new cdk.Stack(app, 'BrownfieldStack');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0aaa1111bbbb22220', 'subnet-0ccc3333dddd44440'],
    isolatedSubnetRouteTableIds: ['rtb-0aaa1111bbbb22220', 'rtb-0ccc3333dddd44440'],
  });
  const epSg = new ec2.SecurityGroup(stack, 'SecretsManagerEndpointSg', { vpc, description: 'HTTPS from the VPC' });
  epSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
  vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [epSg],
  });
  const engine = rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 });
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine,
    credentials: rds.Credentials.fromGeneratedSecret('admin'),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  cluster.addRotationSingleUser({ rotateImmediatelyOnUpdate: false });

  const legacySg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'LegacyDbSg', 'sg-0123456789abcdef0');
  const legacy = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'LegacyCluster', {
    clusterIdentifier: 'legacy-orders',
    clusterEndpointAddress: 'legacy-orders.cluster-abc.eu-west-1.rds.amazonaws.com',
    port: 3306,
    securityGroups: [legacySg],
    engine,
  });
  const master = secretsmanager.Secret.fromSecretCompleteArn(stack, 'LegacyMaster',
    'arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/orders/admin-AbCdEf');
  const appUser = new rds.DatabaseSecret(stack, 'LegacyAppUser', { username: 'orders_app', masterSecret: master });
  const attached = appUser.attach(legacy);
  new secretsmanager.SecretRotation(stack, 'LegacyAppUserRotation', {
    application: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_MULTI_USER,
    secret: attached,
    masterSecret: master,
    target: legacy,
    vpc,
    vpcSubnets: isolated,
    rotateImmediatelyOnUpdate: false,
  });
}

// --- An ECS service that reads the rotated secret (examples/ecs_service.rs) ---------------
// The network of multi_stack's NetworkStack, its Aurora cluster, and a Fargate service whose
// container reads two fields of the cluster's secret. stackwright adds its RotationRefresh.
{
  const stack = new cdk.Stack(app, 'ServiceStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const epSg = new ec2.SecurityGroup(stack, 'SecretsManagerEndpointSg', { vpc, description: 'HTTPS from the VPC' });
  epSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
  vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [epSg],
  });
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromGeneratedSecret('admin'),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  cluster.addRotationSingleUser({ rotateImmediatelyOnUpdate: false });
  const ecsCluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 256, memoryLimitMiB: 512 });
  task.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    portMappings: [{ containerPort: 8080 }],
    secrets: {
      DB_PASSWORD: ecs.Secret.fromSecretsManager(cluster.secret, 'password'),
      DB_HOST: ecs.Secret.fromSecretsManager(cluster.secret, 'host'),
    },
  });
  const service = new ecs.FargateService(stack, 'Service', {
    cluster: ecsCluster,
    taskDefinition: task,
    desiredCount: 2,
    vpcSubnets: isolated,
  });
  cluster.connections.allowDefaultPortFrom(service);
}

// --- RDS instance with rotation and a proxy (examples/rds_instance.rs) ---------------------
// PostgreSQL 16.8: RDS no longer creates instances of 16.4.
{
  const stack = new cdk.Stack(app, 'InstanceStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const epSg = new ec2.SecurityGroup(stack, 'SecretsManagerEndpointSg', { vpc, description: 'HTTPS from the VPC' });
  epSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');
  vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [epSg],
  });
  const instance = new rds.DatabaseInstance(stack, 'Postgres', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_8 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    credentials: rds.Credentials.fromGeneratedSecret('postgres'),
    vpc,
    vpcSubnets: isolated,
  });
  instance.addRotationSingleUser({ rotateImmediatelyOnUpdate: false });
  instance.addProxy('Proxy', { secrets: [instance.secret], vpc, vpcSubnets: isolated });
}

// --- RDS-managed master password (examples/managed_password.rs) ----------------------------
{
  const stack = new cdk.Stack(app, 'ManagedStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromUsername('admin'),
    manageMasterUserPassword: true,
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
}

// --- A user name without a managed password; a proxy for a cluster whose password RDS manages --
{
  const stack = new cdk.Stack(app, 'ManagedProxyStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  new rds.DatabaseInstance(stack, 'Mysql', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_3 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
    credentials: rds.Credentials.fromUsername('dbadmin'),
    port: 3307,
    vpc,
    vpcSubnets: isolated,
  });
  const cluster = new rds.DatabaseCluster(stack, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    credentials: rds.Credentials.fromUsername('dbadmin'),
    manageMasterUserPassword: true,
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  cluster.addProxy('Proxy', { secrets: [cluster.secret], vpc, vpcSubnets: isolated });
}

// --- A Fargate service reading RDS-managed master secrets (issue 16) ----------------------
// A cluster's managed secret (AWS-managed key) and an instance's managed secret encrypted with a
// customer-managed key: the task reads the cluster's `password` field and the instance's whole
// secret. `cluster.secret` is the CDK's imported `ManagedSecret` (the complete ARN
// `MasterUserSecret.SecretArn`).
{
  const stack = new cdk.Stack(app, 'ManagedServiceStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const cluster = new rds.DatabaseCluster(stack, 'AuroraCluster', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_04_0 }),
    credentials: rds.Credentials.fromUsername('admin'),
    manageMasterUserPassword: true,
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    vpcSubnets: isolated,
  });
  const key = new kms.Key(stack, 'SecretKey', { enableKeyRotation: true });
  const instance = new rds.DatabaseInstance(stack, 'Postgres', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_8 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    credentials: rds.Credentials.fromUsername('postgres', { encryptionKey: key }),
    manageMasterUserPassword: true,
    vpc,
    vpcSubnets: isolated,
  });
  const ecsCluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 256, memoryLimitMiB: 512 });
  task.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
    secrets: {
      DB_PASSWORD: ecs.Secret.fromSecretsManager(cluster.secret, 'password'),
      PG_SECRET: ecs.Secret.fromSecretsManager(instance.secret),
    },
  });
  new ecs.FargateService(stack, 'Service', {
    cluster: ecsCluster,
    taskDefinition: task,
    vpcSubnets: isolated,
  });
}

app.synth();
