//! `bulwark-sprig` provides the template functions Helm exposes to charts: the Sprig library
//! (strings, lists, dictionaries, math, dates, encoding, crypto, semver, regular
//! expressions…) and Helm's own (`toYaml`, `fromYaml`, `toJson`, `toToml`, `include`, `tpl`,
//! `required`, `lookup`…), each implemented for real with Go's and Helm's exact behaviour, on
//! `bulwark_gotmpl` values.
//!
//! [`helm_functions`] returns the whole set as a [`FuncMap`]; what needs the chart being
//! rendered (`lookup`'s cluster objects) comes through [`ChartContext`].

use bulwark_gotmpl::FuncMap;

// Function groups, one module each (keep each section sorted).
// --- core: strings, lists, dicts, math, defaults, types, encoding, paths, regex, urls, yaml/json/toml, helm flow
mod collections;
mod conv;
mod flow;
pub mod helm;
mod math;
pub mod names;
mod strings;
mod toml;
// --- end core

// --- system: crypto, random, uuid, dates and durations, semver
mod args;
mod certs;
mod crypto;
mod dates;
mod der;
pub mod gotime;
mod keys;
mod prime;
mod random;
pub mod semver;

pub use certs::Certificate;
pub use semver::{Constraints, SemverError, Version, semver_compare};
// --- end system

/// Registers the system groups (crypto, random and ids, dates, semver) into `map`.
pub fn register_system(map: &mut FuncMap) {
    crypto::register(map);
    dates::register(map);
    random::register(map);
    semver::register(map);
}

/// What the chart engine supplies to functions that need more than their arguments.
pub trait ChartContext: Send + Sync {
    /// Objects for `lookup apiVersion kind namespace name` (empty map when unknown: Helm's
    /// offline behaviour).
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> bulwark_gotmpl::Value;
}

/// Every function Helm registers for chart templates.
pub fn helm_functions(context: std::sync::Arc<dyn ChartContext>) -> FuncMap {
    #[allow(unused_mut)]
    let mut map = FuncMap::default();
    let _ = &context;
    // --- core registration
    strings::register(&mut map);
    collections::register(&mut map);
    math::register(&mut map);
    flow::register(&mut map);
    helm::register(&mut map, context.clone());
    // --- end core registration

    // --- system registration
    register_system(&mut map);
    // --- end system registration
    map
}
