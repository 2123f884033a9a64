//! AWS SAM resource types (`AWS::Serverless::*`), written by hand: the SAM specification is not
//! part of the CloudFormation registry. A template that uses them needs the
//! `AWS::Serverless-2016-10-31` transform (`Stack::add_transform`).

use indexmap::IndexMap;
use stackwright_core::{CfnResource, Expr, ToValue, Value};

/// `AWS::Serverless::Application` resource type: a nested application from the AWS Serverless
/// Application Repository or from an Amazon S3 template URL.
#[derive(Debug, Clone, PartialEq)]
pub struct CfnApplication {
    /// `Location`: an `ApplicationId`/`SemanticVersion` map (see
    /// [`cfn_application::ApplicationLocation`]; either member may be an intrinsic such as
    /// `Fn::FindInMap`) or a template URL string.
    ///
    /// Changing this replaces the resource.
    pub location: Value,
    /// `NotificationARNs`.
    pub notification_arns: Option<Expr<Vec<String>>>,
    /// `Parameters`: the nested application's parameter values, rendered in insertion order.
    pub parameters: Option<IndexMap<String, Expr<String>>>,
    /// `Tags`: a map of tags, rendered in insertion order.
    pub tags: Option<IndexMap<String, Expr<String>>>,
    /// `TimeoutInMinutes`.
    pub timeout_in_minutes: Option<Expr<i64>>,
}

impl CfnApplication {
    /// The CloudFormation resource type.
    pub const RESOURCE_TYPE: &'static str = "AWS::Serverless::Application";

    /// A new `AWS::Serverless::Application` with its required property `Location`: a
    /// [`cfn_application::ApplicationLocation`], a [`Value`], or an `Expr<String>` template URL.
    pub fn new(location: impl ToValue) -> Self {
        CfnApplication {
            location: location.to_value(),
            notification_arns: None,
            parameters: None,
            tags: None,
            timeout_in_minutes: None,
        }
    }

    /// Sets `NotificationARNs`.
    pub fn notification_arns(mut self, v: impl Into<Expr<Vec<String>>>) -> Self {
        self.notification_arns = Some(v.into());
        self
    }

    /// Sets `Parameters` (rendered in the map's order).
    pub fn parameters(mut self, v: IndexMap<String, Expr<String>>) -> Self {
        self.parameters = Some(v);
        self
    }

    /// Adds one entry to `Parameters`, after those already set.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.parameters
            .get_or_insert_with(IndexMap::new)
            .insert(name.into(), value.into());
        self
    }

    /// Sets `Tags` (rendered in the map's order).
    pub fn tags(mut self, v: IndexMap<String, Expr<String>>) -> Self {
        self.tags = Some(v);
        self
    }

    /// Adds one entry to `Tags`, after those already set.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.tags
            .get_or_insert_with(IndexMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Sets `TimeoutInMinutes`.
    pub fn timeout_in_minutes(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.timeout_in_minutes = Some(v.into());
        self
    }
}

impl CfnResource for CfnApplication {
    fn resource_type(&self) -> &str {
        Self::RESOURCE_TYPE
    }

    fn into_properties(self) -> IndexMap<String, Value> {
        let mut m: IndexMap<String, Value> = IndexMap::new();
        m.insert("Location".into(), self.location);
        if let Some(v) = self.notification_arns {
            m.insert("NotificationARNs".into(), v.into_value());
        }
        if let Some(v) = self.parameters {
            m.insert("Parameters".into(), v.into_value());
        }
        if let Some(v) = self.tags {
            m.insert("Tags".into(), v.into_value());
        }
        if let Some(v) = self.timeout_in_minutes {
            m.insert("TimeoutInMinutes".into(), v.into_value());
        }
        m
    }
}

/// Property types of `CfnApplication` (`AWS::Serverless::Application`).
pub mod cfn_application {
    use indexmap::IndexMap;
    use stackwright_core::{Expr, ToValue, Value};

    /// `AWS::Serverless::Application.ApplicationLocation`: an application of the AWS Serverless
    /// Application Repository.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ApplicationLocation {
        /// `ApplicationId`.
        pub application_id: Expr<String>,
        /// `SemanticVersion`.
        pub semantic_version: Expr<String>,
    }

    impl ApplicationLocation {
        /// A new location with its required properties: `ApplicationId`, `SemanticVersion`.
        pub fn new(
            application_id: impl Into<Expr<String>>,
            semantic_version: impl Into<Expr<String>>,
        ) -> Self {
            ApplicationLocation {
                application_id: application_id.into(),
                semantic_version: semantic_version.into(),
            }
        }
    }

    impl ToValue for ApplicationLocation {
        fn to_value(&self) -> Value {
            self.clone().into_value()
        }
        fn into_value(self) -> Value {
            let mut m: IndexMap<String, Value> = IndexMap::with_capacity(2);
            m.insert("ApplicationId".into(), self.application_id.into_value());
            m.insert("SemanticVersion".into(), self.semantic_version.into_value());
            Value::Map(m)
        }
    }

    impl From<ApplicationLocation> for Value {
        fn from(l: ApplicationLocation) -> Value {
            l.into_value()
        }
    }
}
