//! Registry credentials from the Docker config file (`$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`): `auths` entries (`auth` is base64 of `user:password`, or
//! `username`/`password`, or an `identitytoken`), and credential helpers (`credHelpers` per
//! registry, `credsStore` for all) run as `docker-credential-NAME get`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use crate::{Error, Result};

/// Credentials for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// User name and password (or a personal access token).
    Basic {
        /// User name.
        username: String,
        /// Password or token.
        password: String,
    },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token server.
    IdentityToken(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
            Credentials::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// The Docker config file to read: `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json`.
pub fn default_docker_config() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker/config.json"))
}

/// The credentials the Docker config at `path` holds for `registry` (as written in image
/// references: `docker.io`, `ghcr.io`, `localhost:5000`); `Ok(None)` when it holds none or
/// the file does not exist.
///
/// # Errors
/// [`Error::Malformed`] when the file or an `auth` entry cannot be decoded, or a credential
/// helper fails.
pub fn docker_config_credentials(path: &Path, registry: &str) -> Result<Option<Credentials>> {
    let bytes = match fs_err::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path.display().to_string(), e)),
    };
    let what = path.display().to_string();
    let config: DockerConfig = serde_json::from_slice(&bytes)
        .map_err(|e| Error::malformed(&what, format!("expected a Docker config file: {e}")))?;
    let wanted = registry_key(registry);
    if let Some((_, helper)) = config
        .cred_helpers
        .iter()
        .find(|(k, _)| registry_key(k) == wanted)
    {
        return run_helper(helper, registry);
    }
    if let Some((key, entry)) = config.auths.iter().find(|(k, _)| registry_key(k) == wanted)
        && let Some(c) = entry_credentials(entry, &what, key)?
    {
        return Ok(Some(c));
    }
    match &config.creds_store {
        Some(store) if !store.is_empty() => run_helper(store, registry),
        _ => Ok(None),
    }
}

fn entry_credentials(entry: &AuthEntry, what: &str, key: &str) -> Result<Option<Credentials>> {
    if let Some(token) = entry.identitytoken.as_deref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credentials::IdentityToken(token.to_string())));
    }
    if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                Error::malformed(
                    what,
                    format!("auths.{key}.auth: expected base64 of `user:password`"),
                )
            })?;
        let (user, pass) = decoded.split_once(':').ok_or_else(|| {
            Error::malformed(
                what,
                format!("auths.{key}.auth: expected `user:password` once decoded"),
            )
        })?;
        return Ok(Some(Credentials::Basic {
            username: user.to_string(),
            password: pass.to_string(),
        }));
    }
    match (&entry.username, &entry.password) {
        (Some(u), Some(p)) if !u.is_empty() => Ok(Some(Credentials::Basic {
            username: u.clone(),
            password: p.clone(),
        })),
        _ => Ok(None),
    }
}

/// `https://index.docker.io/v1/`, `index.docker.io`, `registry-1.docker.io` → `docker.io`;
/// other keys lose their scheme and path.
fn registry_key(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io".to_string(),
        _ => host,
    }
}

#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

fn run_helper(helper: &str, registry: &str) -> Result<Option<Credentials>> {
    if !helper
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(Error::Usage(format!(
            "credential helper `{helper}`: expected a name such as `pass` or `ecr-login`"
        )));
    }
    let program = format!("docker-credential-{helper}");
    let server = if registry == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    };
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(program.clone(), e))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .map_err(|e| Error::io(program.clone(), e))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::io(program.clone(), e))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if text.contains("credentials not found") {
            return Ok(None);
        }
        return Err(Error::Registry {
            what: program,
            message: format!(
                "credential helper failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    let answer: HelperAnswer = serde_json::from_slice(&out.stdout).map_err(|e| {
        Error::malformed(
            &program,
            format!("expected {{\"Username\", \"Secret\"}}: {e}"),
        )
    })?;
    if answer.username == "<token>" {
        return Ok(Some(Credentials::IdentityToken(answer.secret)));
    }
    Ok(Some(Credentials::Basic {
        username: answer.username,
        password: answer.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_auths_entries() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let path = dir.path().join("config.json");
        let b64 = base64::engine::general_purpose::STANDARD.encode("alice:s3cret:with:colons");
        let text = format!(
            r#"{{"auths": {{
                "https://index.docker.io/v1/": {{"auth": "{b64}"}},
                "localhost:5000": {{"username": "bob", "password": "pw"}},
                "http://127.0.0.1:9999/v2/": {{"identitytoken": "refresh"}},
                "broken.example": {{"auth": "!!!"}}
            }}}}"#
        );
        assert!(fs_err::write(&path, text).is_ok());
        let get = |r: &str| docker_config_credentials(&path, r);
        assert_eq!(
            get("docker.io").ok().flatten(),
            Some(Credentials::Basic {
                username: "alice".into(),
                password: "s3cret:with:colons".into()
            })
        );
        assert_eq!(
            get("localhost:5000").ok().flatten(),
            Some(Credentials::Basic {
                username: "bob".into(),
                password: "pw".into()
            })
        );
        assert_eq!(
            get("127.0.0.1:9999").ok().flatten(),
            Some(Credentials::IdentityToken("refresh".into()))
        );
        assert_eq!(get("ghcr.io").ok().flatten(), None);
        let err = get("broken.example")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("auths.broken.example.auth"), "{err}");
        assert_eq!(
            docker_config_credentials(&dir.path().join("none.json"), "docker.io").ok(),
            Some(None)
        );
    }
}
