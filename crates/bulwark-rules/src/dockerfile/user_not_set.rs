use bulwark_core::Finding;

use super::{base_image_matches, file_users, stage_chain};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile whose final stage sets no `USER`, neither itself nor in the
    /// stages of the file it is built `FROM`: the container then runs as whatever user the
    /// base image declares, which for most images (`debian`, `python`, `node`, `scratch`…)
    /// is root. The finding is on the final stage's `FROM`.
    ///
    /// Trivy (DS-0002) and Checkov (CKV_DOCKER_3) report a file with no `USER` instruction
    /// anywhere; the findings of this rule carry their ids only in that case. A file whose
    /// builder stage has a `USER` but whose final stage (built from an image) has none is
    /// reported here and not by them.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel: a
    /// container escape, a writable host mount or a kernel bug turns into full control of
    /// the node. Declaring the user in the image makes the safe default travel with it,
    /// whatever runs it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app/ /app/
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// Create an unprivileged user and switch to it:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --system --uid 10001 app
    /// COPY app/ /app/
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Options
    /// - `non_root_base_images` (list of patterns, default: none): base images known to
    ///   declare a non-root user (`gcr.io/distroless/*:nonroot`, `cgr.dev/chainguard/*`); a
    ///   final stage built on one of them needs no `USER`. Patterns are matched as in
    ///   `base-image-not-allowed` (`*` matches any characters).
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     user-not-set:
    ///       non_root_base_images: ["gcr.io/distroless/*:nonroot", "cgr.dev/chainguard/*"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - CIS Docker Benchmark 4.1: ensure that a user for the container has been created
    pub(crate) static META = {
        code: "DKF123",
        name: "user-not-set",
        family: Dockerfile,
        severity: Medium,
        summary: "final stage sets no `USER`, so the image runs as the base image's user",
        help: "add `USER <non-root user>` to the final stage, after the steps that need root",
        aliases: ["AVD-DS-0002", "DS002", "DS-0002", "CKV_DOCKER_3"],
        compliance: ["CIS-DOCKER-4.1", "NIST-800-190-4.1.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let users = file_users(df);
    let Some(last) = df.stages.last() else {
        // A file without FROM (which BuildKit refuses, and the peers still check).
        if let (Some(first), true) = (df.instructions.first(), users.is_empty()) {
            out.push(
                ctx.instruction_finding(first, "the Dockerfile sets no `USER`")
                    .with_label("no `USER`"),
            );
        }
        return;
    };
    let chain = stage_chain(df, last.index);
    if users
        .iter()
        .any(|(i, _)| i.stage.is_some_and(|s| chain.contains(&s)))
    {
        return;
    }
    let root = chain.last().and_then(|&s| df.stages.get(s)).unwrap_or(last);
    let patterns = ctx
        .options
        .strings("non_root_base_images")
        .unwrap_or_default();
    if base_image_matches(&root.image_expanded, &patterns) {
        return;
    }
    let Some(from) = df.instructions.get(last.from_instruction) else {
        return;
    };
    let base = root.image_expanded.trim();
    let message = if base.eq_ignore_ascii_case("scratch") {
        "the final stage sets no `USER`, so the image runs as root".to_owned()
    } else {
        format!(
            "the final stage sets no `USER`, so the image runs as the user of `{base}` (root unless that image sets another)"
        )
    };
    let mut finding = ctx
        .instruction_finding(from, message)
        .with_label("no `USER` in the final stage");
    if !users.is_empty() {
        // Trivy and Checkov only report a file without any USER instruction.
        finding.aliases.clear();
    }
    out.push(finding);
}
