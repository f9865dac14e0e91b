use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, InstructionKind, StageRef};

use crate::context::DockerfileCtx;
use crate::dockerfile::{own_instructions, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` to a relative destination (`COPY . app`, `COPY . .`) in a stage
    /// where no `WORKDIR` has been set yet, neither in the stage nor in the earlier stage it
    /// builds on. Destinations that start with a variable are not reported.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which then comes
    /// from the base image: `/` for most images, but whatever the publisher chose for others,
    /// and it can change with a new base image version. Files silently land somewhere else.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// COPY package.json .
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /usr/src/app
    /// COPY package.json .
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [hadolint DL3045](https://github.com/hadolint/hadolint/wiki/DL3045)
    pub(crate) static META = {
        code: "DKF013",
        name: "copy-relative-destination",
        family: Dockerfile,
        severity: Medium,
        summary: "`COPY` to a relative destination without `WORKDIR`",
        help: "set `WORKDIR` before the `COPY`, or use an absolute destination",
        aliases: ["DL3045"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let stages = ctx.stages();
    // Whether each stage has set a WORKDIR so far (inherited from a stage it builds on).
    let mut workdir = vec![false; stages.len()];
    // Instructions before the first FROM (BuildKit refuses them; hadolint reads them too).
    let mut workdir_before_from = false;
    for ins in own_instructions(ctx) {
        let Some(s) = ins.stage else {
            match &ins.detail {
                Detail::Workdir(_) => workdir_before_from = true,
                Detail::Copy { dest: Some(d), .. } if !workdir_before_from => report(ctx, d, out),
                _ => {}
            }
            continue;
        };
        match ins.kind {
            InstructionKind::From => {
                if let Some(StageRef::Stage(base)) = stages.get(s).map(|st| &st.base)
                    && let Some(&inherited) = workdir.get(*base)
                    && let Some(w) = workdir.get_mut(s)
                {
                    *w = inherited;
                }
            }
            InstructionKind::Workdir => {
                if let Some(w) = workdir.get_mut(s) {
                    *w = true;
                }
            }
            _ => {
                if let Detail::Copy { dest: Some(d), .. } = &ins.detail
                    && !workdir.get(s).copied().unwrap_or(false)
                {
                    report(ctx, d, out);
                }
            }
        }
    }
}

fn report(ctx: &DockerfileCtx<'_>, dest: &bulwark_dockerfile::Spanned, out: &mut Vec<Finding>) {
    let path = unquote(&dest.value);
    if is_absolute(path) || path.starts_with('$') {
        return;
    }
    out.push(
        ctx.finding(
            dest.span,
            format!("`COPY` to relative `{path}` before any `WORKDIR` in this stage"),
        )
        .with_label("resolved against the base image's working directory"),
    );
}

/// `/usr/src`, or a Windows drive path (`C:\app`, `c:/app`).
pub(crate) fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}
