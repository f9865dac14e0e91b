use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a build stage whose name (`FROM … AS name`) an earlier stage already has.
    /// Stage names are compared as BuildKit compares them, ignoring case.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the file (`duplicate stage name`), and with builders that accept it,
    /// `COPY --from=name` and `FROM name` silently pick one of the stages, so files come from
    /// a stage other than the one the author had in mind.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM node:22 AS build
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## Fix
    /// Give every stage its own name (`AS build-api`, `AS build-ui`).
    ///
    /// ## References
    /// - [Multi-stage builds: name your build stages](https://docs.docker.com/build/building/multi-stage/#name-your-build-stages)
    /// - [hadolint DL3024](https://github.com/hadolint/hadolint/wiki/DL3024)
    pub(crate) static META = {
        code: "DKF006",
        name: "duplicate-stage-name",
        family: Dockerfile,
        severity: High,
        summary: "two build stages have the same name",
        help: "give each stage a unique name and update the `COPY --from` and `FROM` that refer to it",
        aliases: ["DL3024", "AVD-DS-0012", "DS012", "DS-0012", "CKV_DOCKER_11"],
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
    let mut first_for_checkov = true;
    for (i, stage) in ctx.stages().iter().enumerate() {
        let Some(name) = &stage.name else { continue };
        let Some(earlier) = ctx.stages()[..i]
            .iter()
            .find(|s| s.name.as_ref() == Some(name))
        else {
            continue;
        };
        // hadolint and Checkov compare names as written, Trivy and BuildKit ignore case.
        let same_case = ctx.stages()[..i]
            .iter()
            .filter_map(|s| written_name(ctx, s))
            .any(|n| Some(n) == written_name(ctx, stage));
        let Some(Detail::From {
            name: Some(written),
            ..
        }) = df
            .instructions
            .get(stage.from_instruction)
            .map(|x| &x.detail)
        else {
            continue;
        };
        let earlier_line = df
            .instructions
            .get(earlier.from_instruction)
            .map_or(0, |x| x.start_line);
        let mut finding = ctx
            .finding(
                written.span,
                format!(
                    "stage name `{}` is already used by the stage on line {earlier_line}",
                    written.value
                ),
            )
            .with_label("duplicate stage name");
        if !same_case {
            finding
                .aliases
                .retain(|a| a != "DL3024" && a != "CKV_DOCKER_11");
        }
        // Checkov reports the file once.
        if !first_for_checkov {
            finding.aliases.retain(|a| a != "CKV_DOCKER_11");
        }
        first_for_checkov &= !finding.aliases.iter().any(|a| a == "CKV_DOCKER_11");
        out.push(finding);
    }
}

/// The stage name as written (`FROM … AS Name`).
fn written_name<'a>(ctx: &DockerfileCtx<'a>, stage: &bulwark_dockerfile::Stage) -> Option<&'a str> {
    match &ctx
        .dockerfile
        .instructions
        .get(stage.from_instruction)?
        .detail
    {
        Detail::From { name: Some(n), .. } => Some(n.value.as_str()),
        _ => None,
    }
}
