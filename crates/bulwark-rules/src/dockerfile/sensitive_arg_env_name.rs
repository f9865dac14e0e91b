use bulwark_core::{Finding, Span};
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` instructions (ONBUILD ones too) that declare a variable whose
    /// name says it holds a credential, whatever its value: one of the names of well-known
    /// services (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`, `OPENAI_API_KEY`,
    /// `POSTGRES_PASSWORD`…), or a name containing `api_key`, `client_key`, `password`,
    /// `private`, `secret`, `token` or `username` in any case. These are hadolint's lists
    /// (DL3064); one finding per instruction, at its first such name.
    ///
    /// Literal credential values are reported, with more precision, by
    /// `credential-in-arg-env` (DKF125).
    ///
    /// ## Why is this bad?
    /// An `ENV` value is stored in the image configuration: anyone who can pull the image
    /// reads it with `docker inspect`. A build argument is recorded in the image history of
    /// every `RUN` that sees it (`docker history --no-trunc`) and in the build cache, even
    /// when it has no default and the value is passed with `--build-arg`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Fix
    /// Pass the credential as a build secret, which is mounted for one `RUN` and never
    /// stored:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    ///     echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    /// ```
    /// and build with `docker build --secret id=npm_token,env=NPM_TOKEN .`. Credentials the
    /// container needs at run time belong in the orchestrator's secrets, not in the image.
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CIS Docker Benchmark 4.10: ensure secrets are not stored in Dockerfiles
    /// - [hadolint DL3064](https://github.com/hadolint/hadolint/wiki/DL3064)
    pub(crate) static META = {
        code: "DKF124",
        name: "sensitive-arg-env-name",
        family: Dockerfile,
        severity: Medium,
        summary: "`ARG` or `ENV` declares a variable named like a credential",
        help: "pass the credential with `RUN --mount=type=secret,id=<id>` (or `env=<NAME>`) instead of `ARG` or `ENV`",
        aliases: ["DL3064"],
        compliance: ["CIS-DOCKER-4.10", "NIST-800-190-4.1.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// Variable names of well-known services' credentials (hadolint's list, upper-case).
const KNOWN_SENSITIVE_NAMES: [&str; 48] = [
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// Parts of a name that make it sensitive (lower-case, matched anywhere in the name).
const SUSPICIOUS_SUBSTRINGS: [&str; 7] = [
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// Whether hadolint takes a variable name for a credential.
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let lower = name.to_ascii_lowercase();
    KNOWN_SENSITIVE_NAMES.contains(&upper.as_str())
        || SUSPICIOUS_SUBSTRINGS.iter().any(|s| lower.contains(s))
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in ctx.instructions() {
        let names: Vec<(&str, Span)> = match &ins.detail {
            Detail::Arg(decls) => decls
                .iter()
                .map(|d| (d.name.value.as_str(), d.name.span))
                .collect(),
            Detail::Env(pairs) => pairs
                .iter()
                .map(|kv| (kv.key.value.as_str(), kv.key.span))
                .collect(),
            _ => continue,
        };
        let Some((name, span)) = names.into_iter().find(|(n, _)| is_sensitive_name(n)) else {
            continue;
        };
        let message = match &ins.detail {
            Detail::Arg(_) => format!(
                "build argument `{name}` looks like a credential, and build arguments are recorded in the image history"
            ),
            _ => format!(
                "`ENV` sets `{name}`, which looks like a credential, in the image configuration"
            ),
        };
        out.push(
            ctx.finding(span, message)
                .with_label("credential name in `ARG`/`ENV`"),
        );
    }
}
