//! Rules about secrets (`SEC` codes): credentials committed in manifests, passed through
//! environment variables, or kept in the wrong kind of object.

use crate::registry::Rule;

/// Every secrets rule.
pub static RULES: &[&Rule] = &[];
