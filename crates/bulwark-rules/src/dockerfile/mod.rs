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
mod apk_add_cache;
mod apk_allow_untrusted;
mod apk_unpinned_package;
mod apt_get_install_recommends;
mod apt_get_missing_yes;
mod apt_get_unpinned_package;
mod apt_lists_not_deleted;
mod apt_unauthenticated;
mod apt_used;
mod gem_unpinned_package;
mod go_unpinned_module;
mod npm_strict_ssl_disabled;
mod npm_unpinned_package;
mod package_update_alone;
mod pip_cache_dir;
mod pip_trusted_host;
mod pip_unpinned_package;
mod pkg_command;
mod yarn_cache_not_cleaned;
// --- end package managers

// --- run commands: DKF070-DKF099
// --- end run commands

// --- labels and policies: DKF100-DKF149
// --- end labels and policies

// --- shell checks: DKF150-DKF169
mod bash_variable_in_sh;
mod cd_without_check;
mod declare_and_assign;
mod double_bracket_in_sh;
mod echo_escape_sequences;
mod echo_options_in_sh;
mod expansion_in_single_quotes;
mod misspelled_variable;
mod negation_ignores_errexit;
mod replacement_in_sh;
mod shellcheck;
mod source_in_sh;
mod substring_in_sh;
mod unassigned_variable;
mod unquoted_command_substitution;
mod unquoted_variable_expansion;
mod unsupported_shell;
// --- end shell checks

/// Every Dockerfile rule.
pub static RULES: &[&Rule] = &[
    // --- instructions and stages
    // --- end instructions and stages

    // --- package managers
    &apt_get_unpinned_package::RULE,
    &apt_lists_not_deleted::RULE,
    &apt_get_missing_yes::RULE,
    &apt_get_install_recommends::RULE,
    &apt_used::RULE,
    &apk_unpinned_package::RULE,
    &apk_add_cache::RULE,
    &pip_unpinned_package::RULE,
    &pip_cache_dir::RULE,
    &npm_unpinned_package::RULE,
    &gem_unpinned_package::RULE,
    &yarn_cache_not_cleaned::RULE,
    &go_unpinned_module::RULE,
    &package_update_alone::RULE,
    &apk_allow_untrusted::RULE,
    &apt_unauthenticated::RULE,
    &pip_trusted_host::RULE,
    &npm_strict_ssl_disabled::RULE,
    // --- end package managers

    // --- run commands
    // --- end run commands

    // --- labels and policies
    // --- end labels and policies

    // --- shell checks
    &unquoted_variable_expansion::RULE,
    &unassigned_variable::RULE,
    &misspelled_variable::RULE,
    &cd_without_check::RULE,
    &bash_variable_in_sh::RULE,
    &source_in_sh::RULE,
    &unsupported_shell::RULE,
    &unquoted_command_substitution::RULE,
    &declare_and_assign::RULE,
    &expansion_in_single_quotes::RULE,
    &echo_escape_sequences::RULE,
    &double_bracket_in_sh::RULE,
    &echo_options_in_sh::RULE,
    &substring_in_sh::RULE,
    &replacement_in_sh::RULE,
    &negation_ignores_errexit::RULE,
    // --- end shell checks
];

// Shared helpers: add functions below, under a comment naming your section.
