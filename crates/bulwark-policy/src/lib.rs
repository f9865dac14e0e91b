//! `bulwark-policy` runs Rego policies on the regorus interpreter: the [`engine`] (syntax
//! choice, data, limits, `print`, extension builtins), Gatekeeper ConstraintTemplates and
//! Constraints applied to Kubernetes objects ([`gatekeeper`]), and gator suites ([`gator`]).

pub mod engine;
pub mod gatekeeper;
pub mod gator;
