//! Reliability: deterministic output, pinned logical IDs, and random VPC layouts that always
//! either synthesize or fail with an error (never a panic).

use proptest::prelude::*;
use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
use stackwright::Stack;

use crate::support::l1_intrinsics;

use crate::support::isolated_endpoints;

use crate::support::postgres_multi_user_nat;

use crate::support::rotation_refresh;

use crate::support::custom_rotation;

// `rotation_refresh` builds on the mission stack and already includes `examples/synth.rs`;
// including the file a second time would compile it twice under two names.
use crate::support::synth;

#[test]
fn the_same_program_gives_the_same_bytes_100_times() {
    // Every run builds new hash maps with new random seeds; the output must not depend on them.
    let first = stackwright::synth(&synth::build().unwrap())
        .unwrap()
        .template
        .to_json_string();
    for _ in 0..99 {
        let again = stackwright::synth(&synth::build().unwrap())
            .unwrap()
            .template
            .to_json_string();
        assert_eq!(again, first);
    }
    let yaml = synth::build()
        .unwrap()
        .synth()
        .unwrap()
        .template
        .to_yaml_string();
    for _ in 0..10 {
        assert_eq!(
            synth::build()
                .unwrap()
                .synth()
                .unwrap()
                .template
                .to_yaml_string(),
            yaml
        );
    }
}

/// Changing a logical ID replaces the resource on the next deploy: this list changes only on
/// purpose.
#[test]
fn logical_ids_of_the_examples_are_pinned() {
    let ids = |stack: Stack| -> Vec<String> {
        stack
            .synth()
            .unwrap()
            .template
            .resources
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        ids(synth::build().unwrap()),
        [
            "Vpc8378EB38",
            "VpcIsolatedSubnet1SubnetE48C5737",
            "VpcIsolatedSubnet1RouteTable4771E3E5",
            "VpcIsolatedSubnet1RouteTableAssociationD300FCBB",
            "VpcIsolatedSubnet2Subnet16364B91",
            "VpcIsolatedSubnet2RouteTable1D30AF7D",
            "VpcIsolatedSubnet2RouteTableAssociationF7B18CCA",
            "DataKey17AFBB84",
            "SecretManagerEpSgC2797514",
            "SecretManagerEndpointB8C98133",
            "DbAdminSecret37F8093A",
            "DbAdminSecretAttachmentAE0DE7FC",
            "DbAdminSecretAttachmentRotationSchedule1C8AF0B2",
            "DbAdminSecretAttachmentPolicy329C7821",
            "AuroraClusterSubnetsF3E9E6AD",
            "AuroraClusterSecurityGroupD85BF9CB",
            "AuroraClusterSecurityGroupfromMissionStackDbAdminSecretRotationSecurityGroup7AC95E19IndirectPortB5389CCC",
            "AuroraClusterSecurityGroupfromMissionStackDbUserSecretRotationSecurityGroup59BD279BIndirectPort9BB0A272",
            "AuroraClusterMonitoringRoleEC6D6395",
            "AuroraCluster23D869C0",
            "AuroraClusterwriter499C523E",
            "DbAdminSecretRotationSecurityGroupE9B121F1",
            "DbAdminSecretRotation4821E516",
            "DbUserSecret7350D430",
            "DbUserSecretAttachmentBD5A92FF",
            "DbUserSecretAttachmentRotationSchedule195BD7D2",
            "DbUserSecretAttachmentPolicyABFA413B",
            "DbUserSecretRotationSecurityGroupACAE4A45",
            "DbUserSecretRotationFED095FD",
        ]
    );
    assert_eq!(
        ids(l1_intrinsics::build().unwrap()),
        ["Vpc", "Subnet0", "Subnet1", "Alerts", "Logs"]
    );
    assert_eq!(
        ids(isolated_endpoints::build().unwrap()),
        [
            "Vpc8378EB38",
            "VpcWorkloadSubnet1SubnetD1603301",
            "VpcWorkloadSubnet1RouteTable6A79B466",
            "VpcWorkloadSubnet1RouteTableAssociation09AF7E60",
            "VpcWorkloadSubnet2SubnetEFCA445C",
            "VpcWorkloadSubnet2RouteTable0E7D44AD",
            "VpcWorkloadSubnet2RouteTableAssociation42F961AD",
            "VpcEndpointsSubnet1SubnetF24C616C",
            "VpcEndpointsSubnet1RouteTable499E52D6",
            "VpcEndpointsSubnet1RouteTableAssociation42BDFE7D",
            "VpcEndpointsSubnet2Subnet2B8A4AEF",
            "VpcEndpointsSubnet2RouteTableFAE256B2",
            "VpcEndpointsSubnet2RouteTableAssociationFA869744",
            "VpcSecretsManagerSecurityGroup3DBAE5C3",
            "VpcSecretsManagerC91B0406",
            "VpcKmsSecurityGroupA4A7C179",
            "VpcKms28ADD6F7",
            "VpcStsSecurityGroupCCD22697",
            "VpcSts9684971E",
            "VpcLogsSecurityGroupEFB615FD",
            "VpcLogsE1759C4E",
            "VpcS3A5408339",
            "VpcDynamoDbAFC3533B",
        ]
    );
    assert_eq!(ids(postgres_multi_user_nat::build().unwrap()), [
            "Vpc8378EB38",
            "VpcPublicSubnet1Subnet5C2D37C4",
            "VpcPublicSubnet1RouteTable6C95E38E",
            "VpcPublicSubnet1RouteTableAssociation97140677",
            "VpcPublicSubnet1DefaultRoute3DA9E72A",
            "VpcPublicSubnet1EIPD7E02669",
            "VpcPublicSubnet1NATGateway4D7517AA",
            "VpcPublicSubnet2Subnet691E08A3",
            "VpcPublicSubnet2RouteTable94F7E489",
            "VpcPublicSubnet2RouteTableAssociationDD5762D8",
            "VpcPublicSubnet2DefaultRoute97F91067",
            "VpcPrivateSubnet1Subnet536B997A",
            "VpcPrivateSubnet1RouteTableB2C5B500",
            "VpcPrivateSubnet1RouteTableAssociation70C59FA6",
            "VpcPrivateSubnet1DefaultRouteBE02A9ED",
            "VpcPrivateSubnet2Subnet3788AAA1",
            "VpcPrivateSubnet2RouteTableA678073B",
            "VpcPrivateSubnet2RouteTableAssociationA89CAD56",
            "VpcPrivateSubnet2DefaultRoute060D2087",
            "VpcIGWD7BA715C",
            "VpcVPCGWBF912B6E",
            "DatabaseSubnets56F17B9A",
            "DatabaseSecurityGroup5C91FDCB",
            "DatabaseSecurityGroupfromPostgresMultiUserDatabaseRotationSingleUserSecurityGroup0219A3D3IndirectPortFAA5AEC3",
            "DatabaseSecurityGroupfromPostgresMultiUserDatabaseAppUserRotationSecurityGroupBE981D15IndirectPortB3457828",
            "PostgresMultiUserDatabaseSecretD34E55543fdaad7efa858a3daf9490cf0a702aeb",
            "DatabaseSecretAttachmentE5D1B020",
            "DatabaseSecretAttachmentRotationScheduleA4E9F034",
            "DatabaseSecretAttachmentPolicy5ACFE6CA",
            "DatabaseB269D8BB",
            "Databasewriter2462CC03",
            "Databasereader13B43287",
            "DatabaseRotationSingleUserSecurityGroupAC6E0E73",
            "DatabaseRotationSingleUser65F55654",
            "DatabaseAppUserRotationSecurityGroupEFC07125",
            "DatabaseAppUserRotation7B50B4D9",
            "AppUserSecret4AC93B38",
            "AppUserSecretAttachmentA7C61EE9",
            "AppUserSecretAttachmentRotationSchedule3DF2616A",
            "AppUserSecretAttachmentPolicyA313F1A4",
        ]);
    assert_eq!(ids(rotation_refresh::build().unwrap()), [
            "Vpc8378EB38",
            "VpcIsolatedSubnet1SubnetE48C5737",
            "VpcIsolatedSubnet1RouteTable4771E3E5",
            "VpcIsolatedSubnet1RouteTableAssociationD300FCBB",
            "VpcIsolatedSubnet2Subnet16364B91",
            "VpcIsolatedSubnet2RouteTable1D30AF7D",
            "VpcIsolatedSubnet2RouteTableAssociationF7B18CCA",
            "VpcS3Endpoint4A3DE4B5",
            "DataKey17AFBB84",
            "SecretManagerEpSgC2797514",
            "SecretManagerEndpointB8C98133",
            "DbAdminSecret37F8093A",
            "DbAdminSecretAttachmentAE0DE7FC",
            "DbAdminSecretAttachmentRotationSchedule1C8AF0B2",
            "DbAdminSecretAttachmentPolicy329C7821",
            "AuroraClusterSubnetsF3E9E6AD",
            "AuroraClusterSecurityGroupD85BF9CB",
            "AuroraClusterSecurityGroupfromRotationRefreshStackDbAdminSecretRotationSecurityGroup767AA21DIndirectPort73916B6A",
            "AuroraClusterSecurityGroupfromRotationRefreshStackDbUserSecretRotationSecurityGroup1AD84826IndirectPort3A0F2294",
            "AuroraClusterSecurityGroupfromRotationRefreshStackAppServiceSecurityGroup72949167IndirectPort6D9B1142",
            "AuroraClusterMonitoringRoleEC6D6395",
            "AuroraCluster23D869C0",
            "AuroraClusterwriter499C523E",
            "DbAdminSecretRotationSecurityGroupE9B121F1",
            "DbAdminSecretRotation4821E516",
            "DbUserSecret7350D430",
            "DbUserSecretAttachmentBD5A92FF",
            "DbUserSecretAttachmentRotationSchedule195BD7D2",
            "DbUserSecretAttachmentPolicyABFA413B",
            "DbUserSecretRotationSecurityGroupACAE4A45",
            "DbUserSecretRotationFED095FD",
            "AppEndpointsSgE9497B89",
            "EcrApiEndpointB01DFFD7",
            "EcrDockerEndpointE4437377",
            "LogsEndpointF332AD3D",
            "PartnerApiKey1020B685",
            "PartnerApiKeyRotationSchedule8E5D7628",
            "PartnerApiKeyPolicyC3E8C3F3",
            "PartnerApiKeyRotationFunctionServiceRoleC5520DD1",
            "PartnerApiKeyRotationFunctionServiceRoleDefaultPolicy24205263",
            "PartnerApiKeyRotationFunctionSecurityGroupB394499A",
            "PartnerApiKeyRotationFunction0B1BA138",
            "PartnerApiKeyRotationFunctionInvokeN0a2GKfZP0JmDqDEVhhu6A0TUv3NyNbk4YMFKNc63F108B2",
            "AppCluster",
            "AppLogs",
            "AppExecutionRoleBDDAF861",
            "AppExecutionRoleDefaultPolicyADA54813",
            "AppTask",
            "AppServiceSecurityGroupFEC2CF45",
            "AppService",
            "AppSecretsRefreshFunctionServiceRoleAAFDA56A",
            "AppSecretsRefreshFunctionServiceRoleDefaultPolicy3AA47960",
            "AppSecretsRefreshFunctionD79301B1",
            "AppSecretsRefreshOnRotationSucceeded85E8FCF4",
            "AppSecretsRefreshOnRotationSucceededAllowEventRuleRotationRefreshStackAppSecretsRefreshFunction8FE3BEF5041BBC32",
            "AppSecretsRefreshAlertTopic81E93AB2",
            "AppSecretsRefreshAlertTopicPolicyA7FCBA4E",
            "AppSecretsRefreshOnRotationFailed33A52D74",
        ]);
    assert_eq!(
        ids(custom_rotation::build().unwrap()),
        [
            "Vpc8378EB38",
            "VpcPublicSubnet1Subnet5C2D37C4",
            "VpcPublicSubnet1RouteTable6C95E38E",
            "VpcPublicSubnet1RouteTableAssociation97140677",
            "VpcPublicSubnet1DefaultRoute3DA9E72A",
            "VpcPublicSubnet1EIPD7E02669",
            "VpcPublicSubnet1NATGateway4D7517AA",
            "VpcPublicSubnet2Subnet691E08A3",
            "VpcPublicSubnet2RouteTable94F7E489",
            "VpcPublicSubnet2RouteTableAssociationDD5762D8",
            "VpcPublicSubnet2DefaultRoute97F91067",
            "VpcPrivateSubnet1Subnet536B997A",
            "VpcPrivateSubnet1RouteTableB2C5B500",
            "VpcPrivateSubnet1RouteTableAssociation70C59FA6",
            "VpcPrivateSubnet1DefaultRouteBE02A9ED",
            "VpcPrivateSubnet2Subnet3788AAA1",
            "VpcPrivateSubnet2RouteTableA678073B",
            "VpcPrivateSubnet2RouteTableAssociationA89CAD56",
            "VpcPrivateSubnet2DefaultRoute060D2087",
            "VpcIGWD7BA715C",
            "VpcVPCGWBF912B6E",
            "WebhookKeyKms832BD226",
            "WebhookSigningKeyA6F91456",
            "WebhookSigningKeyRotationSchedule7909D53F",
            "WebhookSigningKeyPolicy12CEA156",
            "WebhookKeyRotatorServiceRole3177F0A8",
            "WebhookKeyRotatorServiceRoleDefaultPolicyE2D9FD3B",
            "WebhookKeyRotatorSecurityGroupC24F410F",
            "WebhookKeyRotator4254F422",
            "WebhookKeyRotatorInvokeN0a2GKfZP0JmDqDEVhhu6A0TUv3NyNbk4YMFKNc79F9017B",
        ]
    );
}

#[derive(Debug, Clone)]
struct Layout {
    prefix: u8,
    azs: u32,
    explicit_azs: bool,
    groups: Vec<(SubnetType, Option<u8>)>,
    nat: Option<u32>,
}

fn props(l: &Layout) -> VpcProps {
    let mut p = VpcProps::new().cidr(&format!("10.0.0.0/{}", l.prefix));
    p = if l.explicit_azs {
        p.availability_zones((0..l.azs).map(|i| format!("us-east-1{}", (b'a' + i as u8) as char)))
    } else {
        p.max_azs(l.azs)
    };
    if let Some(n) = l.nat {
        p = p.nat_gateways(n);
    }
    for (i, (t, mask)) in l.groups.iter().enumerate() {
        let mut c = SubnetConfiguration::new(&format!("G{i}"), *t);
        if let Some(m) = mask {
            c = c.cidr_mask(*m);
        }
        p = p.subnet(c);
    }
    p
}

fn subnet_type() -> impl Strategy<Value = SubnetType> {
    prop_oneof![
        Just(SubnetType::Public),
        Just(SubnetType::PrivateWithEgress),
        Just(SubnetType::Isolated)
    ]
}

/// Layouts that are valid by construction: masks that fit, NAT only with a public group.
fn valid_layout() -> impl Strategy<Value = Layout> {
    (
        16u8..=20,
        1u32..=3,
        any::<bool>(),
        prop::collection::vec((subnet_type(), prop::option::of(24u8..=28)), 1..=4),
    )
        .prop_map(|(prefix, azs, explicit, mut groups)| {
            let azs = if explicit { azs } else { azs.min(2) };
            let has_private = groups
                .iter()
                .any(|(t, _)| *t == SubnetType::PrivateWithEgress);
            if has_private && !groups.iter().any(|(t, _)| *t == SubnetType::Public) {
                groups.push((SubnetType::Public, Some(26)));
            }
            Layout {
                prefix,
                azs,
                explicit_azs: explicit,
                groups,
                nat: if has_private { Some(1) } else { Some(0) },
            }
        })
}

fn build(l: &Layout, name: &str) -> stackwright::Result<Stack> {
    let mut stack = Stack::new(name)?;
    Vpc::new(&mut stack, "Vpc", props(l))?;
    Ok(stack)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Valid layouts synthesize; the test command lints a sample of them with cfn-lint (the
    /// ones written when STACKWRIGHT_LINT_DIR is set).
    #[test]
    fn valid_layouts_synthesize(l in valid_layout()) {
        let stack = build(&l, "Layout").unwrap();
        let out = stack.synth().unwrap();
        let subnets = out.template.resources_of_type("AWS::EC2::Subnet").count();
        prop_assert_eq!(subnets as u32, l.groups.len() as u32 * l.azs);
        if let Ok(dir) = std::env::var("STACKWRIGHT_LINT_DIR") {
            let json = out.template.to_json_string();
            let name = format!("{dir}/layout_{:016x}.json", fnv(&json));
            let existing = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            if existing < 30 {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(name, json).unwrap();
            }
        }
    }

    /// Anything at all: an error or a template, never a panic.
    #[test]
    fn any_layout_is_an_error_or_a_template(
        prefix in 0u8..=40,
        azs in 0u32..=6,
        explicit in any::<bool>(),
        groups in prop::collection::vec((subnet_type(), prop::option::of(0u8..=40)), 0..=6),
        nat in prop::option::of(0u32..=8),
    ) {
        let l = Layout { prefix, azs, explicit_azs: explicit, groups, nat };
        if let Ok(stack) = build(&l, "Any") {
            let _ = stack.synth();
        }
    }

    /// Layouts broken on purpose always give an error.
    #[test]
    fn invalid_layouts_are_errors(l in valid_layout(), breakage in 0u8..5, bad_mask in prop_oneof![0u8..16, 29u8..=32]) {
        let mut l = l;
        match breakage {
            0 => l.groups[0].1 = Some(bad_mask),
            1 => l.prefix = bad_mask,
            2 => l.nat = Some(l.azs + 1),
            3 => {
                l.groups.retain(|(t, _)| *t != SubnetType::Public);
                l.groups.push((SubnetType::PrivateWithEgress, None));
                l.nat = Some(1);
            }
            _ => {
                let dup = l.groups[0];
                l.groups.push(dup);
                let mut stack = Stack::new("Dup").unwrap();
                let mut p = props(&l);
                p = p.subnet(SubnetConfiguration::new("G0", SubnetType::Isolated));
                prop_assert!(Vpc::new(&mut stack, "Vpc", p).is_err());
                return Ok(());
            }
        }
        prop_assert!(build(&l, "Bad").is_err(), "{:?}", l);
    }
}

#[test]
fn malformed_cidrs_are_errors() {
    for cidr in [
        "",
        "10.0.0.0",
        "10.0.0.0/",
        "10.0.0.0/x",
        "300.0.0.0/16",
        "10.0.0.0/16/1",
        "::/0",
        "10.0.0.1/16",
    ] {
        let mut stack = Stack::new("S").unwrap();
        assert!(
            Vpc::new(&mut stack, "Vpc", VpcProps::new().cidr(cidr)).is_err(),
            "{cidr}"
        );
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

#[test]
fn synth_consuming_the_stack_gives_the_same_template() {
    let builds: [fn() -> stackwright::Result<Stack>; 6] = [
        synth::build,
        l1_intrinsics::build,
        isolated_endpoints::build,
        postgres_multi_user_nat::build,
        rotation_refresh::build,
        custom_rotation::build,
    ];
    for build in builds {
        let borrowed = stackwright::synth(&build().unwrap()).unwrap();
        let owned = stackwright::synth_owned(build().unwrap()).unwrap();
        assert_eq!(
            owned.template.to_json_string(),
            borrowed.template.to_json_string()
        );
        assert_eq!(owned.paths, borrowed.paths);
        assert_eq!(owned.warnings, borrowed.warnings);
    }
    // Errors too: a stack that does not synthesize fails the same way both ways.
    let broken = || {
        let mut stack = Stack::new("Broken").unwrap();
        let root = stack.root();
        stack
            .add(
                root,
                "Topic",
                stackwright::RawResource::new("AWS::SNS::Topic").prop(
                    "DisplayName",
                    stackwright::Expr::<String>::sub("${Missing}"),
                ),
            )
            .unwrap();
        stack
    };
    let a = stackwright::synth(&broken()).unwrap_err().to_string();
    let b = stackwright::synth_owned(broken()).unwrap_err().to_string();
    assert_eq!(a, b);
    assert!(a.contains("Missing"), "{a}");
}
