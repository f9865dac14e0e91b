//! Rules about the software supply chain (`SUP` codes): what images and SBOMs carry.

use crate::registry::{Check, Rule};

mod vulnerable_package;

pub use vulnerable_package::VULNERABLE_PACKAGE;

/// Every supply-chain rule. The advisory matcher (`bulwark-vulndb`) produces their findings,
/// so they are engine rules: listed for configuration, documentation and reporting.
pub static RULES: &[&Rule] = &[&Rule {
    meta: &VULNERABLE_PACKAGE,
    check: Check::Engine,
    default_enabled: true,
}];
