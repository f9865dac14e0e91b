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
mod add_instead_of_copy;
mod copy_from_own_stage;
mod copy_from_unknown_stage;
mod copy_relative_destination;
mod copy_sources_into_file;
mod copy_whole_filesystem;
mod duplicate_stage_name;
mod env_self_reference;
mod from_platform_flag;
mod hadolint_ignore_pragma;
mod instruction_before_from;
#[cfg(test)]
mod instruction_helpers_tests;
mod invalid_onbuild_trigger;
mod invalid_port;
mod latest_base_image_tag;
mod maintainer_deprecated;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod multiple_per_stage;
mod non_numeric_user;
mod redundant_target_platform;
mod relative_workdir;
mod reserved_stage_name;
mod shell_form_command;
mod untagged_base_image;
mod untrusted_registry;
// --- end instructions and stages

// --- package managers: DKF040-DKF069
// --- end package managers

// --- run commands: DKF070-DKF099
// --- end run commands

// --- labels and policies: DKF100-DKF149
// --- end labels and policies

// --- shell checks: DKF150-DKF169
// --- end shell checks

/// Every Dockerfile rule.
pub static RULES: &[&Rule] = &[
    // --- instructions and stages
    &untagged_base_image::RULE,
    &latest_base_image_tag::RULE,
    &untrusted_registry::RULE,
    &from_platform_flag::RULE,
    &redundant_target_platform::RULE,
    &duplicate_stage_name::RULE,
    &reserved_stage_name::RULE,
    &copy_from_unknown_stage::RULE,
    &copy_from_own_stage::RULE,
    &copy_whole_filesystem::RULE,
    &add_instead_of_copy::RULE,
    &copy_sources_into_file::RULE,
    &copy_relative_destination::RULE,
    &relative_workdir::RULE,
    &shell_form_command::RULE,
    &multiple_cmd::RULE,
    &multiple_entrypoint::RULE,
    &multiple_healthcheck::RULE,
    &invalid_port::RULE,
    &invalid_onbuild_trigger::RULE,
    &env_self_reference::RULE,
    &non_numeric_user::RULE,
    &maintainer_deprecated::RULE,
    &instruction_before_from::RULE,
    &hadolint_ignore_pragma::RULE,
    // --- end instructions and stages

    // --- package managers
    // --- end package managers

    // --- run commands
    // --- end run commands

    // --- labels and policies
    // --- end labels and policies

    // --- shell checks
    // --- end shell checks
];

// Shared helpers: add functions below, under a comment naming your section.

// --- instructions and stages helpers (DKF001-DKF039)

/// The word without the quotes around it (`"/app"` → `/app`), as hadolint reads paths.
pub(crate) fn unquote(word: &str) -> &str {
    word.trim_matches(['"', '\''])
}

/// The span of `value[start..end]` inside `spanned`, when the source text is the value
/// itself (no continuation or escape in between); the whole span otherwise.
pub(crate) fn sub_span(
    file: &bulwark_core::SourceFile,
    spanned: &bulwark_dockerfile::Spanned,
    start: usize,
    end: usize,
) -> bulwark_core::Span {
    let source = file.text().get(spanned.span.start..spanned.span.end);
    if source == Some(spanned.value.as_str()) && start <= end && end <= spanned.value.len() {
        file.span(spanned.span.start + start, spanned.span.start + end)
    } else {
        spanned.span
    }
}

/// An image reference split as the container runtime reads it: a registry only when the
/// first path component looks like a host (`registry.example.com/…`, `localhost:5000/…`), the
/// tag after the last `:` of the last path component, the digest after `@`. Variable
/// references (`${VERSION:-1}`) are kept whole and never split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    pub registry: Option<&'a str>,
    /// The repository path without registry, tag and digest (`library/debian`).
    pub path: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub(crate) fn parse(reference: &'a str) -> ImageRef<'a> {
        // Mask `${...}` so that `:`, `/` and `@` inside variable references are not separators.
        let bytes = reference.as_bytes();
        let mut masked = bytes.to_vec();
        let mut depth = 0usize;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
                depth += 1;
                masked[i + 1] = b'_';
                i += 2;
                continue;
            }
            if depth > 0 {
                if bytes[i] == b'}' {
                    depth -= 1;
                }
                masked[i] = b'_';
            }
            i += 1;
        }
        let find = |from: usize, to: usize, b: u8| masked[from..to].iter().position(|&c| c == b);
        let rfind = |from: usize, to: usize, b: u8| masked[from..to].iter().rposition(|&c| c == b);
        let (name_end, digest) = match find(0, masked.len(), b'@') {
            Some(at) => (at, Some(&reference[at + 1..])),
            None => (reference.len(), None),
        };
        let last_slash = rfind(0, name_end, b'/');
        let segment_start = last_slash.map_or(0, |s| s + 1);
        let (path_end, tag) = match rfind(segment_start, name_end, b':') {
            Some(c) => (
                segment_start + c,
                Some(&reference[segment_start + c + 1..name_end]),
            ),
            None => (name_end, None),
        };
        let mut registry = None;
        let mut path_start = 0;
        if let Some(first_slash) = find(0, path_end, b'/') {
            let first = &reference[..first_slash];
            let host_like = masked[..first_slash]
                .iter()
                .any(|&c| c == b'.' || c == b':');
            if host_like || first == "localhost" {
                registry = Some(first);
                path_start = first_slash + 1;
            }
        }
        ImageRef {
            registry,
            path: &reference[path_start..path_end],
            tag,
            digest,
        }
    }

    /// The last path component (`debian` in `docker.io/library/debian:12`).
    pub(crate) fn name(&self) -> &'a str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// Whether the image is on Docker Hub (no registry, or one of Docker Hub's names).
    pub(crate) fn is_docker_hub(&self) -> bool {
        self.registry.is_none_or(|r| DOCKER_HUB_NAMES.contains(&r))
    }
}

/// The names Docker Hub goes by in image references and registry allow-lists.
pub(crate) const DOCKER_HUB_NAMES: [&str; 4] = [
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "hub.docker.com",
];

/// Whether `text` refers to a variable (`$NAME`, `${NAME…}`) outside single quotes.
pub(crate) fn has_variable(text: &str) -> bool {
    variable_references(text).next().is_some()
}

/// The variable references in `text` (`$NAME` and `${NAME…}`, outside single quotes), as
/// (start, end, name) with byte offsets of the whole reference.
pub(crate) fn variable_references(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut single = false;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'\'' {
                single = !single;
                i += 1;
                continue;
            }
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c != b'$' || single {
                i += 1;
                continue;
            }
            let start = i;
            let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            if bytes.get(i + 1) == Some(&b'{') {
                let name_start = i + 2;
                let mut j = name_start;
                while j < bytes.len() && is_name(bytes[j]) {
                    j += 1;
                }
                let name_end = j;
                let mut depth = 1;
                while j < bytes.len() && depth > 0 {
                    match bytes[j] {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                i = j;
                if name_end > name_start {
                    return Some((start, j, &text[name_start..name_end]));
                }
                continue;
            }
            let name_start = i + 1;
            let mut j = name_start;
            while j < bytes.len() && is_name(bytes[j]) {
                j += 1;
            }
            i = j.max(i + 1);
            if j > name_start {
                return Some((start, j, &text[name_start..j]));
            }
        }
        None
    })
}

/// Stages and instructions of the build itself: the top-level instructions. ONBUILD
/// triggers run in another build (whose stages, WORKDIR and user are unknown here), and
/// hadolint checks them only with its RUN rules, so the rules of this section skip them.
pub(crate) fn own_instructions<'a>(
    ctx: &crate::context::DockerfileCtx<'a>,
) -> std::slice::Iter<'a, bulwark_dockerfile::Instruction> {
    ctx.dockerfile.instructions.iter()
}

/// Where `inner` (a sub-slice of `outer`) starts in `outer`, in bytes.
pub(crate) fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize)
        .checked_sub(outer.as_ptr() as usize)
        .filter(|o| o + inner.len() <= outer.len())
        .unwrap_or(0)
}

/// A finding without one of its rule's peer aliases, for the findings that peer's check
/// does not report (a suppression or comparison by that id then means what the peer means).
pub(crate) trait WithoutAlias {
    fn without_alias(self, alias: &str) -> Self;
}

impl WithoutAlias for bulwark_core::Finding {
    fn without_alias(mut self, alias: &str) -> Self {
        self.aliases.retain(|a| a != alias);
        self
    }
}
