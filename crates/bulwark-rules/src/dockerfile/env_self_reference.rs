use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::{own_instructions, sub_span, variable_references};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports an `ENV` that refers to a variable it sets itself, in a later pair of the same
    /// instruction (`ENV DIR=/opt/app BIN=$DIR/bin`), when the variable had no value before
    /// the instruction. Referring to a variable in its own value (`ENV PATH=/opt/bin:$PATH`)
    /// is fine.
    ///
    /// ## Why is this bad?
    /// All pairs of one `ENV` are expanded with the values from before the instruction, so
    /// `$DIR` is still empty when `BIN` is set: `BIN` becomes `/bin`, not `/opt/app/bin`.
    /// Likewise `ENV PATH=/opt/a:$PATH PATH=/opt/b:$PATH` loses `/opt/a`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// ENV APP_HOME=/opt/app
    /// ENV APP_BIN=$APP_HOME/bin
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
    /// - [hadolint DL3044](https://github.com/hadolint/hadolint/wiki/DL3044)
    pub(crate) static META = {
        code: "DKF021",
        name: "env-self-reference",
        family: Dockerfile,
        severity: High,
        summary: "`ENV` uses a variable it sets itself",
        help: "set the variable in an earlier `ENV` instruction",
        aliases: ["DL3044"],
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
        let Detail::Env(pairs) = &ins.detail else {
            continue;
        };
        if pairs.len() < 2 {
            continue;
        }
        let scope = df.scope_at(ins.index);
        let mut reported = false;
        for (i, pair) in pairs.iter().enumerate() {
            let name = pair.key.value.as_str();
            if reported || scope.kind(name).is_some() {
                continue;
            }
            for later in &pairs[i + 1..] {
                let Some((start, end, _)) =
                    variable_references(&later.value.value).find(|(_, _, n)| *n == name)
                else {
                    continue;
                };
                out.push(
                    ctx.finding(
                        sub_span(ctx.file, &later.value, start, end),
                        format!(
                            "`{}` refers to `{name}`, which is set earlier in the same `ENV`: it gets the value `{name}` had before the instruction",
                            later.key.value
                        ),
                    )
                    .with_label(format!("not the `{name}` set by this `ENV`")),
                );
                reported = true;
                break;
            }
        }
    }
}
