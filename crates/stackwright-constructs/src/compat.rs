//! The switch for moving a CDK app to stackwright: [`use_cdk_defaults`].

use stackwright_core::Tree;

/// The construct-tree state [`use_cdk_defaults`] sets; constructs read it with
/// [`uses_cdk_defaults`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CdkDefaults {
    on: bool,
}

/// Turns off, for the constructs added afterwards (to this stack and every other stack of its
/// app: the switch is the construct tree's), every deviation from the AWS CDK that would make
/// CloudFormation replace a resource the CDK app has already deployed — so a CDK app moved to
/// stackwright deploys without replacing its database:
///
/// - `StorageEncrypted: true` on database clusters without a key (a create-only property: the
///   cluster, its instances and what refers to them would be replaced). An explicit
///   `DatabaseClusterProps::storage_encrypted(true)` still applies.
/// - `SourceAccount` and `SourceArn` on the permission that lets Secrets Manager invoke a
///   rotation function of one's own (both create-only: the permission would be replaced).
///
/// ```
/// use stackwright_constructs::compat::{use_cdk_defaults, uses_cdk_defaults};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Moved")?;
/// assert!(!uses_cdk_defaults(&stack));
/// use_cdk_defaults(&mut stack);
/// assert!(uses_cdk_defaults(&stack));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub fn use_cdk_defaults(tree: &mut Tree) {
    tree.state_mut::<CdkDefaults>().on = true;
}

/// Whether [`use_cdk_defaults`] was called on the construct tree.
pub fn uses_cdk_defaults(tree: &Tree) -> bool {
    tree.state::<CdkDefaults>().is_some_and(|s| s.on)
}
