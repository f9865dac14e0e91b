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
mod cd_in_run;
mod consecutive_run;
mod copy_then_extract;
mod dnf_cache_not_cleaned;
mod dnf_missing_yes;
mod dnf_unpinned_package;
mod pipe_without_pipefail;
mod pointless_command;
mod run_shell;
mod sudo_in_run;
mod symlinked_default_shell;
mod useradd_without_no_log_init;
mod wget_and_curl;
mod wget_without_progress;
mod yum_cache_not_cleaned;
mod yum_missing_yes;
mod yum_unpinned_package;
mod zypper_cache_not_cleaned;
mod zypper_dist_upgrade;
mod zypper_missing_non_interactive;
mod zypper_unpinned_package;
// --- end run commands

// --- labels and policies: DKF100-DKF149
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
    &pointless_command::RULE,
    &cd_in_run::RULE,
    &sudo_in_run::RULE,
    &copy_then_extract::RULE,
    &yum_missing_yes::RULE,
    &yum_cache_not_cleaned::RULE,
    &yum_unpinned_package::RULE,
    &zypper_missing_non_interactive::RULE,
    &zypper_dist_upgrade::RULE,
    &zypper_cache_not_cleaned::RULE,
    &zypper_unpinned_package::RULE,
    &dnf_missing_yes::RULE,
    &dnf_cache_not_cleaned::RULE,
    &dnf_unpinned_package::RULE,
    &useradd_without_no_log_init::RULE,
    &wget_without_progress::RULE,
    &consecutive_run::RULE,
    &wget_and_curl::RULE,
    &symlinked_default_shell::RULE,
    &pipe_without_pipefail::RULE,
    // --- end run commands

    // --- labels and policies
    // --- end labels and policies

    // --- shell checks
    // --- end shell checks
];

// Shared helpers: add functions below, under a comment naming your section.
