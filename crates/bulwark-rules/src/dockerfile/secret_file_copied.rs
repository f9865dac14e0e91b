use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use super::{clean_context_path, dockerignore_for, local_sources};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` instructions (ONBUILD ones too) that copy a file or folder
    /// that holds credentials from the build context into the image:
    /// - environment files: `.env`, `.env.production`, `prod.env` (not `.env.example`,
    ///   `.env.sample`, `.env.template`, `.env.dist`);
    /// - private keys: `id_rsa`, `id_ed25519` and the other `id_*` SSH keys (not `*.pub`),
    ///   `*.key`, `*.pem` (except names that say they are certificates: `cert`, `chain`,
    ///   `bundle`, `ca`, `pub`), `*.p12`, `*.pfx`, `*.jks`, `*.keystore`;
    /// - credential files: `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    ///   `.dockercfg`, `.htpasswd`;
    /// - folders: `.git`, `.ssh`, `.aws`, `.gnupg`, `.kube`, `.docker`.
    ///
    /// Key files whose name or destination says they are public keys (`gpg`, `pgp`, `pub`
    /// in the name; copied to a `*.pub`, `*.asc` or `*.gpg` file, a keyring or a CA folder)
    /// are not reported. Glob sources (`COPY *.pem /certs/`) are checked by their pattern. A path that the
    /// `.dockerignore` beside the Dockerfile excludes is not in the build context and is
    /// not reported. Copying the whole context (`COPY . .`) is `context-copied-unfiltered`
    /// (DKF127).
    ///
    /// ## Why is this bad?
    /// Every file copied into an image stays in its layer, even if a later `RUN rm`
    /// deletes it: anyone who can pull the image extracts it with `docker save`. Build
    /// stages that are not shipped still keep it in the build cache and in any image built
    /// with `--target`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci && rm .npmrc
    /// ```
    ///
    /// ## Fix
    /// Mount the file for the one step that needs it; it is never written to a layer:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:22-slim
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    /// and build with `docker build --secret id=npmrc,src=$HOME/.npmrc .`. Use
    /// `RUN --mount=type=ssh` for SSH keys, and give run-time credentials to the container
    /// through the orchestrator's secrets.
    ///
    /// ## References
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - CIS Docker Benchmark 4.10: ensure secrets are not stored in Dockerfiles
    pub(crate) static META = {
        code: "DKF126",
        name: "secret-file-copied",
        family: Dockerfile,
        severity: High,
        summary: "`COPY` or `ADD` puts a credential file into the image",
        help: "do not copy the file: mount it with `RUN --mount=type=secret` (or `--mount=type=ssh`) for the step that needs it, and exclude it in `.dockerignore`",
        aliases: [],
        compliance: ["CIS-DOCKER-4.10", "NIST-800-190-4.1.4"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// What a context path holds, when it holds credentials.
pub(crate) fn sensitive_path(path: &str) -> Option<&'static str> {
    let path = clean_context_path(path);
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let next = segments.get(i + 1).copied();
        let what = match (*seg, next) {
            (".git", _) => "the git repository and its history",
            (".ssh", _) => "SSH keys",
            (".aws", _) => "AWS credentials",
            (".gnupg", _) => "GnuPG keys",
            // Repositories keep other files in `.kube/` and `.docker/` folders; the
            // credentials are their `config` files.
            (".kube", None | Some("config")) => "Kubernetes credentials",
            (".docker", None | Some("config.json")) => "Docker registry credentials",
            _ => continue,
        };
        return Some(what);
    }
    let name = segments.last().copied().unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    match lower.as_str() {
        ".npmrc" => return Some("an npm configuration with registry tokens"),
        ".pypirc" => return Some("a PyPI configuration with upload credentials"),
        ".netrc" => return Some("a `.netrc` file of login credentials"),
        ".git-credentials" => return Some("stored git credentials"),
        ".dockercfg" => return Some("Docker registry credentials"),
        ".htpasswd" => return Some("a password file"),
        _ => {}
    }
    let example = ["example", "sample", "template", "tpl", "dist", "defaults"]
        .iter()
        .any(|w| lower.contains(w));
    if (lower == ".env" || lower.starts_with(".env.") || ext == "env") && !example {
        return Some("an environment file, usually with secrets");
    }
    if lower.starts_with("id_")
        && ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
            .iter()
            .any(|k| lower.starts_with(k))
        && !lower.ends_with(".pub")
    {
        return Some("a private SSH key");
    }
    match ext {
        "key" => Some("a private key"),
        "pem" if !names_certificate(&lower) => Some("a PEM file, usually a private key"),
        "p12" | "pfx" => Some("a PKCS#12 key store"),
        "jks" | "keystore" => Some("a Java key store"),
        _ => None,
    }
}

/// Whether a PEM file's name says it holds certificates (`ca.pem`, `server-cert.pem`,
/// `fullchain.pem`, `ca-bundle.pem`), which are public.
fn names_certificate(name: &str) -> bool {
    name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.starts_with("cert")
            || matches!(
                w,
                "ca" | "cacert"
                    | "chain"
                    | "fullchain"
                    | "bundle"
                    | "pub"
                    | "public"
                    | "crt"
                    | "root"
                    | "trust"
                    | "truststore"
            )
    })
}

/// Whether a key file is a public key by its name (`repo-gpg.key`, `signing.pub.key`) or
/// its destination (`/war/jenkins-key.pub`, `/etc/apt/keyrings/`, `trusted.gpg.d`).
fn is_public_key(source: &str, dest: &str) -> bool {
    let name = source
        .rsplit('/')
        .next()
        .unwrap_or(source)
        .to_ascii_lowercase();
    let public_name = name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "gpg" | "pgp" | "pub" | "pubkey" | "public" | "keyring" | "asc"
        )
    });
    let dest = dest.to_ascii_lowercase();
    let public_dest = [".pub", ".asc", ".gpg"].iter().any(|e| dest.ends_with(e))
        || [
            "keyring",
            "trusted.gpg",
            "ca-certificates",
            "ca-trust",
            "rpm-gpg",
        ]
        .iter()
        .any(|d| dest.contains(d));
    public_name || public_dest
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    let mut ignore = None;
    let mut ignore_read = false;
    for ins in ctx.instructions() {
        for (source, value) in local_sources(df, ins) {
            let Some(what) = sensitive_path(&value) else {
                continue;
            };
            let dest = match &ins.detail {
                Detail::Copy { dest, .. } | Detail::Add { dest, .. } => {
                    dest.as_ref().map_or("", |d| d.value.as_str())
                }
                _ => "",
            };
            if what.contains("key") && !what.contains("SSH") && is_public_key(&value, dest) {
                continue;
            }
            if !ignore_read {
                ignore = dockerignore_for(ctx.file.path());
                ignore_read = true;
            }
            if ignore.as_ref().is_some_and(|i| i.excludes(&value)) {
                continue;
            }
            let keyword = ins.kind.as_str();
            out.push(
                ctx.finding(
                    source.span,
                    format!(
                        "`{keyword}` puts `{}` ({what}) into the image",
                        source.value
                    ),
                )
                .with_label("credential file"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sensitive_path;

    #[test]
    fn credential_files_and_look_alikes() {
        for p in [
            ".env",
            "./.env.production",
            "config/prod.env",
            "id_rsa",
            "/home/.ssh/config",
            ".git",
            "deploy/server.key",
            "tls/server.pem",
            "local.pem",
            ".docker/config.json",
            ".kube/config",
            ".npmrc",
            "*.pem",
            "keystore.jks",
        ] {
            assert!(sensitive_path(p).is_some(), "{p}");
        }
        for p in [
            ".env.example",
            "env.sample",
            "id_rsa.pub",
            "certs/ca.pem",
            "fullchain.pem",
            "server-cert.pem",
            ".docker/nginx.conf",
            ".kube/manifests/app.yaml",
            "src/keyboard.js",
            "app.py",
            ".gitignore",
            ".github/workflows/ci.yml",
        ] {
            assert!(sensitive_path(p).is_none(), "{p}");
        }
        assert!(super::is_public_key(
            "jenkins.io-2026.key",
            "/war/jenkins-key.pub"
        ));
        assert!(super::is_public_key("docker-gpg.key", "/tmp/"));
        assert!(super::is_public_key(
            "repo.key",
            "/etc/apt/keyrings/repo.asc"
        ));
        assert!(!super::is_public_key("server.key", "/etc/nginx/certs/"));
    }
}
