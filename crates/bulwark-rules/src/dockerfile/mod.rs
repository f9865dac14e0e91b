//! Rules for Dockerfiles (`DKF` codes) and the helpers they share.
//!
//! Code ranges, so that rule groups can grow without collisions:
//! - `DKF001`–`DKF039`: instructions and stages (FROM, tags, stage names, COPY/ADD, CMD and
//!   ENTRYPOINT form, WORKDIR, EXPOSE, ONBUILD, ENV, MAINTAINER, instruction order)
//! - `DKF040`–`DKF069`: package managers (apt, apk, pip, npm, gem, go, yarn)
//! - `DKF070`–`DKF099`: other RUN commands (yum, dnf, zypper, curl/wget, sudo, cd, useradd,
//!   pipefail, consecutive RUNs)
//! - `DKF100`–`DKF119`: labels (label schema)
//! - `DKF120`–`DKF149`: bulwark's policies: base-image allow-list, digest pinning, user,
//!   secrets in ENV/ARG and in the build context, remote ADD, `curl | sh`, HEALTHCHECK
//! - `DKF150`–`DKF169`: shell checks (the ShellCheck codes hadolint reports)

use crate::registry::Rule;

// Rule modules, by code range (keep each section sorted).
// --- instructions and stages: DKF001-DKF039
// --- end instructions and stages

// --- package managers: DKF040-DKF069
// --- end package managers

// --- run commands: DKF070-DKF099
// --- end run commands

// --- labels and policies: DKF100-DKF149
mod empty_label;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod labels;
mod missing_label;
mod spdx_license_ids;
mod superfluous_label;
// --- end labels and policies

// --- shell checks: DKF150-DKF169
// --- end shell checks

/// Every Dockerfile rule.
pub static RULES: &[&Rule] = &[
    // --- instructions and stages
    // --- end instructions and stages

    // --- package managers
    // --- end package managers

    // --- run commands
    // --- end run commands

    // --- labels and policies
    &invalid_label_key::RULE,
    &missing_label::RULE,
    &superfluous_label::RULE,
    &empty_label::RULE,
    &label_not_url::RULE,
    &label_not_rfc3339::RULE,
    &label_not_spdx::RULE,
    &label_not_git_hash::RULE,
    &label_not_semver::RULE,
    &label_not_email::RULE,
    // --- end labels and policies

    // --- shell checks
    // --- end shell checks
];

// Shared helpers: add functions below, under a comment naming your section.
