//! `bulwark-policy` runs Rego policies (on the `regorus` interpreter) over everything the
//! scanner reads: conftest mode ([`conftest`]), Trivy-format checks ([`trivy`]), policy unit
//! tests ([`unittest`]) and the input formats they read ([`inputs`]).

pub mod inputs;
pub mod builtins;
pub mod load;
pub mod unittest;

pub use load::{PolicyError, PolicyFile, RegoVersion};
