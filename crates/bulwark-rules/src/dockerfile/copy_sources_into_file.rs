use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::{has_variable, own_instructions, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` with more than one source whose destination does not end with `/`
    /// (or, for a Windows path such as `C:\app\`, with `\`).
    ///
    /// ## Why is this bad?
    /// Several sources can only be copied into a directory, and BuildKit only treats the
    /// destination as one when it ends with `/`: the build fails (`When using COPY with more
    /// than one source file, the destination must be a directory and end with a /`).
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /usr/src/app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// COPY package.json package-lock.json /usr/src/app/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - [hadolint DL3021](https://github.com/hadolint/hadolint/wiki/DL3021)
    pub(crate) static META = {
        code: "DKF012",
        name: "copy-sources-into-file",
        family: Dockerfile,
        severity: High,
        summary: "`COPY` of several sources to a destination without a trailing `/`",
        help: "end the destination with `/` so that it is a directory",
        aliases: ["DL3021", "AVD-DS-0011", "DS011", "DS-0011"],
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
    for ins in own_instructions(ctx) {
        let Detail::Copy {
            sources,
            dest: Some(dest),
            ..
        } = &ins.detail
        else {
            continue;
        };
        if sources.len() < 2 {
            continue;
        }
        let written = unquote(&dest.value);
        // A Windows path ending with `\` (`C:\app\`) is a directory too.
        if written.ends_with('/') || (written.ends_with('\\') && !written.contains('/')) {
            continue;
        }
        if has_variable(written)
            && df
                .scope_at(ins.index)
                .expand(written, df.escape)
                .is_ok_and(|e| e.value.ends_with('/'))
        {
            continue;
        }
        out.push(
            ctx.finding(
                dest.span,
                format!(
                    "`COPY` of {} sources to `{written}`, which does not end with `/`",
                    sources.len()
                ),
            )
            .with_label("add a trailing `/`"),
        );
    }
}
