use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<name>` when `<name>` is neither an earlier build stage (by name,
    /// ignoring case, or by index) nor an image reference with a tag or digest
    /// (`--from=nginx:1.27`). The current stage is left to `DKF009`. A build argument is
    /// judged by its default (`--from=${BUILDER}`); one without a default is not reported.
    ///
    /// ## Why is this bad?
    /// A `--from` that names no earlier stage is usually a typo or a stage that was renamed
    /// or moved below; BuildKit then treats the word as an image name and pulls
    /// `docker.io/library/<name>:latest`, or fails with a confusing registry error. A stage
    /// defined further down only works with BuildKit, not with other builders.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=builder /out/app /app
    /// ```
    ///
    /// ## Fix
    /// Refer to the stage by its name (`--from=build`), define it before the `COPY`, or give
    /// an image its tag (`--from=nginx:1.27`).
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [hadolint DL3022](https://github.com/hadolint/hadolint/wiki/DL3022)
    pub(crate) static META = {
        code: "DKF008",
        name: "copy-from-unknown-stage",
        family: Dockerfile,
        severity: Medium,
        summary: "`COPY --from` names no earlier build stage",
        help: "use the name of an earlier stage, move that stage above this `COPY`, or give the image a tag",
        aliases: ["DL3022"],
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
            from: Some(from), ..
        } = &ins.detail
        else {
            continue;
        };
        let current = ins.stage;
        // A build argument may name the stage; without a default there is nothing to judge.
        let value = match df.scope_at(ins.index).expand(&from.value, df.escape) {
            Ok(e) if e.unresolved.is_empty() => e.value,
            _ => continue,
        };
        let lower = value.to_ascii_lowercase();
        let before = current.unwrap_or(0);
        if df.resolve_stage(&value, before).is_some() || value.contains(':') {
            continue;
        }
        // `--from` naming the stage it is in: DKF009's finding.
        if let Some(c) = current
            && (df.stages.get(c).and_then(|s| s.name.as_deref()) == Some(lower.as_str())
                || value == c.to_string())
        {
            continue;
        }
        let message = if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
            match before {
                0 => format!(
                    "`COPY --from={value}` refers to stage {value}, but no stage comes before it"
                ),
                1 => format!(
                    "`COPY --from={value}` refers to stage {value}, but only stage 0 comes before it"
                ),
                n => format!(
                    "`COPY --from={value}` refers to stage {value}, but only stages 0 to {} come before it",
                    n - 1
                ),
            }
        } else if let Some(later) = ctx.stages()[before.min(ctx.stages().len())..]
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            let line = df
                .instructions
                .get(later.from_instruction)
                .map_or(0, |x| x.start_line);
            format!(
                "`COPY --from={value}` refers to stage `{value}`, which is defined later, on line {line}"
            )
        } else {
            format!("`COPY --from={value}` names no earlier stage and no tagged image")
        };
        out.push(
            ctx.finding(from.span, message)
                .with_label("not an earlier stage"),
        );
    }
}
