//! Scenarios against moto's server: AWS state built with the SDK, then live mode on it.
//!
//! `MOTO_URL` must name a running `moto_server` (`.ci/test` starts one on a free port). Each
//! test uses names of its own, so they share one server; the `--all` test uses a region of
//! its own.

use std::io::{Read, Write};
use std::sync::OnceLock;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_secretsmanager::config::Credentials;
use stackwright_check::Kind;
use stackwright_doctor::{DoctorArgs, Format, Plain};
use stackwright_live::*;

const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";

fn url() -> String {
    std::env::var("MOTO_URL").unwrap_or_else(|_| {
        panic!(
            "MOTO_URL is not set: these tests need moto's server. Install it \
             (pip install 'moto[server]==5.2.5'), start it (moto_server -H 127.0.0.1 -p 5000) and \
             run MOTO_URL=http://127.0.0.1:5000 cargo test -p stackwright-live --features \
             moto-tests; .ci/test does all of this"
        )
    })
}

/// Lambda without Docker: moto's simple Lambda backend, so that `RotateSecret` can "invoke"
/// the rotation function (a POST to moto's own configuration API, once).
fn configure_moto() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let url = url();
        let host = url.trim_start_matches("http://").trim_end_matches('/');
        let body = r#"{"lambda": {"use_docker": false}}"#;
        let mut stream = std::net::TcpStream::connect(host)
            .unwrap_or_else(|e| panic!("cannot connect to moto at {url}: {e}"));
        write!(
            stream,
            "POST /moto-api/config HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 20"), "{response}");
    });
}

async fn config(region: &str) -> SdkConfig {
    configure_moto();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(url())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .load()
        .await
}

/// The SDK clients the tests build state with.
struct Setup {
    sm: aws_sdk_secretsmanager::Client,
    ec2: aws_sdk_ec2::Client,
    lambda: aws_sdk_lambda::Client,
    rds: aws_sdk_rds::Client,
    cfn: aws_sdk_cloudformation::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    aws: Aws,
}

async fn setup(region: &str) -> Setup {
    let c = config(region).await;
    Setup {
        sm: aws_sdk_secretsmanager::Client::new(&c),
        ec2: aws_sdk_ec2::Client::new(&c),
        lambda: aws_sdk_lambda::Client::new(&c),
        rds: aws_sdk_rds::Client::new(&c),
        cfn: aws_sdk_cloudformation::Client::new(&c),
        logs: aws_sdk_cloudwatchlogs::Client::new(&c),
        aws: Aws::from_config(&c).unwrap(),
    }
}

/// A network: a VPC with DNS on, one isolated subnet, the function's group (default
/// allow-all egress) and the database's group (no ingress).
struct Net {
    vpc: String,
    subnet: String,
    fn_sg: String,
    db_sg: String,
}

impl Setup {
    async fn network(&self, name: &str, octet: u8) -> Net {
        let vpc = self
            .ec2
            .create_vpc()
            .cidr_block(format!("10.{octet}.0.0/16"))
            .send()
            .await
            .unwrap()
            .vpc
            .unwrap()
            .vpc_id
            .unwrap();
        for attribute in [true, false] {
            let value = aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build();
            let call = self.ec2.modify_vpc_attribute().vpc_id(&vpc);
            let call = if attribute {
                call.enable_dns_support(value)
            } else {
                call.enable_dns_hostnames(value)
            };
            call.send().await.unwrap();
        }
        let subnet = self
            .ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(format!("10.{octet}.1.0/24"))
            .availability_zone(format!("{}a", self.aws.region()))
            .send()
            .await
            .unwrap()
            .subnet
            .unwrap()
            .subnet_id
            .unwrap();
        let group = |suffix: &'static str| {
            let ec2 = self.ec2.clone();
            let vpc = vpc.clone();
            let name = format!("{name}-{suffix}");
            async move {
                ec2.create_security_group()
                    .group_name(&name)
                    .description(&name)
                    .vpc_id(&vpc)
                    .send()
                    .await
                    .unwrap()
                    .group_id
                    .unwrap()
            }
        };
        let fn_sg = group("fn").await;
        let db_sg = group("db").await;
        Net {
            vpc,
            subnet,
            fn_sg,
            db_sg,
        }
    }

    async fn role(&self) -> String {
        // moto's Lambda wants an existing role: one CloudFormation stack per region makes it.
        let template = r#"{"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": "rotation", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}}}}}"#;
        let _ = self
            .cfn
            .create_stack()
            .stack_name("rotation-role")
            .template_body(template)
            .send()
            .await;
        format!("arn:aws:iam::{ACCOUNT}:role/rotation")
    }

    async fn function(&self, name: &str, net: &Net) -> String {
        let role = self.role().await;
        let config = aws_sdk_lambda::types::VpcConfig::builder()
            .subnet_ids(&net.subnet)
            .security_group_ids(&net.fn_sg)
            .build();
        self.lambda
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .role(role)
            .handler("index.handler")
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(
                        b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec(),
                    ))
                    .build(),
            )
            .vpc_config(config)
            .send()
            .await
            .unwrap()
            .function_arn
            .unwrap()
    }

    /// A database secret whose rotation runs `function`, without rotating now.
    async fn rotated_secret(&self, name: &str, cluster: &str, function: &str) {
        let value = format!(
            r#"{{"engine":"mysql","host":"{cluster}.cluster-abc.{}.rds.amazonaws.com","port":3306,"username":"app","password":"p","dbClusterIdentifier":"{cluster}"}}"#,
            self.aws.region()
        );
        self.sm
            .create_secret()
            .name(name)
            .secret_string(value)
            .send()
            .await
            .unwrap();
        self.sm
            .rotate_secret()
            .secret_id(name)
            .rotation_lambda_arn(function)
            .rotation_rules(
                aws_sdk_secretsmanager::types::RotationRulesType::builder()
                    .automatically_after_days(30)
                    .build(),
            )
            .rotate_immediately(false)
            .send()
            .await
            .unwrap();
    }

    async fn cluster(&self, id: &str, net: &Net) {
        self.rds
            .create_db_cluster()
            .db_cluster_identifier(id)
            .engine("aurora-mysql")
            .master_username("admin")
            .master_user_password("password123")
            .vpc_security_group_ids(&net.db_sg)
            .send()
            .await
            .unwrap();
    }

    async fn admit(&self, group: &str, port: i32, from: &str) {
        self.ec2
            .authorize_security_group_ingress()
            .group_id(group)
            .ip_permissions(
                aws_sdk_ec2::types::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(port)
                    .to_port(port)
                    .user_id_group_pairs(
                        aws_sdk_ec2::types::UserIdGroupPair::builder()
                            .group_id(from)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    async fn endpoint(&self, name: &str, net: &Net) {
        let ep_sg = self
            .ec2
            .create_security_group()
            .group_name(format!("{name}-ep"))
            .description("endpoint")
            .vpc_id(&net.vpc)
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap();
        self.admit(&ep_sg, 443, &net.fn_sg).await;
        self.ec2
            .create_vpc_endpoint()
            .vpc_id(&net.vpc)
            .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
            .service_name(format!(
                "com.amazonaws.{}.secretsmanager",
                self.aws.region()
            ))
            .subnet_ids(&net.subnet)
            .security_group_ids(ep_sg)
            .private_dns_enabled(true)
            .send()
            .await
            .unwrap();
    }

    async fn check(&self, secret: &str) -> (i32, Vec<Kind>, String) {
        let reports = check_live(&self.aws, &Targets::Secrets(vec![secret.to_string()]))
            .await
            .unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = write_check(
            &reports,
            stackwright_check::Format::Text,
            &mut out,
            &mut err,
            &stackwright_check::TextOptions::default(),
        );
        let kinds = reports[0]
            .result
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.kind)
            .collect();
        (code, kinds, String::from_utf8(out).unwrap())
    }
}

#[tokio::test]
async fn isolated_subnets_then_an_endpoint_then_the_database_rule() {
    let s = setup(REGION).await;
    let net = s.network("iso", 11).await;
    let function = s.function("iso-rotation", &net).await;
    s.cluster("iso-db", &net).await;
    s.rotated_secret("iso/db", "iso-db", &function).await;

    // No NAT, no endpoint, and a database group that admits nobody.
    let (code, kinds, text) = s.check("iso/db").await;
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        kinds,
        [Kind::NoRouteToSecretsManager, Kind::DbDeniesLambda],
        "{text}"
    );
    assert!(
        text.starts_with("live:iso/db: error[no-route-to-secrets-manager]"),
        "{text}"
    );

    // An endpoint with private DNS that admits 443 from the function: the route is there.
    s.endpoint("iso", &net).await;
    let (code, kinds, text) = s.check("iso/db").await;
    assert_eq!((code, kinds), (1, vec![Kind::DbDeniesLambda]), "{text}");

    // The database admits the function on its port: clean.
    s.admit(&net.db_sg, 3306, &net.fn_sg).await;
    let (code, kinds, text) = s.check("iso/db").await;
    assert_eq!((code, kinds), (0, vec![]), "{text}");
}

#[tokio::test]
async fn a_network_acl_that_blocks_443() {
    let s = setup(REGION).await;
    let net = s.network("acl", 12).await;
    let function = s.function("acl-rotation", &net).await;
    s.cluster("acl-db", &net).await;
    s.admit(&net.db_sg, 3306, &net.fn_sg).await;
    s.endpoint("acl", &net).await;
    s.rotated_secret("acl/db", "acl-db", &function).await;
    assert_eq!(s.check("acl/db").await.1, []);

    let acl = s
        .ec2
        .create_network_acl()
        .vpc_id(&net.vpc)
        .send()
        .await
        .unwrap()
        .network_acl
        .unwrap()
        .network_acl_id
        .unwrap();
    for (number, egress, allow, ports) in [
        (90, true, false, Some(443)),
        (100, true, true, None),
        (100, false, true, None),
    ] {
        let call = s
            .ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(number)
            .egress(egress)
            .cidr_block("0.0.0.0/0")
            .rule_action(if allow {
                aws_sdk_ec2::types::RuleAction::Allow
            } else {
                aws_sdk_ec2::types::RuleAction::Deny
            });
        let call = match ports {
            Some(p) => call.protocol("6").port_range(
                aws_sdk_ec2::types::PortRange::builder()
                    .from(p)
                    .to(p)
                    .build(),
            ),
            None => call.protocol("-1"),
        };
        call.send().await.unwrap();
    }
    // Move the subnet from the default ACL to the new one.
    let current = s
        .ec2
        .describe_network_acls()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("association.subnet-id")
                .values(&net.subnet)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let association = current
        .network_acls()
        .iter()
        .flat_map(|a| a.associations())
        .find(|a| a.subnet_id() == Some(net.subnet.as_str()))
        .and_then(|a| a.network_acl_association_id())
        .unwrap()
        .to_string();
    s.ec2
        .replace_network_acl_association()
        .association_id(association)
        .network_acl_id(&acl)
        .send()
        .await
        .unwrap();
    let (code, kinds, text) = s.check("acl/db").await;
    assert_eq!((code, kinds), (1, vec![Kind::NaclBlocksRotation]), "{text}");
}

/// A rotation function's log group with one event, `message`, written now.
async fn rotation_log(s: &Setup, group: &str, message: &str) {
    s.logs
        .create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    s.logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name("s")
        .send()
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    s.logs
        .put_log_events()
        .log_group_name(group)
        .log_stream_name("s")
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now)
                .message(message)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

fn doctor_args(secret: &str) -> DoctorArgs {
    DoctorArgs {
        versions: None,
        secret_id: Some(secret.to_string()),
        log: None,
        describe: None,
        format: Format::Json,
    }
}

async fn doctor(
    s: &Setup,
    secret: &str,
    live: &DoctorLiveArgs,
) -> (i32, serde_json::Value, String) {
    let (mut out, mut log) = (Vec::new(), Vec::new());
    let code = doctor_with(
        &s.aws,
        &doctor_args(secret),
        live,
        &mut out,
        &mut log,
        &Plain,
    )
    .await
    .unwrap();
    // The JSON report alone on `out`; the --apply plan on `log`.
    let json = serde_json::from_slice(&out).unwrap();
    let text = String::from_utf8(log).unwrap() + &String::from_utf8(out).unwrap();
    (code, json, text)
}

#[tokio::test]
async fn doctor_states_and_apply() {
    let s = setup(REGION).await;
    // Healthy.
    s.sm.create_secret()
        .name("doc/healthy")
        .secret_string("{}")
        .send()
        .await
        .unwrap();
    let (code, json, text) = doctor(&s, "doc/healthy", &DoctorLiveArgs::default()).await;
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("healthy")),
        "{text}"
    );

    // Stuck: AWSPENDING alone on a new version.
    s.sm.create_secret()
        .name("doc/stuck")
        .secret_string("{}")
        .send()
        .await
        .unwrap();
    s.sm.put_secret_value()
        .secret_id("doc/stuck")
        .secret_string(r#"{"password":"new"}"#)
        .version_stages("AWSPENDING")
        .send()
        .await
        .unwrap();
    let (code, json, text) = doctor(&s, "doc/stuck", &DoctorLiveArgs::default()).await;
    assert_eq!(
        (code, json["state"].as_str()),
        (1, Some("pending-not-applied")),
        "{text}"
    );
    let pending = json["versions"]["pending"].as_str().unwrap().to_string();

    // --apply without the login outcome refuses; with it, a dry run changes nothing.
    let apply = DoctorLiveArgs {
        apply: true,
        ..DoctorLiveArgs::default()
    };
    let err = doctor_with(
        &s.aws,
        &doctor_args("doc/stuck"),
        &apply,
        &mut Vec::new(),
        &mut Vec::new(),
        &Plain,
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("state the outcome of the login test first"),
        "{err}"
    );
    let dry = DoctorLiveArgs {
        apply: true,
        current_logs_in: true,
        ..DoctorLiveArgs::default()
    };
    let (code, _, text) = doctor(&s, "doc/stuck", &dry).await;
    assert_eq!(code, 1);
    assert!(text.contains(&format!(
        "Would call UpdateSecretVersionStage SecretId=doc/stuck VersionStage=AWSPENDING RemoveFromVersionId={pending}"
    )), "{text}");
    assert!(text.contains("Dry run: nothing was changed"), "{text}");
    let (_, json, _) = doctor(&s, "doc/stuck", &DoctorLiveArgs::default()).await;
    assert_eq!(json["state"], "pending-not-applied");

    // --yes makes the call, and the doctor then says healthy.
    let yes = DoctorLiveArgs { yes: true, ..dry };
    let (code, json, text) = doctor(&s, "doc/stuck", &yes).await;
    assert!(text.contains("Calling UpdateSecretVersionStage"), "{text}");
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("healthy")),
        "{text}"
    );
    let (code, json, _) = doctor(&s, "doc/stuck", &DoctorLiveArgs::default()).await;
    assert_eq!((code, json["state"].as_str()), (0, Some("healthy")));
}

#[tokio::test]
async fn pending_on_current_after_a_finished_rotation_is_healthy() {
    let s = setup(REGION).await;
    let net = s.network("fin", 13).await;
    let function = s.function("fin-rotation", &net).await;
    s.sm.create_secret()
        .name("doc/finished")
        .secret_string("{}")
        .send()
        .await
        .unwrap();
    // A rotation that moto completes (its Lambda stand-in does nothing), leaving AWSPENDING
    // on the new version ...
    s.sm.rotate_secret()
        .secret_id("doc/finished")
        .rotation_lambda_arn(&function)
        .send()
        .await
        .unwrap();
    let versions =
        s.sm.list_secret_version_ids()
            .secret_id("doc/finished")
            .send()
            .await
            .unwrap();
    let id_with = |stage: &str| {
        versions
            .versions()
            .iter()
            .find(|v| v.version_stages().iter().any(|s| s == stage))
            .and_then(|v| v.version_id())
            .unwrap()
            .to_string()
    };
    let (old, new) = (id_with("AWSCURRENT"), id_with("AWSPENDING"));
    // ... and a finishSecret that moved AWSCURRENT but left AWSPENDING (as #168 describes).
    s.sm.update_secret_version_stage()
        .secret_id("doc/finished")
        .version_stage("AWSCURRENT")
        .remove_from_version_id(&old)
        .move_to_version_id(&new)
        .send()
        .await
        .unwrap();
    // The function's log shows the finishSecret of that version. (The description cannot
    // settle it on moto: its ListSecretVersionIds reports every CreatedDate as the time of the
    // call, so LastRotatedDate is before it; the doctor's tests cover that evidence offline.)
    let finished = format!(
        "[INFO] finishSecret: Successfully set AWSCURRENT stage to version {new} for secret \
         doc/finished."
    );
    rotation_log(&s, "/aws/lambda/fin-rotation", &finished).await;
    let (code, json, text) = doctor(&s, "doc/finished", &DoctorLiveArgs::default()).await;
    assert_eq!(
        (code, json["state"].as_str()),
        (0, Some("healthy")),
        "{text}"
    );
    assert_eq!(json["versions"]["current"], new.as_str());
    assert_eq!(json["versions"]["pending"], new.as_str());
    let first = json["steps"][0]["explain"].as_str().unwrap();
    assert!(
        first.contains("the rotation log shows finishSecret setting AWSCURRENT"),
        "{first}"
    );

    // The same labels on a secret that was never rotated: ambiguous.
    s.sm.create_secret()
        .name("doc/unsettled")
        .secret_string("{}")
        .send()
        .await
        .unwrap();
    s.sm.put_secret_value()
        .secret_id("doc/unsettled")
        .secret_string("{}")
        .version_stages("AWSCURRENT")
        .version_stages("AWSPENDING")
        .send()
        .await
        .unwrap();
    let (code, json, text) = doctor(&s, "doc/unsettled", &DoctorLiveArgs::default()).await;
    assert_eq!(
        (code, json["state"].as_str()),
        (1, Some("pending-and-current")),
        "{text}"
    );
    assert!(
        json["steps"][1]["explain"]
            .as_str()
            .unwrap()
            .contains("no LastRotatedDate"),
        "{text}"
    );
}

#[tokio::test]
async fn the_rotation_log_is_read_for_the_doctor() {
    let s = setup(REGION).await;
    let net = s.network("log", 14).await;
    let function = s.function("log-rotation", &net).await;
    s.sm.create_secret()
        .name("doc/log")
        .secret_string("{}")
        .send()
        .await
        .unwrap();
    s.sm.rotate_secret()
        .secret_id("doc/log")
        .rotation_lambda_arn(&function)
        .rotate_immediately(false)
        .send()
        .await
        .unwrap();
    s.sm.put_secret_value()
        .secret_id("doc/log")
        .secret_string("{}")
        .version_stages("AWSPENDING")
        .send()
        .await
        .unwrap();
    rotation_log(
        &s,
        "/aws/lambda/log-rotation",
        "2024-05-01T10:00:00Z Task timed out after 30.03 seconds",
    )
    .await;
    let (code, json, text) = doctor(&s, "doc/log", &DoctorLiveArgs::default()).await;
    assert_eq!(code, 1, "{text}");
    assert_eq!(json["log"]["cause"], "timeout", "{text}");
}

#[tokio::test]
async fn errors_are_clear() {
    let s = setup(REGION).await;
    let err = read_secret(&s.aws, "does/not/exist").await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("secret does/not/exist does not exist"),
        "{err}"
    );
    let err = check_live(&s.aws, &Targets::Secrets(vec!["does/not/exist".into()]))
        .await
        .unwrap_err();
    assert!(matches!(err, LiveError::NotFound { .. }), "{err}");

    // No credentials anywhere: a clear error, not a panic.
    let bare = aws_config::SdkConfig::builder()
        .region(Region::new(REGION))
        .endpoint_url(url())
        .behavior_version(BehaviorVersion::latest())
        .build();
    let aws = Aws::from_config(&bare).unwrap();
    let err = read_secret(&aws, "doc/healthy").await.unwrap_err();
    assert!(matches!(err, LiveError::NoCredentials { .. }), "{err:?}");
    assert!(err.to_string().contains("AWS_PROFILE"));

    // No region.
    let err = Aws::from_config(&aws_config::SdkConfig::builder().build()).unwrap_err();
    assert_eq!(err, LiveError::NoRegion);
}

#[tokio::test]
async fn all_secrets_of_a_region_with_calls_per_distinct_resource() {
    // A region of its own: only this test's secrets have rotation there.
    let s = setup("ap-southeast-2").await;
    let mut nets = Vec::new();
    for (i, octet) in [21u8, 22, 23].into_iter().enumerate() {
        let net = s.network(&format!("all{i}"), octet).await;
        s.cluster(&format!("all-db{i}"), &net).await;
        nets.push(net);
    }
    const SECRETS: usize = 200;
    for n in 0..SECRETS {
        let net = &nets[n % 3];
        let function = s.function(&format!("all-rotation-{n}"), net).await;
        s.rotated_secret(
            &format!("all/db-{n}"),
            &format!("all-db{}", n % 3),
            &function,
        )
        .await;
    }
    // A secret without rotation is not checked.
    s.sm.create_secret()
        .name("all/plain")
        .secret_string("{}")
        .send()
        .await
        .unwrap();

    let aws = Aws::from_config(&config("ap-southeast-2").await).unwrap();
    let reports = check_live(&aws, &Targets::All).await.unwrap();
    assert_eq!(reports.len(), SECRETS);
    for r in &reports {
        let kinds: Vec<Kind> = r
            .result
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(
            kinds,
            [Kind::NoRouteToSecretsManager, Kind::DbDeniesLambda],
            "{}",
            r.file
        );
    }
    let calls = aws.calls.counts();
    let count = |op: &str| calls.get(op).copied().unwrap_or(0);
    // Per secret: its value (host, port) only.
    assert_eq!(count("secretsmanager.GetSecretValue"), SECRETS, "{calls:?}");
    assert_eq!(count("secretsmanager.DescribeSecret"), 0, "{calls:?}");
    assert!(count("secretsmanager.ListSecrets") <= 3, "{calls:?}");
    // 200 functions: pages of ListFunctions, never one call each.
    assert!(count("lambda.ListFunctions") <= 5, "{calls:?}");
    assert_eq!(count("lambda.GetFunctionConfiguration"), 0, "{calls:?}");
    // Three VPCs: one batch per kind, the DNS attributes two per VPC.
    for op in [
        "ec2.DescribeVpcs",
        "ec2.DescribeRouteTables",
        "ec2.DescribeNatGateways",
        "ec2.DescribeVpcEndpoints",
        "ec2.DescribeSecurityGroups",
        "ec2.DescribeNetworkAcls",
    ] {
        assert_eq!(count(op), 1, "{op}: {calls:?}");
    }
    assert_eq!(count("ec2.DescribeSubnets"), 2, "{calls:?}");
    assert_eq!(count("ec2.DescribeVpcAttribute"), 6, "{calls:?}");
    // Three databases.
    assert_eq!(count("rds.DescribeDBClusters"), 3, "{calls:?}");
    let network: usize = calls
        .iter()
        .filter(|(op, _)| !op.starts_with("secretsmanager."))
        .map(|(_, n)| n)
        .sum();
    // lambda 1, ec2 14, rds 3 (moto returns the 200 functions on one page).
    assert!(network <= 25, "{network} calls: {calls:?}");
}

/// A template that imports the network and the database and states what they are, as a
/// brownfield program writes it.
fn stated_template(
    net: &Net,
    table: &str,
    subnet_cidr: &str,
    default_route: &str,
    port: u16,
    extra: &str,
) -> String {
    let (vpc, subnet, db_sg) = (&net.vpc, &net.subnet, &net.db_sg);
    let vpc_cidr = format!("{}.0.0/16", subnet_cidr.rsplitn(3, '.').nth(2).unwrap());
    format!(
        r#"Metadata:
  stackwright:facts:
    {vpc}:
      Type: AWS::EC2::VPC
      Construct: App/Vpc
      CidrBlock: {vpc_cidr}
    {subnet}:
      Type: AWS::EC2::Subnet
      Construct: App/Vpc
      VpcId: {vpc}
      AvailabilityZone: {REGION}a
      SubnetType: Isolated
      RouteTableId: {table}
      CidrBlock: {subnet_cidr}
    {table}:
      Type: AWS::EC2::RouteTable
      Construct: App/Vpc
      DefaultRoute: {default_route}
    facts-db:
      Type: AWS::RDS::DBCluster
      Construct: App/Database
      Endpoint.Port: {port}
      SecurityGroupIds: [{db_sg}]
      Engine: aurora-mysql
{extra}Resources:
  Topic: {{Type: AWS::SNS::Topic}}
"#
    )
}

#[tokio::test]
async fn stated_facts_are_verified_against_the_account() {
    let s = setup(REGION).await;
    let net = s.network("facts", 15).await;
    s.cluster("facts-db", &net).await;
    // The subnet has no table of its own: the VPC's main table, with no default route.
    let main = s
        .ec2
        .describe_route_tables()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&net.vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .route_tables()
        .iter()
        .find(|t| t.associations().iter().any(|a| a.main() == Some(true)))
        .and_then(|t| t.route_table_id().map(str::to_string))
        .unwrap();
    let dir = std::env::temp_dir().join(format!("stackwright-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let aws = s.aws.clone();
        async move {
            let path = path.to_string_lossy().to_string();
            let reports = check_facts(&aws, &[path.as_str()]).await.unwrap();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = write_check(
                &reports,
                stackwright_check::Format::Text,
                &mut out,
                &mut err,
                &stackwright_check::TextOptions::default(),
            );
            let findings = reports[0].result.as_ref().unwrap().findings.clone();
            (code, findings, String::from_utf8(out).unwrap())
        }
    };

    // Every stated fact holds: exit 0, nothing to report.
    let right = stated_template(&net, &main, "10.15.1.0/24", "none", 3306, "");
    let (code, findings, text) = run("right.yaml", right).await;
    assert_eq!((code, findings.len()), (0, 0), "{text}");
    assert!(text.contains("facts:"), "{text}");

    // A wrong CIDR block, a default route that is not there, the wrong port, and a subnet
    // that does not exist: one error each, naming the fact and both values.
    let missing = "    subnet-0123456789abcdef0:\n      Type: AWS::EC2::Subnet\n      \
                   Construct: App/Vpc\n      VpcId: vpc-0123456789abcdef0\n";
    let wrong = stated_template(&net, &main, "10.15.2.0/24", "nat-gateway", 5432, missing);
    let (code, findings, text) = run("wrong.yaml", wrong).await;
    assert_eq!(code, 1, "{text}");
    assert!(findings.iter().all(|f| f.kind == Kind::StatedFactWrong));
    let first: Vec<&str> = findings.iter().map(|f| f.resources[0].as_str()).collect();
    let subnet = &net.subnet;
    assert_eq!(
        first,
        [
            format!("{subnet}.CidrBlock"),
            format!("{main}.DefaultRoute"),
            "facts-db.Endpoint.Port".to_string(),
            "subnet-0123456789abcdef0.VpcId".to_string(),
        ],
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "error[stated-fact-wrong] {subnet}.CidrBlock, App/Vpc: stated {subnet}.CidrBlock \
             is 10.15.2.0/24, but the deployed resource has 10.15.1.0/24"
        )),
        "{text}"
    );
    assert!(
        text.contains("stated facts-db.Endpoint.Port is 5432, but the deployed resource has 3306"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "stated {main}.DefaultRoute is nat-gateway, but the deployed resource has none"
        )),
        "{text}"
    );
    assert!(
        text.contains("subnet subnet-0123456789abcdef0 does not exist in the account"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--stack-name` on moto: moto 5.2.5's CloudFormation creates no Secrets Manager resources
/// (their summaries come back without type or id), so a stack's schedules cannot be deployed
/// there; the path from a schedule's summary to its secret is a unit test of
/// `schedule_secrets`. What moto can show: a stack that does not exist, and one without a
/// rotation schedule.
#[tokio::test]
async fn stacks_without_schedules_and_stacks_that_do_not_exist() {
    let s = setup(REGION).await;
    let template = r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": "no-rotation"}}}}"#;
    s.cfn
        .create_stack()
        .stack_name("no-rotation")
        .template_body(template)
        .send()
        .await
        .unwrap();
    let err = check_live(&s.aws, &Targets::Stacks(vec!["no-rotation".into()]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "stack no-rotation has no rotation schedule (AWS::SecretsManager::RotationSchedule) \
         whose secret could be checked"
    );
    assert_eq!(s.aws.calls.get("cloudformation.ListStackResources"), 1);
    let err = check_live(&s.aws, &Targets::Stacks(vec!["no-such-stack".into()]))
        .await
        .unwrap_err();
    assert!(matches!(err, LiveError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("no-such-stack"), "{err}");
}
