use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::{own_instructions, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage or image> / /`: copying the whole root filesystem of
    /// another stage or image onto the root of this one.
    ///
    /// ## Why is this bad?
    /// Everything comes along: package databases, caches, build tools, `/etc/passwd`,
    /// `/etc/shadow` and whatever secrets the other stage saw, overwriting this stage's own
    /// files. The result is large, hard to audit, and defeats the point of a multi-stage
    /// build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12 AS build
    /// RUN make install DESTDIR=/out
    /// FROM gcr.io/distroless/base-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// ## Fix
    /// Copy only what the image needs:
    /// ```dockerfile
    /// COPY --from=build /out/usr/local/bin/app /usr/local/bin/app
    /// ```
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - [hadolint DL3067](https://github.com/hadolint/hadolint/wiki/DL3067)
    pub(crate) static META = {
        code: "DKF010",
        name: "copy-whole-filesystem",
        family: Dockerfile,
        severity: Medium,
        summary: "`COPY --from` copies a whole filesystem",
        help: "copy only the files and directories the image needs",
        aliases: ["DL3067"],
        compliance: ["NIST-800-190-4.1.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in own_instructions(ctx) {
        let Detail::Copy {
            from: Some(from),
            sources,
            dest: Some(dest),
            ..
        } = &ins.detail
        else {
            continue;
        };
        if unquote(&dest.value) != "/" {
            continue;
        }
        let Some(root) = sources.iter().find(|s| unquote(&s.value) == "/") else {
            continue;
        };
        out.push(
            ctx.finding(
                root.span,
                format!(
                    "`COPY --from={}` copies the whole filesystem of `{}` onto `/`",
                    from.value, from.value
                ),
            )
            .with_label("the whole root filesystem"),
        );
    }
}
