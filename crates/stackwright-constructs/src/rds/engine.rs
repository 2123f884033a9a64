//! Aurora engines and typed engine versions.

use std::borrow::Cow;

use stackwright_core::{Error, Result};

use crate::secretsmanager::SecretRotationApplication;

/// An Aurora cluster engine with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterEngine {
    /// Aurora MySQL (`aurora-mysql`).
    AuroraMysql(AuroraMysqlVersion),
    /// Aurora PostgreSQL (`aurora-postgresql`).
    AuroraPostgres(AuroraPostgresVersion),
}

/// An Aurora MySQL engine version, e.g. `8.0.mysql_aurora.3.04.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuroraMysqlVersion {
    full: Cow<'static, str>,
    major: Cow<'static, str>,
}

/// An Aurora PostgreSQL engine version, e.g. `15.4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuroraPostgresVersion {
    full: Cow<'static, str>,
    major: u32,
}

impl AuroraMysqlVersion {
    const fn known(full: &'static str, major: &'static str) -> Self {
        AuroraMysqlVersion {
            full: Cow::Borrowed(full),
            major: Cow::Borrowed(major),
        }
    }

    /// Aurora MySQL 3.04.0 (MySQL 8.0).
    pub const V3_04_0: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.04.0", "8.0");
    /// Aurora MySQL 3.04.1.
    pub const V3_04_1: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.04.1", "8.0");
    /// Aurora MySQL 3.04.2.
    pub const V3_04_2: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.04.2", "8.0");
    /// Aurora MySQL 3.04.3.
    pub const V3_04_3: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.04.3", "8.0");
    /// Aurora MySQL 3.05.2.
    pub const V3_05_2: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.05.2", "8.0");
    /// Aurora MySQL 3.06.0.
    pub const V3_06_0: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.06.0", "8.0");
    /// Aurora MySQL 3.07.1.
    pub const V3_07_1: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.07.1", "8.0");
    /// Aurora MySQL 3.08.0.
    pub const V3_08_0: AuroraMysqlVersion =
        AuroraMysqlVersion::known("8.0.mysql_aurora.3.08.0", "8.0");

    /// A version by its full name (`<mysql major>.mysql_aurora.<aurora version>`); anything
    /// that is not an Aurora MySQL version is an error.
    pub fn of(full: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                crate::codes::RDS_ENGINE_VERSION_INVALID,
                "ClusterEngine",
                format!("`{full}` is not an Aurora MySQL engine version"),
                "use a version such as 8.0.mysql_aurora.3.04.0 (AuroraMysqlVersion::V3_04_0)",
            )
        };
        let (major, rest) = full.split_once(".mysql_aurora.").ok_or_else(bad)?;
        let nums = |s: &str, n: usize| {
            s.split('.').count() == n
                && s.split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        };
        if !matches!(major, "5.7" | "8.0") || !nums(rest, 3) {
            return Err(bad());
        }
        Ok(AuroraMysqlVersion {
            full: Cow::Owned(full.to_string()),
            major: Cow::Owned(major.to_string()),
        })
    }
}

impl AuroraPostgresVersion {
    const fn known(full: &'static str, major: u32) -> Self {
        AuroraPostgresVersion {
            full: Cow::Borrowed(full),
            major,
        }
    }

    /// Aurora PostgreSQL 13.12.
    pub const V13_12: AuroraPostgresVersion = AuroraPostgresVersion::known("13.12", 13);
    /// Aurora PostgreSQL 14.9.
    pub const V14_9: AuroraPostgresVersion = AuroraPostgresVersion::known("14.9", 14);
    /// Aurora PostgreSQL 15.4.
    pub const V15_4: AuroraPostgresVersion = AuroraPostgresVersion::known("15.4", 15);
    /// Aurora PostgreSQL 15.7.
    pub const V15_7: AuroraPostgresVersion = AuroraPostgresVersion::known("15.7", 15);
    /// Aurora PostgreSQL 16.4.
    pub const V16_4: AuroraPostgresVersion = AuroraPostgresVersion::known("16.4", 16);

    /// A version by its name (`<major>.<minor>`, majors 11 to 17); anything else is an error.
    pub fn of(full: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                crate::codes::RDS_ENGINE_VERSION_INVALID,
                "ClusterEngine",
                format!("`{full}` is not an Aurora PostgreSQL engine version"),
                "use a version such as 15.4 (AuroraPostgresVersion::V15_4)",
            )
        };
        let (major, minor) = full.split_once('.').ok_or_else(bad)?;
        let major: u32 = major.parse().map_err(|_| bad())?;
        if !(11..=17).contains(&major)
            || minor.is_empty()
            || !minor.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        Ok(AuroraPostgresVersion {
            full: Cow::Owned(full.to_string()),
            major,
        })
    }
}

impl ClusterEngine {
    /// Aurora MySQL of a version (`AuroraMysqlVersion::V3_04_0`, or
    /// `AuroraMysqlVersion::of("8.0.mysql_aurora.3.04.0")?` for one not listed).
    pub fn aurora_mysql(version: AuroraMysqlVersion) -> Self {
        ClusterEngine::AuroraMysql(version)
    }
    /// Aurora PostgreSQL of a version (`AuroraPostgresVersion::V15_4`, or
    /// `AuroraPostgresVersion::of("15.4")?`).
    pub fn aurora_postgres(version: AuroraPostgresVersion) -> Self {
        ClusterEngine::AuroraPostgres(version)
    }
    /// `Engine`.
    pub fn engine_type(&self) -> &'static str {
        match self {
            ClusterEngine::AuroraMysql(_) => "aurora-mysql",
            ClusterEngine::AuroraPostgres(_) => "aurora-postgresql",
        }
    }
    /// `EngineVersion`.
    pub fn version(&self) -> &str {
        match self {
            ClusterEngine::AuroraMysql(v) => &v.full,
            ClusterEngine::AuroraPostgres(v) => &v.full,
        }
    }
    /// The parameter group family, e.g. `aurora-mysql8.0`, `aurora-postgresql15`.
    pub fn parameter_group_family(&self) -> String {
        match self {
            ClusterEngine::AuroraMysql(v) => format!("aurora-mysql{}", v.major),
            ClusterEngine::AuroraPostgres(v) => format!("aurora-postgresql{}", v.major),
        }
    }
    /// The engine's default port.
    pub fn default_port(&self) -> u16 {
        match self {
            ClusterEngine::AuroraMysql(_) => 3306,
            ClusterEngine::AuroraPostgres(_) => 5432,
        }
    }
    /// The CDK writes `Port` for engines that declare a default port (PostgreSQL) only.
    pub(crate) fn emits_port(&self) -> bool {
        matches!(self, ClusterEngine::AuroraPostgres(_))
    }
    /// The default master user name.
    pub fn default_username(&self) -> &'static str {
        match self {
            ClusterEngine::AuroraMysql(_) => "admin",
            ClusterEngine::AuroraPostgres(_) => "postgres",
        }
    }
    /// The rotation application for single-user rotation.
    pub fn single_user_rotation(&self) -> SecretRotationApplication {
        match self {
            ClusterEngine::AuroraMysql(_) => SecretRotationApplication::MysqlSingleUser,
            ClusterEngine::AuroraPostgres(_) => SecretRotationApplication::PostgresSingleUser,
        }
    }
    /// The rotation application for multi-user rotation.
    pub fn multi_user_rotation(&self) -> SecretRotationApplication {
        match self {
            ClusterEngine::AuroraMysql(_) => SecretRotationApplication::MysqlMultiUser,
            ClusterEngine::AuroraPostgres(_) => SecretRotationApplication::PostgresMultiUser,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_belong_to_their_engine() {
        assert_eq!(
            AuroraMysqlVersion::of("8.0.mysql_aurora.3.04.0").unwrap(),
            AuroraMysqlVersion::V3_04_0
        );
        assert_eq!(
            AuroraPostgresVersion::of("16.4").unwrap(),
            AuroraPostgresVersion::V16_4
        );
        let e = AuroraMysqlVersion::of("15.4").unwrap_err();
        assert!(e.has_code("SW-RDS-001"), "{e}");
        let e = AuroraPostgresVersion::of("8.0.mysql_aurora.3.04.0").unwrap_err();
        assert!(e.has_code("SW-RDS-001"), "{e}");
        assert!(AuroraPostgresVersion::of("9.6").is_err());
        assert!(AuroraMysqlVersion::of("8.0.mysql_aurora.3.04").is_err());
    }

    #[test]
    fn families() {
        let m = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
        assert_eq!(m.parameter_group_family(), "aurora-mysql8.0");
        assert_eq!(m.version(), "8.0.mysql_aurora.3.04.0");
        let p = ClusterEngine::aurora_postgres(AuroraPostgresVersion::V15_4);
        assert_eq!(p.parameter_group_family(), "aurora-postgresql15");
        assert_eq!(p.default_port(), 5432);
    }
}
