use bulwark_core::Finding;

use super::labels::{label_instructions, label_key_problem, label_pairs};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports LABEL instructions with a key that does not follow Docker's conventions for
    /// label keys: lower-case letters, digits, `.` and `-` only, starting with a letter and
    /// ending with a letter or digit, without `..` or `--`, and outside the namespaces Docker
    /// reserves for itself (`com.docker.`, `io.docker.`, `org.dockerproject.`). One finding
    /// per LABEL instruction, at its first bad key.
    ///
    /// ## Why is this bad?
    /// Tools that read labels (registries, scanners, orchestrators) expect reverse-DNS keys
    /// such as `org.opencontainers.image.source`; keys with upper-case letters, spaces or
    /// other characters are easy to misspell and hard to query, and keys in Docker's
    /// namespaces may clash with labels Docker sets.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL Maintainer="ops@example.com" com.docker.extension.title="tool"
    /// ```
    ///
    /// ## Fix
    /// Use a lower-case, reverse-DNS key in your own namespace:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="ops@example.com"
    /// ```
    ///
    /// ## References
    /// - [Docker object labels: key format recommendations](https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations)
    /// - [hadolint DL3048](https://github.com/hadolint/hadolint/wiki/DL3048)
    pub(crate) static META = {
        code: "DKF100",
        name: "invalid-label-key",
        family: Dockerfile,
        severity: Info,
        summary: "label key does not follow Docker's key format",
        help: "use a lower-case reverse-DNS key such as `org.example.team` (letters, digits, `.` and `-`)",
        aliases: ["DL3048"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for (ins, pairs) in label_instructions(ctx) {
        let pairs = label_pairs(ctx, ins, pairs);
        let mut bad = pairs
            .iter()
            .filter_map(|p| label_key_problem(&p.key).map(|why| (p, why)));
        let Some((first, why)) = bad.next() else {
            continue;
        };
        let others = bad.count();
        let message = if others == 0 {
            format!("label key `{}` {why}", first.key)
        } else {
            format!(
                "label key `{}` {why} ({others} more invalid key{} in this LABEL)",
                first.key,
                if others == 1 { "" } else { "s" }
            )
        };
        out.push(
            ctx.finding(first.kv.key.span, message)
                .with_label("invalid label key"),
        );
    }
}
