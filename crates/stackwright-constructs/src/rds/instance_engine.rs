//! Engines of RDS instances (PostgreSQL, MySQL, MariaDB, SQL Server, Oracle) and their typed
//! versions.

use std::borrow::Cow;

use stackwright_core::{Error, Result};

use crate::secretsmanager::SecretRotationApplication;

fn digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// `<a>.<b>.<c>` with numeric parts, and `<a>.<b>` in `majors`.
fn major_minor_patch(full: &str, majors: &[&str]) -> Option<String> {
    let parts: Vec<&str> = full.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| digits(p)) {
        return None;
    }
    let major = format!("{}.{}", parts[0], parts[1]);
    majors.contains(&major.as_str()).then_some(major)
}

fn postgres_major(full: &str) -> Option<String> {
    let (major, minor) = full.split_once('.')?;
    let n: u32 = major.parse().ok()?;
    ((11..=17).contains(&n) && digits(minor)).then(|| major.to_string())
}

fn mysql_major(full: &str) -> Option<String> {
    major_minor_patch(full, &["5.7", "8.0", "8.4"])
}

fn mariadb_major(full: &str) -> Option<String> {
    major_minor_patch(full, &["10.4", "10.5", "10.6", "10.11", "11.4", "11.8"])
}

/// `<major>.00.<build>.<n>.v<n>`, majors 13 (2016) to 16 (2022).
fn sqlserver_major(full: &str) -> Option<String> {
    let parts: Vec<&str> = full.split('.').collect();
    let [major, "00", build, n, v] = parts.as_slice() else {
        return None;
    };
    let ok = matches!(*major, "13" | "14" | "15" | "16")
        && digits(build)
        && digits(n)
        && v.strip_prefix('v').is_some_and(digits);
    ok.then(|| format!("{major}.00"))
}

/// `<major>.0.0.0.ru-<yyyy>-<mm>.rur-<yyyy>-<mm>.r<n>`, majors 19 and 21.
fn oracle_major(full: &str) -> Option<String> {
    let rest = full
        .strip_prefix("19.0.0.0.ru-")
        .map(|r| ("19", r))
        .or_else(|| full.strip_prefix("21.0.0.0.ru-").map(|r| ("21", r)));
    let (major, rest) = rest?;
    let month = |s: &str| {
        s.split_once('-')
            .is_some_and(|(y, m)| y.len() == 4 && digits(y) && m.len() == 2 && digits(m))
    };
    let (ru, rest) = rest.split_once(".rur-")?;
    let (rur, r) = rest.split_once(".r")?;
    (month(ru) && month(rur) && digits(r)).then(|| major.to_string())
}

macro_rules! engine_version {
    ($(#[$doc:meta])* $name:ident, $what:literal, $example:literal, $constant:literal, $parse:ident,
     { $($(#[$cdoc:meta])* $c:ident = ($full:literal, $major:literal);)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            full: Cow<'static, str>,
            major: Cow<'static, str>,
        }

        impl $name {
            $($(#[$cdoc])* pub const $c: $name = $name {
                full: Cow::Borrowed($full),
                major: Cow::Borrowed($major),
            };)*

            #[doc = concat!("A version by its full name, e.g. `", $example, "`; anything that is not a ",
                $what, " version RDS offers is an error (`SW-RDS-010`).")]
            pub fn of(full: &str) -> Result<Self> {
                let major = $parse(full).ok_or_else(|| {
                    Error::invalid(
                        crate::codes::RDS_INSTANCE_ENGINE_VERSION_INVALID,
                        "InstanceEngine",
                        format!(concat!("`{}` is not a ", $what, " engine version"), full),
                        concat!("use a version such as ", $example, " (", stringify!($name), "::", $constant, ")"),
                    )
                })?;
                Ok($name { full: Cow::Owned(full.to_string()), major: Cow::Owned(major) })
            }
            /// The full version (`EngineVersion`).
            pub fn full(&self) -> &str {
                &self.full
            }
            /// The major version (as in the parameter group family).
            pub fn major(&self) -> &str {
                &self.major
            }
        }
    };
}

engine_version!(
    /// A PostgreSQL engine version, e.g. `16.8`.
    PostgresVersion, "PostgreSQL", "16.8", "V16_8", postgres_major, {
        /// PostgreSQL 16.4 (RDS no longer creates new instances of it; existing ones keep it).
        V16_4 = ("16.4", "16");
        /// PostgreSQL 16.6.
        V16_6 = ("16.6", "16");
        /// PostgreSQL 16.8.
        V16_8 = ("16.8", "16");
        /// PostgreSQL 17.2.
        V17_2 = ("17.2", "17");
        /// PostgreSQL 17.4.
        V17_4 = ("17.4", "17");
        /// PostgreSQL 17.5.
        V17_5 = ("17.5", "17");
    }
);

engine_version!(
    /// A MySQL engine version, e.g. `8.0.40`.
    MysqlVersion, "MySQL", "8.0.40", "V8_0_40", mysql_major, {
        /// MySQL 8.0.40.
        V8_0_40 = ("8.0.40", "8.0");
        /// MySQL 8.0.41.
        V8_0_41 = ("8.0.41", "8.0");
        /// MySQL 8.4.3.
        V8_4_3 = ("8.4.3", "8.4");
        /// MySQL 8.4.4.
        V8_4_4 = ("8.4.4", "8.4");
    }
);

engine_version!(
    /// A MariaDB engine version, e.g. `10.11.9`.
    MariaDbVersion, "MariaDB", "10.11.9", "V10_11_9", mariadb_major, {
        /// MariaDB 10.6.19.
        V10_6_19 = ("10.6.19", "10.6");
        /// MariaDB 10.11.9.
        V10_11_9 = ("10.11.9", "10.11");
        /// MariaDB 10.11.10.
        V10_11_10 = ("10.11.10", "10.11");
        /// MariaDB 11.4.3.
        V11_4_3 = ("11.4.3", "11.4");
        /// MariaDB 11.4.5.
        V11_4_5 = ("11.4.5", "11.4");
    }
);

engine_version!(
    /// A SQL Server engine version, e.g. `16.00.4150.1.v1`.
    SqlServerVersion, "SQL Server", "16.00.4150.1.v1", "V16_00_4150_1_V1", sqlserver_major, {
        /// SQL Server 2019, 15.00.4415.2.v1.
        V15_00_4415_2_V1 = ("15.00.4415.2.v1", "15.00");
        /// SQL Server 2022, 16.00.4150.1.v1.
        V16_00_4150_1_V1 = ("16.00.4150.1.v1", "16.00");
    }
);

engine_version!(
    /// An Oracle engine version, e.g. `19.0.0.0.ru-2024-10.rur-2024-10.r1`.
    OracleVersion, "Oracle", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "V19_0_0_0_2024_10_R1", oracle_major, {
        /// Oracle 19c, October 2024 release update.
        V19_0_0_0_2024_10_R1 = ("19.0.0.0.ru-2024-10.rur-2024-10.r1", "19");
        /// Oracle 21c, October 2024 release update.
        V21_0_0_0_2024_10_R1 = ("21.0.0.0.ru-2024-10.rur-2024-10.r1", "21");
    }
);

/// A SQL Server edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlServerEdition {
    /// Enterprise (`sqlserver-ee`).
    Enterprise,
    /// Standard (`sqlserver-se`).
    Standard,
    /// Express (`sqlserver-ex`).
    Express,
    /// Web (`sqlserver-web`).
    Web,
}

/// An Oracle edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OracleEdition {
    /// Enterprise Edition (`oracle-ee`).
    Enterprise,
    /// Standard Edition Two (`oracle-se2`).
    StandardTwo,
}

/// The engine of a [`DatabaseInstance`](super::DatabaseInstance), with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceEngine {
    /// PostgreSQL (`postgres`).
    Postgres(PostgresVersion),
    /// MySQL (`mysql`).
    Mysql(MysqlVersion),
    /// MariaDB (`mariadb`).
    MariaDb(MariaDbVersion),
    /// SQL Server of an edition.
    SqlServer(SqlServerEdition, SqlServerVersion),
    /// Oracle of an edition.
    Oracle(OracleEdition, OracleVersion),
}

impl InstanceEngine {
    /// PostgreSQL of a version (`PostgresVersion::V16_4`, or `PostgresVersion::of("16.4")?`).
    pub fn postgres(version: PostgresVersion) -> Self {
        InstanceEngine::Postgres(version)
    }
    /// MySQL of a version.
    pub fn mysql(version: MysqlVersion) -> Self {
        InstanceEngine::Mysql(version)
    }
    /// MariaDB of a version.
    pub fn mariadb(version: MariaDbVersion) -> Self {
        InstanceEngine::MariaDb(version)
    }
    /// SQL Server of an edition and version.
    pub fn sql_server(edition: SqlServerEdition, version: SqlServerVersion) -> Self {
        InstanceEngine::SqlServer(edition, version)
    }
    /// Oracle of an edition and version.
    pub fn oracle(edition: OracleEdition, version: OracleVersion) -> Self {
        InstanceEngine::Oracle(edition, version)
    }

    /// `Engine`, e.g. `postgres`, `sqlserver-se`.
    pub fn engine_type(&self) -> &'static str {
        match self {
            InstanceEngine::Postgres(_) => "postgres",
            InstanceEngine::Mysql(_) => "mysql",
            InstanceEngine::MariaDb(_) => "mariadb",
            InstanceEngine::SqlServer(SqlServerEdition::Enterprise, _) => "sqlserver-ee",
            InstanceEngine::SqlServer(SqlServerEdition::Standard, _) => "sqlserver-se",
            InstanceEngine::SqlServer(SqlServerEdition::Express, _) => "sqlserver-ex",
            InstanceEngine::SqlServer(SqlServerEdition::Web, _) => "sqlserver-web",
            InstanceEngine::Oracle(OracleEdition::Enterprise, _) => "oracle-ee",
            InstanceEngine::Oracle(OracleEdition::StandardTwo, _) => "oracle-se2",
        }
    }
    /// `EngineVersion`.
    pub fn version(&self) -> &str {
        match self {
            InstanceEngine::Postgres(v) => v.full(),
            InstanceEngine::Mysql(v) => v.full(),
            InstanceEngine::MariaDb(v) => v.full(),
            InstanceEngine::SqlServer(_, v) => v.full(),
            InstanceEngine::Oracle(_, v) => v.full(),
        }
    }
    /// The parameter group family, e.g. `postgres16`, `sqlserver-se-16.0`.
    pub fn parameter_group_family(&self) -> String {
        match self {
            InstanceEngine::Postgres(v) => format!("postgres{}", v.major()),
            InstanceEngine::Mysql(v) => format!("mysql{}", v.major()),
            InstanceEngine::MariaDb(v) => format!("mariadb{}", v.major()),
            InstanceEngine::SqlServer(_, v) => {
                let n = v.major().split('.').next().unwrap_or_default();
                format!("{}-{n}.0", self.engine_type())
            }
            InstanceEngine::Oracle(_, v) => format!("{}-{}", self.engine_type(), v.major()),
        }
    }
    /// The engine's default port: 5432 (PostgreSQL), 3306 (MySQL, MariaDB), 1433 (SQL
    /// Server), 1521 (Oracle).
    pub fn default_port(&self) -> u16 {
        match self {
            InstanceEngine::Postgres(_) => 5432,
            InstanceEngine::Mysql(_) | InstanceEngine::MariaDb(_) => 3306,
            InstanceEngine::SqlServer(..) => 1433,
            InstanceEngine::Oracle(..) => 1521,
        }
    }
    /// The default master user name (`postgres` for PostgreSQL, else `admin`, as the CDK).
    pub fn default_username(&self) -> &'static str {
        match self {
            InstanceEngine::Postgres(_) => "postgres",
            _ => "admin",
        }
    }
    /// The smallest allocated storage (GiB) of general-purpose storage RDS accepts.
    pub fn min_storage_gib(&self) -> u32 {
        20
    }
    /// The largest allocated storage (GiB) of general-purpose storage RDS accepts.
    pub fn max_storage_gib(&self) -> u32 {
        match self {
            InstanceEngine::SqlServer(..) => 16_384,
            _ => 65_536,
        }
    }
    /// The RDS Proxy engine family (`POSTGRESQL`, `MYSQL`, `SQLSERVER`); Oracle has none.
    pub fn proxy_engine_family(&self) -> Option<&'static str> {
        match self {
            InstanceEngine::Postgres(_) => Some("POSTGRESQL"),
            InstanceEngine::Mysql(_) | InstanceEngine::MariaDb(_) => Some("MYSQL"),
            InstanceEngine::SqlServer(..) => Some("SQLSERVER"),
            InstanceEngine::Oracle(..) => None,
        }
    }
    /// The rotation application for single-user rotation.
    pub fn single_user_rotation(&self) -> SecretRotationApplication {
        use SecretRotationApplication::*;
        match self {
            InstanceEngine::Postgres(_) => PostgresSingleUser,
            InstanceEngine::Mysql(_) => MysqlSingleUser,
            InstanceEngine::MariaDb(_) => MariaDbSingleUser,
            InstanceEngine::SqlServer(..) => SqlServerSingleUser,
            InstanceEngine::Oracle(..) => OracleSingleUser,
        }
    }
    /// The rotation application for multi-user rotation.
    pub fn multi_user_rotation(&self) -> SecretRotationApplication {
        use SecretRotationApplication::*;
        match self {
            InstanceEngine::Postgres(_) => PostgresMultiUser,
            InstanceEngine::Mysql(_) => MysqlMultiUser,
            InstanceEngine::MariaDb(_) => MariaDbMultiUser,
            InstanceEngine::SqlServer(..) => SqlServerMultiUser,
            InstanceEngine::Oracle(..) => OracleMultiUser,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecretRotationApplication::*;

    fn all() -> Vec<InstanceEngine> {
        vec![
            InstanceEngine::postgres(PostgresVersion::V16_4),
            InstanceEngine::mysql(MysqlVersion::V8_0_40),
            InstanceEngine::mariadb(MariaDbVersion::V10_11_9),
            InstanceEngine::sql_server(
                SqlServerEdition::Standard,
                SqlServerVersion::V16_00_4150_1_V1,
            ),
            InstanceEngine::oracle(
                OracleEdition::Enterprise,
                OracleVersion::V19_0_0_0_2024_10_R1,
            ),
        ]
    }

    #[test]
    fn each_engine_has_its_port_and_rotation_apps() {
        let got: Vec<_> = all()
            .iter()
            .map(|e| {
                (
                    e.engine_type(),
                    e.default_port(),
                    e.single_user_rotation(),
                    e.multi_user_rotation(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("postgres", 5432, PostgresSingleUser, PostgresMultiUser),
                ("mysql", 3306, MysqlSingleUser, MysqlMultiUser),
                ("mariadb", 3306, MariaDbSingleUser, MariaDbMultiUser),
                (
                    "sqlserver-se",
                    1433,
                    SqlServerSingleUser,
                    SqlServerMultiUser
                ),
                ("oracle-ee", 1521, OracleSingleUser, OracleMultiUser),
            ]
        );
        // The SAR names AWS publishes for each engine (SecretsManager<name>).
        let names: Vec<_> = all()
            .iter()
            .map(|e| e.single_user_rotation().sar().0)
            .collect();
        assert_eq!(
            names,
            [
                "RDSPostgreSQLRotationSingleUser",
                "RDSMySQLRotationSingleUser",
                "RDSMariaDBRotationSingleUser",
                "RDSSQLServerRotationSingleUser",
                "RDSOracleRotationSingleUser",
            ]
        );
    }

    #[test]
    fn families_and_proxy_support() {
        let f: Vec<_> = all().iter().map(|e| e.parameter_group_family()).collect();
        assert_eq!(
            f,
            [
                "postgres16",
                "mysql8.0",
                "mariadb10.11",
                "sqlserver-se-16.0",
                "oracle-ee-19"
            ]
        );
        let p: Vec<_> = all().iter().map(|e| e.proxy_engine_family()).collect();
        assert_eq!(
            p,
            [
                Some("POSTGRESQL"),
                Some("MYSQL"),
                Some("MYSQL"),
                Some("SQLSERVER"),
                None
            ]
        );
    }

    #[test]
    fn versions_that_do_not_exist_are_refused() {
        assert_eq!(PostgresVersion::of("16.4").unwrap(), PostgresVersion::V16_4);
        assert_eq!(
            SqlServerVersion::of("16.00.4150.1.v1").unwrap(),
            SqlServerVersion::V16_00_4150_1_V1
        );
        assert_eq!(
            OracleVersion::of("19.0.0.0.ru-2024-10.rur-2024-10.r1").unwrap(),
            OracleVersion::V19_0_0_0_2024_10_R1
        );
        for bad in ["9.6", "16", "16.x", "42.1", "8.0.40"] {
            let e = PostgresVersion::of(bad).unwrap_err();
            assert!(e.has_code("SW-RDS-010"), "{bad}: {e}");
        }
        for bad in ["8.0", "8.1.2", "16.4", "8.0.mysql_aurora.3.04.0"] {
            assert!(MysqlVersion::of(bad).is_err(), "{bad}");
        }
        assert!(MariaDbVersion::of("10.7.1").is_err());
        assert!(SqlServerVersion::of("16.00.4150.1").is_err());
        assert!(SqlServerVersion::of("12.00.4150.1.v1").is_err());
        assert!(OracleVersion::of("19.0.0.0.ru-2024-10.rur-2024-10").is_err());
        let e = MysqlVersion::of("8.1.2").unwrap_err().to_string();
        assert!(e.contains("`8.1.2` is not a MySQL engine version"), "{e}");
    }
}
