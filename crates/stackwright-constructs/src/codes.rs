//! The diagnostic codes of the constructs, one registry: each with the props field it is
//! about, as spec documents name it (what `stackwright synth` uses to point at the line).
//! Every code the crate reports is here, once.

use stackwright_core::DiagnosticCode;

/// A cluster name ECS rejects.
pub const ECS_CLUSTER_NAME_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-001", "clusterName");
/// A CPU and memory pair Fargate does not accept.
pub const ECS_FARGATE_SIZE_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-002", "memoryLimitMiB");
/// A task definition family ECS rejects.
pub const ECS_FAMILY_INVALID: DiagnosticCode = DiagnosticCode::on_field("SW-ECS-003", "family");
/// A container name that is not valid or is used twice in a task definition.
pub const ECS_CONTAINER_NAME_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-004", "containers");
/// A container secret field the secret's generated value does not have.
pub const ECS_SECRET_FIELD_MISSING: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-005", "containers");
/// An environment variable name that is not valid or is set twice.
pub const ECS_ENVIRONMENT_NAME_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-006", "containers");
/// A port mapped twice, or port 0.
pub const ECS_PORT_MAPPING_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-007", "containers");
/// A service of a task definition without a container.
pub const ECS_TASK_WITHOUT_CONTAINER: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-008", "taskDefinition");
/// A service in subnets or security groups of another VPC than its cluster's, or with too many groups.
pub const ECS_OTHER_VPC: DiagnosticCode = DiagnosticCode::on_field("SW-ECS-009", "subnets");
/// A service name ECS rejects.
pub const ECS_SERVICE_NAME_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ECS-010", "serviceName");
/// A task definition reads a rotated secret and no refresh redeploys the services running it
/// (a warning; the kind name `stackwright check` reports on templates too).
pub const ECS_CONSUMER_NOT_REFRESHED: DiagnosticCode =
    DiagnosticCode::new("consumer-not-refreshed");
/// A port range starts after it ends.
pub const EC2_PORT_RANGE_REVERSED: DiagnosticCode = DiagnosticCode::new("SW-EC2-001");
/// A peer is not an IPv4 or IPv6 CIDR block.
pub const EC2_PEER_CIDR_INVALID: DiagnosticCode = DiagnosticCode::new("SW-EC2-002");
/// An egress rule is ignored: the group already allows all outbound traffic.
pub const EC2_EGRESS_RULE_IGNORED: DiagnosticCode = DiagnosticCode::new("SW-EC2-003");
/// An all-traffic egress rule cannot be added as a rule.
pub const EC2_ALL_TRAFFIC_EGRESS_RULE: DiagnosticCode = DiagnosticCode::new("SW-EC2-004");
/// An event pattern is not a non-empty JSON object.
pub const EVENTS_PATTERN_INVALID: DiagnosticCode = DiagnosticCode::new("SW-EVENTS-001");
/// A rule has more targets than EventBridge allows.
pub const EVENTS_TOO_MANY_TARGETS: DiagnosticCode = DiagnosticCode::new("SW-EVENTS-002");
/// A statement of a role's policy names a principal.
pub const IAM_ROLE_POLICY_PRINCIPAL: DiagnosticCode = DiagnosticCode::new("SW-IAM-001");
/// A name is not a service principal.
pub const IAM_SERVICE_PRINCIPAL_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IAM-002");
/// The key's policy was replaced by one without a Statement list.
pub const KMS_KEY_POLICY_REPLACED: DiagnosticCode = DiagnosticCode::new("SW-KMS-001");
/// A handler is not module.function.
pub const LAMBDA_HANDLER_INVALID: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-001");
/// Inline code for a runtime CloudFormation does not inline.
pub const LAMBDA_INLINE_CODE_RUNTIME: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-002");
/// A timeout outside 1 to 900 whole seconds.
pub const LAMBDA_TIMEOUT_INVALID: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-003");
/// A memory size outside 128 to 10240 MB.
pub const LAMBDA_MEMORY_INVALID: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-004");
/// A function name CloudFormation rejects.
pub const LAMBDA_FUNCTION_NAME_INVALID: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-005");
/// An environment variable name Lambda rejects.
pub const LAMBDA_ENVIRONMENT_NAME_INVALID: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-006");
/// A function in public subnets, where it gets no public address.
pub const LAMBDA_PUBLIC_SUBNETS: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-007");
/// An invoke permission whose principal is not a service principal.
pub const LAMBDA_PERMISSION_PRINCIPAL_INVALID: DiagnosticCode =
    DiagnosticCode::new("SW-LAMBDA-008");
/// A secret's KMS key given as something other than a key ARN.
pub const LAMBDA_SECRET_KEY_NOT_ARN: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-010");
/// A JSON-key rotation of a secret attached to a database.
pub const LAMBDA_JSON_KEY_OF_DATABASE_SECRET: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-011");
/// No JSON key named to rotate.
pub const LAMBDA_JSON_KEY_MISSING: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-012");
/// A generated value length outside 4 to 4096.
pub const LAMBDA_JSON_KEY_LENGTH: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-013");
/// A rotation function source without set_secret or test_secret.
pub const LAMBDA_SET_SECRET_MISSING: DiagnosticCode = DiagnosticCode::new("SW-LAMBDA-014");
/// An engine version that is not one of the engine's.
pub const RDS_ENGINE_VERSION_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-001", "engine");
/// A backup retention outside 1 to 35 days.
pub const RDS_BACKUP_RETENTION_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-002", "backupRetentionDays");
/// A Serverless v2 capacity range RDS rejects.
pub const RDS_SERVERLESS_CAPACITY_INVALID: DiagnosticCode = DiagnosticCode::new("SW-RDS-003");
/// Two instances of a cluster share an id.
pub const RDS_DUPLICATE_INSTANCE: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-004", "readers");
/// A cluster in fewer than two subnets.
pub const RDS_FEWER_THAN_TWO_SUBNETS: DiagnosticCode = DiagnosticCode::new("SW-RDS-005");
/// A credentials secret without a generated username and password.
pub const RDS_CREDENTIALS_SECRET_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-006", "credentials");
/// An enhanced monitoring interval RDS does not accept.
pub const RDS_MONITORING_INTERVAL_INVALID: DiagnosticCode = DiagnosticCode::new("SW-RDS-007");
/// A database user name that is not valid.
pub const RDS_DATABASE_USER_INVALID: DiagnosticCode = DiagnosticCode::new("SW-RDS-008");
/// Grant_connect on a cluster without IAM database authentication.
pub const RDS_IAM_AUTHENTICATION_OFF: DiagnosticCode = DiagnosticCode::new("SW-RDS-009");
/// An instance engine version that is not one of the engine's.
pub const RDS_INSTANCE_ENGINE_VERSION_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-010", "engine");
/// A database with a secret to attach but none to attach (an internal inconsistency).
pub const RDS_NO_MASTER_SECRET: DiagnosticCode = DiagnosticCode::new("SW-RDS-011");
/// A credentials secret given for a database whose password RDS manages.
pub const RDS_MANAGED_PASSWORD_WITH_SECRET: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-012", "credentials");
/// Allocated storage outside the engine's range.
pub const RDS_STORAGE_OUT_OF_RANGE: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-013", "allocatedStorage");
/// A proxy for an engine RDS Proxy does not support.
pub const RDS_PROXY_ENGINE_UNSUPPORTED: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-014", "database");
/// A proxy without a secret.
pub const RDS_PROXY_WITHOUT_SECRET: DiagnosticCode =
    DiagnosticCode::on_field("SW-RDS-015", "secrets");
/// A proxy idle client timeout RDS Proxy does not accept.
pub const RDS_PROXY_IDLE_TIMEOUT_INVALID: DiagnosticCode = DiagnosticCode::new("SW-RDS-016");
/// A multi-user rotation of a database behind an RDS Proxy.
pub const RDS_MULTI_USER_BEHIND_PROXY: DiagnosticCode = DiagnosticCode::new("SW-RDS-017");
/// No ECS service to refresh.
pub const REFRESH_NO_SERVICE: DiagnosticCode =
    DiagnosticCode::on_field("SW-REFRESH-001", "services");
/// A service given by something other than its ARN or cluster and name.
pub const REFRESH_SERVICE_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-REFRESH-002", "services");
/// The same service listed twice.
pub const REFRESH_DUPLICATE_SERVICE: DiagnosticCode =
    DiagnosticCode::on_field("SW-REFRESH-003", "services");
/// An alert address that is not an email address.
pub const REFRESH_ALERT_EMAIL_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-REFRESH-004", "alertEmails");
/// A rotation target without a default port.
pub const ROTATION_TARGET_WITHOUT_PORT: DiagnosticCode = DiagnosticCode::new("SW-ROT-001");
/// A multi-user rotation without a master secret.
pub const ROTATION_MULTI_USER_WITHOUT_MASTER: DiagnosticCode =
    DiagnosticCode::on_field("SW-ROT-002", "masterSecret");
/// A rotation interval Secrets Manager does not schedule.
pub const ROTATION_INTERVAL_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-ROT-003", "automaticallyAfter");
/// A second rotation schedule on one secret.
pub const ROTATION_SECOND_SCHEDULE: DiagnosticCode =
    DiagnosticCode::on_field("SW-ROT-004", "secret");
/// A rotation of a secret attached to another database.
pub const ROTATION_SECRET_OF_OTHER_DATABASE: DiagnosticCode =
    DiagnosticCode::on_field("SW-ROT-005", "secret");
/// An application that has no hosted rotation.
pub const ROTATION_NOT_HOSTED: DiagnosticCode = DiagnosticCode::new("SW-ROT-007");
/// A multi-user rotation of a user secret without masterarn.
pub const ROTATION_USER_WITHOUT_MASTER_ARN: DiagnosticCode = DiagnosticCode::new("SW-ROT-008");
/// A secret string template that is not a JSON object.
pub const SECRET_TEMPLATE_NOT_OBJECT: DiagnosticCode =
    DiagnosticCode::on_field("SW-SEC-001", "generate");
/// A secret attached to a database twice.
pub const SECRET_ALREADY_ATTACHED: DiagnosticCode =
    DiagnosticCode::on_field("SW-SEC-002", "credentials");
/// Master_secret on a secret without a generated JSON value.
pub const SECRET_MASTER_WITHOUT_GENERATION: DiagnosticCode = DiagnosticCode::new("SW-SEC-003");
/// A topic display name longer than 100 characters.
pub const SNS_DISPLAY_NAME_TOO_LONG: DiagnosticCode = DiagnosticCode::new("SW-SNS-001");
/// A subscription endpoint that does not fit its protocol.
pub const SNS_SUBSCRIPTION_INVALID: DiagnosticCode = DiagnosticCode::new("SW-SNS-002");
/// A VPC CIDR block that is not a.b.c.d/n.
pub const VPC_CIDR_INVALID: DiagnosticCode = DiagnosticCode::on_field("SW-VPC-001", "cidr");
/// A VPC prefix outside /16 to /28.
pub const VPC_CIDR_PREFIX_INVALID: DiagnosticCode = DiagnosticCode::on_field("SW-VPC-002", "cidr");
/// A subnet group mask outside /16 to /28.
pub const VPC_SUBNET_MASK_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-003", "subnets");
/// Subnet groups that do not fit in the VPC's CIDR.
pub const VPC_SUBNETS_DO_NOT_FIT: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-004", "subnets");
/// A subnet group name that is empty or contains /.
pub const VPC_SUBNET_GROUP_NAME_INVALID: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-005", "subnets");
/// NAT gateways without a public subnet group.
pub const VPC_NAT_WITHOUT_PUBLIC_SUBNETS: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-006", "natGateways");
/// More NAT gateways than availability zones.
pub const VPC_TOO_MANY_NAT_GATEWAYS: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-007", "natGateways");
/// Private-with-egress subnets with no NAT gateway.
pub const VPC_PRIVATE_SUBNETS_WITHOUT_NAT: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-008", "natGateways");
/// Both max_azs and availability_zones.
pub const VPC_AZS_GIVEN_TWICE: DiagnosticCode = DiagnosticCode::on_field("SW-VPC-009", "maxAzs");
/// A subnet selection naming a group the VPC lacks.
pub const VPC_NO_SUCH_SUBNET_GROUP: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-011", "subnets");
/// An interface endpoint whose selection gives no subnet.
pub const VPC_ENDPOINT_WITHOUT_SUBNETS: DiagnosticCode =
    DiagnosticCode::on_field("SW-VPC-012", "subnets");

/// A rule for an immutable imported group, which must be added by hand.
pub const EC2_IMMUTABLE_GROUP_RULE: DiagnosticCode = DiagnosticCode::new("SW-EC2-005");
/// An imported id that does not have its resource's shape (vpc-, subnet-, sg-, rtb-).
pub const IMPORT_ID_MALFORMED: DiagnosticCode = DiagnosticCode::new("SW-IMP-001");
/// An imported CIDR block that is not valid or not inside the VPC's.
pub const IMPORT_CIDR_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-002");
/// Imported subnets or zones that do not pair one subnet of each type per zone.
pub const IMPORT_SUBNETS_DO_NOT_MATCH_AZS: DiagnosticCode = DiagnosticCode::new("SW-IMP-003");
/// Route table or CIDR lists whose length differs from the subnets'.
pub const IMPORT_LIST_LENGTHS_DIFFER: DiagnosticCode = DiagnosticCode::new("SW-IMP-004");
/// An existing interface endpoint whose service is not a short name.
pub const IMPORT_ENDPOINT_SERVICE_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-005");
/// An imported secret ARN of the wrong form or service.
pub const IMPORT_SECRET_ARN_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-006");
/// An imported KMS key ARN of the wrong form or service.
pub const IMPORT_KEY_ARN_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-007");
/// Imported cluster attributes that are not valid.
pub const IMPORT_CLUSTER_ATTRIBUTES_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-008");
/// Imported instance attributes that are not valid.
pub const IMPORT_INSTANCE_ATTRIBUTES_INVALID: DiagnosticCode = DiagnosticCode::new("SW-IMP-009");
/// The CIDR block of an imported subnet that was not stated.
pub const VPC_SUBNET_CIDR_NOT_STATED: DiagnosticCode = DiagnosticCode::new("SW-VPC-013");
/// Every code above, in order.
pub const ALL: &[DiagnosticCode] = &[
    ECS_CLUSTER_NAME_INVALID,
    ECS_FARGATE_SIZE_INVALID,
    ECS_FAMILY_INVALID,
    ECS_CONTAINER_NAME_INVALID,
    ECS_SECRET_FIELD_MISSING,
    ECS_ENVIRONMENT_NAME_INVALID,
    ECS_PORT_MAPPING_INVALID,
    ECS_TASK_WITHOUT_CONTAINER,
    ECS_OTHER_VPC,
    ECS_SERVICE_NAME_INVALID,
    ECS_CONSUMER_NOT_REFRESHED,
    EC2_PORT_RANGE_REVERSED,
    EC2_PEER_CIDR_INVALID,
    EC2_EGRESS_RULE_IGNORED,
    EC2_ALL_TRAFFIC_EGRESS_RULE,
    EVENTS_PATTERN_INVALID,
    EVENTS_TOO_MANY_TARGETS,
    IAM_ROLE_POLICY_PRINCIPAL,
    IAM_SERVICE_PRINCIPAL_INVALID,
    KMS_KEY_POLICY_REPLACED,
    LAMBDA_HANDLER_INVALID,
    LAMBDA_INLINE_CODE_RUNTIME,
    LAMBDA_TIMEOUT_INVALID,
    LAMBDA_MEMORY_INVALID,
    LAMBDA_FUNCTION_NAME_INVALID,
    LAMBDA_ENVIRONMENT_NAME_INVALID,
    LAMBDA_PUBLIC_SUBNETS,
    LAMBDA_PERMISSION_PRINCIPAL_INVALID,
    LAMBDA_SECRET_KEY_NOT_ARN,
    LAMBDA_JSON_KEY_OF_DATABASE_SECRET,
    LAMBDA_JSON_KEY_MISSING,
    LAMBDA_JSON_KEY_LENGTH,
    LAMBDA_SET_SECRET_MISSING,
    RDS_ENGINE_VERSION_INVALID,
    RDS_BACKUP_RETENTION_INVALID,
    RDS_SERVERLESS_CAPACITY_INVALID,
    RDS_DUPLICATE_INSTANCE,
    RDS_FEWER_THAN_TWO_SUBNETS,
    RDS_CREDENTIALS_SECRET_INVALID,
    RDS_MONITORING_INTERVAL_INVALID,
    RDS_DATABASE_USER_INVALID,
    RDS_IAM_AUTHENTICATION_OFF,
    RDS_INSTANCE_ENGINE_VERSION_INVALID,
    RDS_NO_MASTER_SECRET,
    RDS_MANAGED_PASSWORD_WITH_SECRET,
    RDS_STORAGE_OUT_OF_RANGE,
    RDS_PROXY_ENGINE_UNSUPPORTED,
    RDS_PROXY_WITHOUT_SECRET,
    RDS_PROXY_IDLE_TIMEOUT_INVALID,
    RDS_MULTI_USER_BEHIND_PROXY,
    REFRESH_NO_SERVICE,
    REFRESH_SERVICE_INVALID,
    REFRESH_DUPLICATE_SERVICE,
    REFRESH_ALERT_EMAIL_INVALID,
    ROTATION_TARGET_WITHOUT_PORT,
    ROTATION_MULTI_USER_WITHOUT_MASTER,
    ROTATION_INTERVAL_INVALID,
    ROTATION_SECOND_SCHEDULE,
    ROTATION_SECRET_OF_OTHER_DATABASE,
    ROTATION_NOT_HOSTED,
    ROTATION_USER_WITHOUT_MASTER_ARN,
    SECRET_TEMPLATE_NOT_OBJECT,
    SECRET_ALREADY_ATTACHED,
    SECRET_MASTER_WITHOUT_GENERATION,
    SNS_DISPLAY_NAME_TOO_LONG,
    SNS_SUBSCRIPTION_INVALID,
    VPC_CIDR_INVALID,
    VPC_CIDR_PREFIX_INVALID,
    VPC_SUBNET_MASK_INVALID,
    VPC_SUBNETS_DO_NOT_FIT,
    VPC_SUBNET_GROUP_NAME_INVALID,
    VPC_NAT_WITHOUT_PUBLIC_SUBNETS,
    VPC_TOO_MANY_NAT_GATEWAYS,
    VPC_PRIVATE_SUBNETS_WITHOUT_NAT,
    VPC_AZS_GIVEN_TWICE,
    VPC_NO_SUCH_SUBNET_GROUP,
    VPC_ENDPOINT_WITHOUT_SUBNETS,
    EC2_IMMUTABLE_GROUP_RULE,
    IMPORT_ID_MALFORMED,
    IMPORT_CIDR_INVALID,
    IMPORT_SUBNETS_DO_NOT_MATCH_AZS,
    IMPORT_LIST_LENGTHS_DIFFER,
    IMPORT_ENDPOINT_SERVICE_INVALID,
    IMPORT_SECRET_ARN_INVALID,
    IMPORT_KEY_ARN_INVALID,
    IMPORT_CLUSTER_ATTRIBUTES_INVALID,
    IMPORT_INSTANCE_ATTRIBUTES_INVALID,
    VPC_SUBNET_CIDR_NOT_STATED,
];

#[cfg(test)]
mod tests {
    /// Every code is registered once, and the sources name codes through the registry.
    #[test]
    fn the_registry_is_whole() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let problems = stackwright_core::codes::registry_problems(super::ALL, &src);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
