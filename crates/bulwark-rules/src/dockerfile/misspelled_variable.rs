use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports an all-upper-case variable a RUN expands without anything assigning it, when
    /// its name is one or two edits away from a variable that is assigned (by the script, an
    /// `ARG`/`ENV` of the stage, or Docker's proxy variables): `$RTTP_PROXY` next to
    /// `HTTP_PROXY`.
    ///
    /// ## Why is this bad?
    /// Upper-case variables usually come from the environment, so a typo in one is not an
    /// error for the shell: it silently expands to nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG APP_VERSION=1.4.2
    /// RUN echo "building $APP_VERSON"
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// ARG APP_VERSION=1.4.2
    /// RUN echo "building $APP_VERSION"
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2153](https://www.shellcheck.net/wiki/SC2153)
    pub(crate) static META = {
        code: "DKF152",
        name: "possibly-misspelled-variable",
        family: Dockerfile,
        severity: Low,
        summary: "a variable looks like a misspelling of an assigned one",
        help: "correct the name, or assign the variable",
        aliases: ["SC2153"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2153, out);
}
