use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::copy_relative_destination::is_absolute;
use crate::dockerfile::{own_instructions, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` with a relative path (`WORKDIR app`). A path that starts with a
    /// variable is judged by the value the variable has in the Dockerfile; a variable with no
    /// known value (set by the base image, or an `ARG` without default) is not reported.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous working directory, which may
    /// come from the base image: the same Dockerfile ends up in different directories with
    /// different bases, and several relative `WORKDIR`s stack up in ways that are hard to
    /// follow.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [hadolint DL3000](https://github.com/hadolint/hadolint/wiki/DL3000)
    pub(crate) static META = {
        code: "DKF014",
        name: "relative-workdir",
        family: Dockerfile,
        severity: High,
        summary: "`WORKDIR` path is relative",
        help: "use an absolute path (`WORKDIR /usr/src/app`)",
        aliases: ["DL3000", "AVD-DS-0009", "DS009", "DS-0009", "CKV_DOCKER_10"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let mut checkov_reported = false;
    for ins in own_instructions(ctx) {
        let Detail::Workdir(path) = &ins.detail else {
            continue;
        };
        let written = unquote(&path.value);
        let (relative, resolved) = if written.starts_with('$') {
            match df.scope_at(ins.index).expand(&path.value, df.escape) {
                Ok(e) if e.unresolved.is_empty() => (!is_absolute(&e.value), Some(e.value)),
                _ => (false, None),
            }
        } else {
            (!is_absolute(written), None)
        };
        if !relative {
            continue;
        }
        let message = match &resolved {
            Some(value) => format!("`WORKDIR {written}` is the relative path `{value}`"),
            None => format!("`WORKDIR {written}` is a relative path"),
        };
        let mut finding = ctx
            .finding(path.span, message)
            .with_label("relative to the previous working directory");
        if resolved.is_some() {
            // hadolint, Trivy and Checkov accept every path that starts with a variable.
            finding.aliases.clear();
        } else if checkov_reported {
            // Checkov reports the file once.
            finding.aliases.retain(|a| a != "CKV_DOCKER_10");
        }
        checkov_reported |= finding.aliases.iter().any(|a| a == "CKV_DOCKER_10");
        out.push(finding);
    }
}
