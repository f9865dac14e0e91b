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
mod credential_in_arg_env;
mod empty_label;
mod healthcheck_missing;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod last_user_root;
mod labels;
mod missing_label;
mod sensitive_arg_env_name;
mod spdx_license_ids;
mod stage_healthcheck_missing;
mod superfluous_label;
mod user_not_set;
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
    &last_user_root::RULE,
    &user_not_set::RULE,
    &sensitive_arg_env_name::RULE,
    &credential_in_arg_env::RULE,
    &healthcheck_missing::RULE,
    &stage_healthcheck_missing::RULE,
    // --- end labels and policies

    // --- shell checks
    // --- end shell checks
];

// Shared helpers: add functions below, under a comment naming your section.

// --- labels and policies: helpers

/// The USER instructions of the file (not ONBUILD triggers), with their value.
pub(crate) fn file_users(
    df: &bulwark_dockerfile::Dockerfile,
) -> Vec<(&bulwark_dockerfile::Instruction, &str)> {
    df.instructions
        .iter()
        .filter_map(|i| match &i.detail {
            bulwark_dockerfile::Detail::User(u) => Some((i, u.value.trim())),
            _ => None,
        })
        .collect()
}

/// Whether Trivy's DS-0002 takes a USER value for root (`^root(:.+)?$`, `^0(:.+)?$`).
pub(crate) fn is_trivy_root(user: &str) -> bool {
    ["root", "0"].iter().any(|r| {
        user.strip_prefix(r)
            .is_some_and(|rest| rest.is_empty() || rest.len() > 1 && rest.starts_with(':'))
    })
}

/// A stage and the stages of the file it is built `FROM`, nearest first.
pub(crate) fn stage_chain(df: &bulwark_dockerfile::Dockerfile, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Some(bulwark_dockerfile::StageRef::Stage(b)) = df.stages.get(current).map(|s| &s.base)
    {
        if *b >= current || chain.contains(b) {
            break;
        }
        chain.push(*b);
        current = *b;
    }
    chain
}

/// The forms of an image reference that base-image patterns are matched against: as
/// written, and normalised (`python:3.12` is also `docker.io/library/python:3.12`; an
/// untagged reference is also `…:latest`).
pub(crate) fn image_forms(image: &str) -> Vec<String> {
    let image = image.trim();
    let mut forms = vec![image.to_owned()];
    if let Ok(r) = bulwark_k8s::ImageRef::parse(image) {
        let name = format!("{}/{}", r.registry, r.repository);
        let mut names = vec![name];
        if r.registry == "docker.io"
            && let Some(rest) = r.repository.strip_prefix("library/")
        {
            names.push(format!("docker.io/{rest}"));
        }
        for n in names {
            let tags: Vec<String> = match (&r.tag, &r.digest) {
                (Some(t), _) => vec![format!(":{t}")],
                (None, Some(_)) => vec![String::new()],
                (None, None) => vec![String::new(), ":latest".to_owned()],
            };
            for t in tags {
                let digest = r.digest.as_ref().map(|d| format!("@{d}")).unwrap_or_default();
                forms.push(format!("{n}{t}{digest}"));
                if !digest.is_empty() {
                    forms.push(format!("{n}{t}"));
                }
            }
        }
    }
    forms.dedup();
    forms
}

/// Whether an image matches one of `patterns`: a pattern with `*`, `?`, `[` or `{` is a
/// glob (`*` matches any characters, `/` included) over the forms of [`image_forms`];
/// another is a registry, repository or reference prefix, matched up to a `/`, `:` or `@`.
pub(crate) fn base_image_matches(image: &str, patterns: &[String]) -> bool {
    if patterns.is_empty() {
        return false;
    }
    let forms = image_forms(image);
    patterns.iter().any(|p| {
        let p = p.trim();
        if p.is_empty() {
            return false;
        }
        if p.contains(['*', '?', '[', '{']) {
            return globset::GlobBuilder::new(p)
                .literal_separator(false)
                .case_insensitive(true)
                .build()
                .map(|g| g.compile_matcher())
                .is_ok_and(|m| forms.iter().any(|f| m.is_match(f)));
        }
        let p = p.trim_end_matches('/').to_ascii_lowercase();
        forms.iter().any(|f| {
            let f = f.to_ascii_lowercase();
            f.strip_prefix(p.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', ':', '@']))
        })
    })
}

#[cfg(test)]
mod policy_helper_tests {
    use super::*;

    #[test]
    fn trivy_root_users() {
        for u in ["root", "0", "root:root", "0:0", "root:wheel"] {
            assert!(is_trivy_root(u), "{u}");
        }
        for u in ["root:", "rooty", "10", "app", "0:"] {
            assert!(!is_trivy_root(u), "{u}");
        }
    }

    #[test]
    fn base_image_patterns() {
        let m = |img: &str, p: &[&str]| {
            base_image_matches(img, &p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        };
        assert!(m("registry.example.com/team/app:1.0", &["registry.example.com/*"]));
        assert!(m("registry.example.com/team/app:1.0", &["registry.example.com"]));
        assert!(!m("registry.example.com.evil.io/app:1", &["registry.example.com"]));
        assert!(m("python:3.12-slim", &["docker.io/library/python:3.12-*"]));
        assert!(!m("python:3.11-slim", &["docker.io/library/python:3.12-*"]));
        assert!(m("python", &["docker.io/library/python:latest"]));
        assert!(m("python:3.12", &["python"]));
        assert!(!m("pythonista:1", &["python"]));
        assert!(m("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &["docker.io/library/nginx"]));
        assert!(!m("nginx:1", &[]));
    }
}
