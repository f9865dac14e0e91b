use bulwark_core::Finding;

use super::labels::{LabelType, check_schema_values, is_git_hash};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports labels that the `label_schema` option types as `hash` whose value is not a git
    /// commit hash: exactly 7 or 40 lower-case hexadecimal digits. Without a schema the rule
    /// reports nothing.
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.revision` ties an image to the commit it was built from; a
    /// branch name, a tag or a hash of another length cannot be resolved to one commit.
    ///
    /// ## Example
    /// With `label_schema: {org.opencontainers.image.revision: hash}`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// ARG GIT_COMMIT
    /// LABEL org.opencontainers.image.revision="${GIT_COMMIT}"
    /// ```
    /// and build with `--build-arg GIT_COMMIT=$(git rev-parse HEAD)`.
    ///
    /// ## Options
    /// - `label_schema` (map of label name to type, default: none): the labels to check and
    ///   their types (see `missing-label`); a `.hadolint.yaml` sets it from `label-schema`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     label-not-git-hash:
    ///       label_schema:
    ///         org.opencontainers.image.revision: hash
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3055](https://github.com/hadolint/hadolint/wiki/DL3055)
    pub(crate) static META = {
        code: "DKF107",
        name: "label-not-git-hash",
        family: Dockerfile,
        severity: Medium,
        summary: "label of type `hash` is not a git commit hash",
        help: "write the full (40 characters) or short (7 characters) lower-case commit hash, such as `git rev-parse HEAD` prints",
        aliases: ["DL3055"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    check_schema_values(
        ctx,
        out,
        Some(LabelType::Hash),
        |v| !is_git_hash(v),
        |name, value| format!("label `{name}` is `{value}`, which is not a git commit hash"),
        "not a git hash",
    );
}
