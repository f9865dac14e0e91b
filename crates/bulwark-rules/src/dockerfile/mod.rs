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
mod base_image_not_allowed;
mod base_image_without_digest;
mod context_copied_unfiltered;
mod credential_in_arg_env;
mod credential_in_run;
mod empty_label;
mod healthcheck_missing;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod labels;
mod last_user_root;
mod missing_label;
mod pipe_to_shell;
mod remote_add_without_checksum;
mod secret_file_copied;
mod sensitive_arg_env_name;
mod spdx_license_ids;
mod stage_healthcheck_missing;
mod superfluous_label;
mod user_not_set;
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
    &base_image_not_allowed::RULE,
    &base_image_without_digest::RULE,
    &last_user_root::RULE,
    &user_not_set::RULE,
    &sensitive_arg_env_name::RULE,
    &credential_in_arg_env::RULE,
    &secret_file_copied::RULE,
    &context_copied_unfiltered::RULE,
    &credential_in_run::RULE,
    &remote_add_without_checksum::RULE,
    &pipe_to_shell::RULE,
    &healthcheck_missing::RULE,
    &stage_healthcheck_missing::RULE,
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
                let digest = r
                    .digest
                    .as_ref()
                    .map(|d| format!("@{d}"))
                    .unwrap_or_default();
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
        assert!(m(
            "registry.example.com/team/app:1.0",
            &["registry.example.com/*"]
        ));
        assert!(m(
            "registry.example.com/team/app:1.0",
            &["registry.example.com"]
        ));
        assert!(!m(
            "registry.example.com.evil.io/app:1",
            &["registry.example.com"]
        ));
        assert!(m("python:3.12-slim", &["docker.io/library/python:3.12-*"]));
        assert!(!m("python:3.11-slim", &["docker.io/library/python:3.12-*"]));
        assert!(m("python", &["docker.io/library/python:latest"]));
        assert!(m("python:3.12", &["python"]));
        assert!(!m("pythonista:1", &["python"]));
        assert!(m(
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            &["docker.io/library/nginx"]
        ));
        assert!(!m("nginx:1", &[]));
    }
}

/// The patterns of a `.dockerignore` file, as BuildKit applies them: each line a pattern
/// (`#` comments and blank lines skipped, a leading `/` and `./` dropped), `!` re-including
/// what an earlier line excluded, `*` and `?` within a path segment, `**` across segments;
/// a pattern that matches a folder excludes everything in it. The last matching line wins.
pub(crate) struct DockerIgnore {
    /// Where it was read from.
    pub path: String,
    patterns: Vec<(globset::GlobMatcher, bool)>,
}

impl DockerIgnore {
    pub(crate) fn parse(path: &str, text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negated, pattern) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let pattern = clean_context_path(pattern);
            if pattern.is_empty() {
                continue;
            }
            if let Ok(g) = globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            {
                patterns.push((g.compile_matcher(), negated));
            }
        }
        DockerIgnore {
            path: path.to_owned(),
            patterns,
        }
    }

    /// Whether a path of the build context (relative, `/`-separated) is left out of it.
    pub(crate) fn excludes(&self, path: &str) -> bool {
        let path = clean_context_path(path);
        if path.is_empty() {
            return false;
        }
        // The path and each folder above it.
        let prefixes: Vec<&str> = path
            .match_indices('/')
            .map(|(i, _)| &path[..i])
            .chain(std::iter::once(path.as_str()))
            .collect();
        let mut excluded = false;
        for (glob, negated) in &self.patterns {
            if prefixes.iter().any(|p| glob.is_match(p)) {
                excluded = !negated;
            }
        }
        excluded
    }
}

/// A context path without leading `/` or `./`, repeated and trailing `/`, and `.`
/// segments.
pub(crate) fn clean_context_path(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// The `.dockerignore` that applies to a Dockerfile: `<Dockerfile>.dockerignore` beside it
/// if present, else `.dockerignore` in its folder (the build context's root when the
/// Dockerfile sits at the root of its context, the common case). `None` when there is none
/// (or the Dockerfile's path is not a file on disk).
pub(crate) fn dockerignore_for(dockerfile_path: &str) -> Option<DockerIgnore> {
    let path = std::path::Path::new(dockerfile_path);
    let dir = path.parent()?;
    let own = path
        .file_name()
        .map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
    [own, Some(dir.join(".dockerignore"))]
        .into_iter()
        .flatten()
        .find_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some(DockerIgnore::parse(&p.to_string_lossy(), &text))
        })
}

/// The local sources of a COPY or ADD: not `COPY --from`, not ADD's URLs and git
/// repositories. With their text after expanding build arguments.
pub(crate) fn local_sources<'a>(
    df: &bulwark_dockerfile::Dockerfile,
    ins: &'a bulwark_dockerfile::Instruction,
) -> Vec<(&'a bulwark_dockerfile::Spanned, String)> {
    let sources = match &ins.detail {
        bulwark_dockerfile::Detail::Copy {
            sources,
            from: None,
            ..
        } => sources,
        bulwark_dockerfile::Detail::Add { sources, .. } => sources,
        _ => return Vec::new(),
    };
    let scope = df.scope_at(ins.index);
    sources
        .iter()
        .map(|s| (s, scope.expand_lossy(&s.value, df.escape)))
        .filter(|(_, v)| !is_remote_source(v))
        .collect()
}

/// Whether an ADD source is fetched rather than read from the context: a URL or a git
/// repository.
pub(crate) fn is_remote_source(source: &str) -> bool {
    let s = source.trim().to_ascii_lowercase();
    s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("git@")
        || s.starts_with("git://")
        || s.starts_with("ssh://")
}

#[cfg(test)]
mod dockerignore_tests {
    use super::*;

    #[test]
    fn patterns_folders_and_exceptions() {
        let di = DockerIgnore::parse(
            ".dockerignore",
            "# comment\n.git\n**/*.pem\n/secrets/\n*.md\n!README.md\nnode_modules\n",
        );
        assert!(di.excludes(".git"));
        assert!(di.excludes(".git/config"));
        assert!(di.excludes("certs/a/server.pem"));
        assert!(di.excludes("server.pem"));
        assert!(di.excludes("secrets/db.txt"));
        assert!(di.excludes("./CHANGELOG.md"));
        assert!(!di.excludes("README.md"));
        assert!(!di.excludes("docs/guide.md"), "`*` does not cross folders");
        assert!(!di.excludes(".env"));
        let all = DockerIgnore::parse(".dockerignore", "*\n!src\n");
        assert!(all.excludes(".git") && all.excludes(".env"));
        assert!(!all.excludes("src/main.rs"));
    }
}

/// Findings of one rule on a Dockerfile at `path`, with a `.bulwark.yaml` and optionally a
/// `.hadolint.yaml` applied (tests of the labels and policies rules).
#[cfg(test)]
pub(crate) fn policy_findings(
    code: &str,
    path: &str,
    text: &str,
    config: &str,
    hadolint: Option<&str>,
) -> Vec<bulwark_core::Finding> {
    let mut config = crate::Config::parse(".bulwark.yaml", config).expect("config");
    if let Some(h) = hadolint {
        config
            .apply_hadolint(".hadolint.yaml", h)
            .expect("hadolint config");
    }
    let input = crate::DockerfileInput::parse(bulwark_core::SourceFile::new(path, text))
        .expect("dockerfile");
    let opts = crate::ScanOptions {
        config: &config,
        today: jiff::civil::date(2026, 1, 1),
        schemas: &[],
    };
    crate::scan_dockerfiles(std::slice::from_ref(&input), &opts)
        .into_iter()
        .flat_map(|r| r.findings)
        .filter(|f| f.rule == code)
        .collect()
}

#[cfg(test)]
mod policy_rule_tests {
    use super::policy_findings;

    /// A folder under the system temporary folder, removed when dropped.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("bulwark-dkf-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir)
        }

        fn write(&self, name: &str, text: &str) -> String {
            let p = self.0.join(name);
            std::fs::write(&p, text).expect("write");
            p.to_string_lossy().into_owned()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const COPY_ALL: &str = "FROM python:3.12-slim\nCOPY . /app/\nCOPY .env.production /app/.env\n";

    #[test]
    fn dockerignore_beside_the_dockerfile_is_read() {
        let dir = TempDir::new("ignore");
        let dockerfile = dir.write("Dockerfile", COPY_ALL);
        // No .dockerignore: the whole-context copy and the .env file are reported.
        assert_eq!(
            policy_findings("DKF127", &dockerfile, COPY_ALL, "", None).len(),
            1
        );
        assert_eq!(
            policy_findings("DKF126", &dockerfile, COPY_ALL, "", None).len(),
            1
        );
        // Excluding .git only: `.env` is named as missing.
        dir.write(".dockerignore", ".git\n");
        let f = policy_findings("DKF127", &dockerfile, COPY_ALL, "", None);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("does not exclude `.env`"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("`.git`"), "{}", f[0].message);
        // Excluding both, and the .env file: nothing reaches the image.
        dir.write(".dockerignore", "**/.git\n.env*\n");
        assert!(policy_findings("DKF127", &dockerfile, COPY_ALL, "", None).is_empty());
        assert!(policy_findings("DKF126", &dockerfile, COPY_ALL, "", None).is_empty());
        // `sensitive_paths` asks for more.
        let strict = "rules:\n  options:\n    context-copied-unfiltered:\n      sensitive_paths: [.git, .env, .aws]\n";
        let f = policy_findings("DKF127", &dockerfile, COPY_ALL, strict, None);
        assert!(f.len() == 1 && f[0].message.contains("`.aws`"));
        // `<Dockerfile>.dockerignore` takes precedence over `.dockerignore`.
        let prod = dir.write("Dockerfile.prod", COPY_ALL);
        dir.write("Dockerfile.prod.dockerignore", "node_modules\n");
        assert_eq!(
            policy_findings("DKF127", &prod, COPY_ALL, "", None).len(),
            1
        );
        assert_eq!(
            policy_findings("DKF127", &dockerfile, COPY_ALL, "", None).len(),
            0
        );
    }

    #[test]
    fn hadolint_label_schema_reaches_every_label_rule() {
        let hadolint = "label-schema:\n  org.opencontainers.image.version: semver\n  org.opencontainers.image.source: url\nstrict-labels: true\n";
        let text = "FROM alpine:3.20\nLABEL org.opencontainers.image.version=\"v1\" extra=\"x\"\n";
        let count =
            |code: &str| policy_findings(code, "Dockerfile", text, "", Some(hadolint)).len();
        assert_eq!(count("DKF101"), 1, "source is missing");
        assert_eq!(count("DKF102"), 1, "extra is outside the schema");
        assert_eq!(count("DKF108"), 1, "v1 is not SemVer");
        assert_eq!(count("DKF104"), 0, "source is not set at all");
        // Without a schema the schema rules say nothing.
        assert_eq!(
            policy_findings("DKF101", "Dockerfile", text, "", None).len(),
            0
        );
    }

    #[test]
    fn stage_healthcheck_is_off_unless_enabled() {
        let text = "FROM nginx:1.27 AS web\nFROM nginx:1.27\n";
        assert!(policy_findings("DKF132", "Dockerfile", text, "", None).is_empty());
        let on = "rules:\n  enable: [stage-healthcheck-missing]\n";
        assert_eq!(
            policy_findings("DKF132", "Dockerfile", text, on, None).len(),
            2
        );
        let override_ = "override:\n  warning: [DL3057]\n";
        let f = policy_findings("DKF132", "Dockerfile", text, "", Some(override_));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].severity, bulwark_core::Severity::Medium);
    }

    #[test]
    fn user_findings_carry_peer_ids_only_where_the_peers_report() {
        let aliases = |text: &str, code: &str| -> Vec<Vec<String>> {
            policy_findings(code, "Dockerfile", text, "", None)
                .into_iter()
                .map(|f| f.aliases)
                .collect()
        };
        // No USER at all: Trivy and Checkov report it.
        let none = aliases("FROM alpine:3.20\n", "DKF123");
        assert!(
            none[0].contains(&"DS-0002".to_owned()) && none[0].contains(&"CKV_DOCKER_3".to_owned())
        );
        // A builder's USER hides the final stage from the peers, not from bulwark.
        let builder = aliases(
            "FROM golang:1.23 AS b\nUSER 1000\nFROM alpine:3.20\n",
            "DKF123",
        );
        assert_eq!(builder.len(), 1);
        assert!(builder[0].is_empty());
        // Only the file's last USER is Trivy's and Checkov's; `0` is not root to Checkov.
        let root = aliases("FROM a:1 AS a\nUSER root\nFROM b:1\nUSER 0\n", "DKF122");
        assert_eq!(root.len(), 2);
        assert_eq!(root[0], vec!["DL3002".to_owned()]);
        assert!(
            root[1].contains(&"DS-0002".to_owned())
                && !root[1].contains(&"CKV_DOCKER_8".to_owned())
        );
    }
}
