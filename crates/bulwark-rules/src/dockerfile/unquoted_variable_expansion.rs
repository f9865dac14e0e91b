use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `$var` and `${var…}` expansions outside double quotes in a RUN, where the
    /// shell splits the value into words and expands glob characters in it. Like ShellCheck, it
    /// leaves alone expansions that cannot contain spaces: variables assigned a plain value in
    /// the script, the stage's ARG and ENV variables, `$?`, `$#`, `$$`, and arithmetic results;
    /// and places where no splitting happens: assignments, `[[ ]]`, `case`, arithmetic,
    /// heredocs, the list of a `for` loop, and an expansion used as the command name.
    ///
    /// ## Why is this bad?
    /// A value with a space becomes two arguments and a value with `*` becomes a list of
    /// files: `rm -rf $DIR` with `DIR="/tmp/build old"` removes `/tmp/build` and `old`. The
    /// script works with today's values and breaks, sometimes destructively, with tomorrow's.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN tar -xzf /tmp/app.tgz -C $HOME && rm $HOME/*.tmp
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN tar -xzf /tmp/app.tgz -C "$HOME" && rm "$HOME"/*.tmp
    /// ```
    ///
    /// ## References
    /// - [ShellCheck SC2086](https://www.shellcheck.net/wiki/SC2086)
    pub(crate) static META = {
        code: "DKF150",
        name: "unquoted-variable-expansion",
        family: Dockerfile,
        severity: Low,
        summary: "a variable expansion is not quoted",
        help: "quote the expansion: `\"$var\"`",
        aliases: ["SC2086"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    super::shellcheck::report(ctx, 2086, out);
}
