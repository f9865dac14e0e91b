//! `bulwark-policy` runs Rego policies on the regorus interpreter: the [`engine`] (syntax
//! choice, data, limits, `print`, extension builtins), Gatekeeper ConstraintTemplates and
//! Constraints applied to Kubernetes objects ([`gatekeeper`]), gator suites ([`gator`]),
//! conftest mode ([`conftest`]), Trivy-format checks ([`trivy`]), policy unit tests
//! ([`unittest`]), the input formats policies read ([`inputs`]) and static checks of the
//! modules: strict mode, capabilities, the rule graph for traces ([`analysis`]).

pub mod analysis;
pub mod builtins;
pub mod conftest;
pub mod engine;
pub mod gatekeeper;
pub mod gator;
pub mod inputs;
pub mod load;
pub mod trivy;
pub mod unittest;
