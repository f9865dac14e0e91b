//! A blocking client of the OCI distribution API (v2): manifests and blobs by tag or digest,
//! uploads (monolithic and chunked), tags, and referrers (OCI 1.1, with the tag-schema
//! fallback). Anonymous, Basic and bearer-token authentication follow the registry's
//! `WWW-Authenticate` challenges; every blob and manifest read is checked against its digest.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use ureq::http::{Method, Response};

use super::credentials::{Credentials, default_docker_config, docker_config_credentials};
use crate::layer::{hex, sha256_bytes};
use crate::reference::{Reference, Repository};
use crate::spec::{
    Descriptor, Index, MEDIA_DOCKER_LIST, MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST,
};
use crate::{Error, Limits, Result};

/// Media types asked for when fetching a manifest.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Options of a [`RegistryClient`].
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// Talk plain HTTP to every registry (loopback registries — `localhost`, `127.0.0.1`,
    /// `[::1]` — always get plain HTTP).
    pub insecure: bool,
    /// The Docker config file with credentials (default: `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json`).
    pub docker_config: Option<PathBuf>,
    /// Credentials to use for every registry, instead of the Docker config.
    pub credentials: Option<Credentials>,
    /// Bounds on documents read.
    pub limits: Limits,
}

/// What a request needs from the token server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Access {
    Pull,
    Push,
}

impl Access {
    fn scope(self, repo: &Repository) -> String {
        match self {
            Access::Pull => format!("repository:{}:pull", repo.name),
            Access::Push => format!("repository:{}:pull,push", repo.name),
        }
    }
}

#[derive(Default)]
struct AuthState {
    credentials: HashMap<String, Option<Credentials>>,
    tokens: HashMap<(String, String), String>,
    basic: HashSet<String>,
}

/// A manifest or index as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// The bytes, as served (their digest is [`FetchedManifest::digest`]).
    pub bytes: Vec<u8>,
    /// `Content-Type` of the answer.
    pub media_type: String,
    /// `sha256:` of the bytes.
    pub digest: String,
}

/// A request body that can be sent again after an authentication challenge.
enum Body<'a> {
    Empty,
    Bytes(&'a [u8]),
    Stream(&'a dyn Fn() -> io::Result<Box<dyn Read + Send>>),
}

/// A registry client (blocking; share one across threads).
pub struct RegistryClient {
    agent: ureq::Agent,
    options: RegistryOptions,
    auth: Mutex<AuthState>,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("insecure", &self.options.insecure)
            .finish_non_exhaustive()
    }
}

impl RegistryClient {
    /// A client with these options.
    pub fn new(options: RegistryOptions) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
            .accept_encoding("identity")
            .user_agent(concat!("bulwark/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .max_idle_connections_per_host(8)
            .build()
            .new_agent();
        RegistryClient {
            agent,
            options,
            auth: Mutex::new(AuthState::default()),
        }
    }

    /// The bounds this client applies.
    pub fn limits(&self) -> &Limits {
        &self.options.limits
    }

    fn base_url(&self, repo: &Repository) -> String {
        let host = repo.api_host();
        let hostname = host
            .rsplit_once(':')
            .filter(|(h, p)| !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(h, _)| h);
        let loopback =
            matches!(hostname, "localhost" | "127.0.0.1" | "[::1]") || hostname.starts_with("127.");
        let scheme = if self.options.insecure || loopback {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{host}")
    }

    fn url(&self, repo: &Repository, tail: &str) -> String {
        format!("{}/v2/{}/{tail}", self.base_url(repo), repo.name)
    }

    /// Checks that the registry speaks the distribution API (`GET /v2/`), authenticating as
    /// needed.
    ///
    /// # Errors
    /// [`Error::Registry`] when it does not answer 200.
    pub fn ping(&self, repo: &Repository) -> Result<()> {
        let url = format!("{}/v2/", self.base_url(repo));
        let resp = self.execute(Method::GET, &url, repo, Access::Pull, &[], Body::Empty)?;
        expect_status(resp, &url, &[200]).map(|_| ())
    }

    /// Fetches the manifest (or index) `reference` names, checking its digest.
    ///
    /// # Errors
    /// [`Error::Registry`] for an error answer, [`Error::DigestMismatch`] when the bytes do
    /// not match the digest asked for or announced.
    pub fn get_manifest(&self, reference: &Reference) -> Result<FetchedManifest> {
        let (url, resp) = self.manifest_request(Method::GET, reference)?;
        let resp = expect_status(resp, &url, &[200])?;
        let media_type = header(&resp, "content-type").unwrap_or_default();
        let announced = header(&resp, "docker-content-digest");
        let bytes = read_body(resp, self.options.limits.max_json_bytes, &url)?;
        let digest = sha256_bytes(&bytes);
        let expected = reference
            .digest
            .clone()
            .or_else(|| announced.filter(|d| d.starts_with("sha256:")));
        if let Some(expected) = expected
            && expected != digest
        {
            return Err(Error::DigestMismatch {
                what: url,
                expected,
                actual: digest,
            });
        }
        let media_type = if media_type.is_empty() || media_type == "application/json" {
            sniff_media_type(&bytes)
        } else {
            media_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        Ok(FetchedManifest {
            bytes,
            media_type,
            digest,
        })
    }

    fn manifest_request(
        &self,
        method: Method,
        reference: &Reference,
    ) -> Result<(String, Response<ureq::Body>)> {
        let repo = &reference.repository;
        let url = self.url(repo, &format!("manifests/{}", reference.api_reference()));
        let resp = self.execute(
            method,
            &url,
            repo,
            Access::Pull,
            &[("Accept", MANIFEST_ACCEPT.to_string())],
            Body::Empty,
        )?;
        Ok((url, resp))
    }

    /// The digest, media type and size of a manifest, without fetching it (`HEAD`); `None`
    /// when there is none.
    ///
    /// # Errors
    /// [`Error::Registry`] for answers other than 200 and 404.
    pub fn head_manifest(&self, reference: &Reference) -> Result<Option<Descriptor>> {
        let (url, resp) = self.manifest_request(Method::HEAD, reference)?;
        if resp.status().as_u16() == 404 {
            return Ok(None);
        }
        let resp = expect_status(resp, &url, &[200])?;
        let digest = header(&resp, "docker-content-digest")
            .or_else(|| reference.digest.clone())
            .ok_or_else(|| Error::Registry {
                what: url.clone(),
                message: "no Docker-Content-Digest header in the answer".into(),
            })?;
        Ok(Some(Descriptor {
            media_type: header(&resp, "content-type").unwrap_or_default(),
            digest,
            size: header(&resp, "content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0),
            platform: None,
            annotations: Default::default(),
            artifact_type: None,
            urls: Vec::new(),
        }))
    }

    /// A reader of the blob `digest` (of `size` bytes), which fails at its end when the bytes
    /// do not match the digest or the size.
    ///
    /// # Errors
    /// [`Error::Registry`] for an error answer.
    pub fn blob_reader(
        &self,
        repo: &Repository,
        digest: &str,
        size: u64,
    ) -> Result<impl Read + Send + 'static> {
        let url = self.url(repo, &format!("blobs/{digest}"));
        let resp = self.execute(Method::GET, &url, repo, Access::Pull, &[], Body::Empty)?;
        let resp = expect_status(resp, &url, &[200])?;
        Ok(VerifiedReader {
            inner: resp.into_body().into_reader().take(size + 1),
            hasher: Sha256::new(),
            read: 0,
            size,
            digest: digest.to_string(),
            url,
        })
    }

    /// Fetches a small blob whole (bounded by [`Limits::max_json_bytes`]), checking it.
    ///
    /// # Errors
    /// As [`RegistryClient::blob_reader`], and [`Error::LimitExceeded`] for a large blob.
    pub fn get_blob_bytes(&self, repo: &Repository, descriptor: &Descriptor) -> Result<Vec<u8>> {
        let what = self.url(repo, &format!("blobs/{}", descriptor.digest));
        if descriptor.size > self.options.limits.max_json_bytes {
            return Err(Error::limit(
                what,
                format!(
                    "blob of {} bytes is larger than the limit of {} bytes",
                    descriptor.size, self.options.limits.max_json_bytes
                ),
            ));
        }
        let mut out = Vec::with_capacity(descriptor.size as usize);
        self.blob_reader(repo, &descriptor.digest, descriptor.size)?
            .read_to_end(&mut out)
            .map_err(|e| Error::io(what, e))?;
        Ok(out)
    }

    /// Whether the registry has the blob `digest` in `repo`.
    ///
    /// # Errors
    /// [`Error::Registry`] for answers other than 200 and 404.
    pub fn blob_exists(&self, repo: &Repository, digest: &str) -> Result<bool> {
        let url = self.url(repo, &format!("blobs/{digest}"));
        let resp = self.execute(Method::HEAD, &url, repo, Access::Pull, &[], Body::Empty)?;
        match resp.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            _ => expect_status(resp, &url, &[200]).map(|_| false),
        }
    }

    /// Starts an upload session; returns its URL.
    fn start_upload(&self, repo: &Repository) -> Result<String> {
        let url = self.url(repo, "blobs/uploads/");
        let resp = self.execute_bodyless(Method::POST, &url, repo)?;
        let resp = expect_status(resp, &url, &[202])?;
        self.location(&resp, repo, &url)
    }

    fn location(
        &self,
        resp: &Response<ureq::Body>,
        repo: &Repository,
        url: &str,
    ) -> Result<String> {
        let loc = header(resp, "location").ok_or_else(|| Error::Registry {
            what: url.to_string(),
            message: "no Location header in the upload answer".into(),
        })?;
        Ok(
            if loc.starts_with("http://") || loc.starts_with("https://") {
                loc
            } else if loc.starts_with('/') {
                format!("{}{loc}", self.base_url(repo))
            } else {
                format!("{}/{loc}", self.base_url(repo))
            },
        )
    }

    /// Uploads a blob in one request (`POST` then `PUT`), unless the registry has it.
    /// `open` gives the content (it is called again if the registry asks to authenticate).
    ///
    /// # Errors
    /// [`Error::Registry`] when the registry refuses the upload (a digest mismatch included).
    pub fn push_blob(
        &self,
        repo: &Repository,
        digest: &str,
        size: u64,
        open: &dyn Fn() -> io::Result<Box<dyn Read + Send>>,
    ) -> Result<()> {
        if self.blob_exists(repo, digest)? {
            return Ok(());
        }
        let location = self.start_upload(repo)?;
        let url = with_query(&location, "digest", digest);
        let resp = self.execute(
            Method::PUT,
            &url,
            repo,
            Access::Push,
            &[
                ("Content-Type", "application/octet-stream".to_string()),
                ("Content-Length", size.to_string()),
            ],
            Body::Stream(open),
        )?;
        expect_status(resp, &url, &[201]).map(|_| ())
    }

    /// Uploads bytes as a blob; returns the descriptor (media type as given).
    ///
    /// # Errors
    /// As [`RegistryClient::push_blob`].
    pub fn push_blob_bytes(
        &self,
        repo: &Repository,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Descriptor> {
        let digest = sha256_bytes(bytes);
        let owned = bytes.to_vec();
        self.push_blob(repo, &digest, bytes.len() as u64, &|| {
            Ok(Box::new(io::Cursor::new(owned.clone())))
        })?;
        Ok(Descriptor {
            media_type: media_type.to_string(),
            digest,
            size: bytes.len() as u64,
            platform: None,
            annotations: Default::default(),
            artifact_type: None,
            urls: Vec::new(),
        })
    }

    /// Uploads a blob in chunks of `chunk_size` bytes (`POST`, `PATCH`…, `PUT`), unless the
    /// registry has it.
    ///
    /// # Errors
    /// As [`RegistryClient::push_blob`]; [`Error::Io`] when `content` fails.
    pub fn push_blob_chunked(
        &self,
        repo: &Repository,
        digest: &str,
        content: &mut dyn Read,
        chunk_size: usize,
    ) -> Result<()> {
        if self.blob_exists(repo, digest)? {
            return Ok(());
        }
        let mut location = self.start_upload(repo)?;
        let mut offset: u64 = 0;
        let mut chunk = vec![0u8; chunk_size.max(1)];
        loop {
            let n = read_full(content, &mut chunk).map_err(|e| Error::io(digest, e))?;
            if n == 0 {
                break;
            }
            let resp = self.execute(
                Method::PATCH,
                &location,
                repo,
                Access::Push,
                &[
                    ("Content-Type", "application/octet-stream".to_string()),
                    (
                        "Content-Range",
                        format!("{offset}-{}", offset + n as u64 - 1),
                    ),
                    ("Content-Length", n.to_string()),
                ],
                Body::Bytes(&chunk[..n]),
            )?;
            let resp = expect_status(resp, &location, &[202])?;
            location = self.location(&resp, repo, &location)?;
            offset += n as u64;
        }
        let url = with_query(&location, "digest", digest);
        let resp = self.execute_bodyless(Method::PUT, &url, repo)?;
        expect_status(resp, &url, &[201]).map(|_| ())
    }

    /// Uploads a manifest (or index) under `reference` (a tag or its digest); returns its
    /// digest and whether the registry processed its `subject` (OCI 1.1 referrers support).
    ///
    /// # Errors
    /// [`Error::Registry`] when the registry refuses it.
    pub fn push_manifest(
        &self,
        repo: &Repository,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(String, bool)> {
        let url = self.url(repo, &format!("manifests/{reference}"));
        let resp = self.execute(
            Method::PUT,
            &url,
            repo,
            Access::Push,
            &[("Content-Type", media_type.to_string())],
            Body::Bytes(bytes),
        )?;
        let resp = expect_status(resp, &url, &[201, 200])?;
        let subject_seen = header(&resp, "oci-subject").is_some();
        Ok((sha256_bytes(bytes), subject_seen))
    }

    /// The tags of `repo` (every page).
    ///
    /// # Errors
    /// [`Error::Registry`] for an error answer.
    pub fn list_tags(&self, repo: &Repository) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Tags {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let mut tags = Vec::new();
        let mut url = self.url(repo, "tags/list?n=1000");
        for _ in 0..10_000 {
            let resp = self.execute(Method::GET, &url, repo, Access::Pull, &[], Body::Empty)?;
            let resp = expect_status(resp, &url, &[200])?;
            let next = header(&resp, "link").and_then(|l| next_link(&l));
            let bytes = read_body(resp, self.options.limits.max_json_bytes, &url)?;
            let page: Tags = serde_json::from_slice(&bytes).map_err(|e| {
                Error::malformed(&url, format!("expected {{\"name\", \"tags\"}}: {e}"))
            })?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(n) if n.starts_with('/') => url = format!("{}{n}", self.base_url(repo)),
                Some(n) => url = n,
                None => return Ok(tags),
            }
        }
        Err(Error::limit(url, "more than 10000 pages of tags"))
    }

    /// The manifests that refer to `subject` (their `subject` field), optionally only those of
    /// `artifact_type`: the OCI 1.1 referrers API, or, on registries without it, the index
    /// stored under the tag `sha256-<hex>`.
    ///
    /// # Errors
    /// [`Error::Registry`] for an error answer.
    pub fn referrers(
        &self,
        repo: &Repository,
        subject: &str,
        artifact_type: Option<&str>,
    ) -> Result<Index> {
        let mut url = self.url(repo, &format!("referrers/{subject}"));
        if let Some(t) = artifact_type {
            url = with_query(&url, "artifactType", t);
        }
        let resp = self.execute(
            Method::GET,
            &url,
            repo,
            Access::Pull,
            &[("Accept", MEDIA_OCI_INDEX.to_string())],
            Body::Empty,
        )?;
        let mut index = if resp.status().as_u16() == 200 {
            let bytes = read_body(resp, self.options.limits.max_json_bytes, &url)?;
            serde_json::from_slice::<Index>(&bytes)
                .map_err(|e| Error::malformed(&url, format!("expected an OCI image index: {e}")))?
        } else if resp.status().as_u16() == 404 {
            self.fallback_referrers(repo, subject)?
                .unwrap_or_else(empty_index)
        } else {
            return expect_status(resp, &url, &[200]).map(|_| empty_index());
        };
        if let Some(t) = artifact_type {
            index
                .manifests
                .retain(|d| d.artifact_type.as_deref() == Some(t));
        }
        Ok(index)
    }

    fn fallback_referrers(&self, repo: &Repository, subject: &str) -> Result<Option<Index>> {
        let reference = Reference {
            repository: repo.clone(),
            tag: Some(fallback_tag(subject)),
            digest: None,
        };
        match self.get_manifest(&reference) {
            Ok(m) => serde_json::from_slice(&m.bytes).map(Some).map_err(|e| {
                Error::malformed(
                    self.url(repo, &format!("manifests/{}", fallback_tag(subject))),
                    format!("expected an OCI image index: {e}"),
                )
            }),
            Err(Error::Registry { message, .. }) if message.starts_with("HTTP 404") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Uploads a manifest that has a `subject` (a signature, an attestation) by its digest and
    /// makes it findable through [`RegistryClient::referrers`]: registries without the
    /// referrers API get the `sha256-<hex>` tag index updated. Returns the manifest's
    /// descriptor.
    ///
    /// # Errors
    /// [`Error::Registry`] when the registry refuses an upload.
    pub fn push_referrer(
        &self,
        repo: &Repository,
        media_type: &str,
        bytes: &[u8],
        artifact_type: Option<&str>,
        subject: &str,
        annotations: std::collections::BTreeMap<String, String>,
    ) -> Result<Descriptor> {
        let digest = sha256_bytes(bytes);
        let (_, subject_seen) = self.push_manifest(repo, &digest, media_type, bytes)?;
        let descriptor = Descriptor {
            media_type: media_type.to_string(),
            digest,
            size: bytes.len() as u64,
            platform: None,
            annotations,
            artifact_type: artifact_type.map(str::to_string),
            urls: Vec::new(),
        };
        if !subject_seen {
            let mut index = self
                .fallback_referrers(repo, subject)?
                .unwrap_or_else(empty_index);
            if !index
                .manifests
                .iter()
                .any(|d| d.digest == descriptor.digest)
            {
                index.manifests.push(descriptor.clone());
                let bytes = serde_json::to_vec(&index)
                    .map_err(|e| Error::malformed("referrers index", e.to_string()))?;
                self.push_manifest(repo, &fallback_tag(subject), MEDIA_OCI_INDEX, &bytes)?;
            }
        }
        Ok(descriptor)
    }

    /// Sends an upload request without content.
    fn execute_bodyless(
        &self,
        method: Method,
        url: &str,
        repo: &Repository,
    ) -> Result<Response<ureq::Body>> {
        let length = [("Content-Length", "0".to_string())];
        self.execute(method, url, repo, Access::Push, &length, Body::Empty)
    }

    /// Sends a request, answering one authentication challenge.
    fn execute(
        &self,
        method: Method,
        url: &str,
        repo: &Repository,
        access: Access,
        headers: &[(&str, String)],
        body: Body<'_>,
    ) -> Result<Response<ureq::Body>> {
        let mut challenged = false;
        loop {
            let mut builder = ureq::http::Request::builder()
                .method(method.clone())
                .uri(url);
            for (k, v) in headers {
                builder = builder.header(*k, v);
            }
            if let Some(auth) = self.authorization(repo, access)? {
                builder = builder.header("Authorization", auth);
            }
            let net = |e: ureq::Error| Error::Registry {
                what: url.to_string(),
                message: e.to_string(),
            };
            let bad = |e: ureq::http::Error| Error::Usage(format!("{url}: {e}"));
            let resp = match &body {
                Body::Empty => self.agent.run(builder.body(()).map_err(bad)?),
                Body::Bytes(b) => self.agent.run(builder.body(*b).map_err(bad)?),
                Body::Stream(open) => {
                    let reader = open().map_err(|e| Error::io(url, e))?;
                    self.agent.run(
                        builder
                            .body(ureq::SendBody::from_owned_reader(reader))
                            .map_err(bad)?,
                    )
                }
            }
            .map_err(net)?;
            if resp.status().as_u16() == 401 && !challenged {
                challenged = true;
                let challenge = header(&resp, "www-authenticate").unwrap_or_default();
                self.answer_challenge(repo, access, &challenge, url)?;
                continue;
            }
            return Ok(resp);
        }
    }

    fn credentials(&self, registry: &str) -> Result<Option<Credentials>> {
        if let Some(c) = &self.options.credentials {
            return Ok(Some(c.clone()));
        }
        if let Ok(state) = self.auth.lock()
            && let Some(c) = state.credentials.get(registry)
        {
            return Ok(c.clone());
        }
        let found = match self
            .options
            .docker_config
            .clone()
            .or_else(default_docker_config)
        {
            Some(path) => docker_config_credentials(&path, registry)?,
            None => None,
        };
        if let Ok(mut state) = self.auth.lock() {
            state
                .credentials
                .insert(registry.to_string(), found.clone());
        }
        Ok(found)
    }

    /// The `Authorization` header known for this repository and access, if any.
    fn authorization(&self, repo: &Repository, access: Access) -> Result<Option<String>> {
        let (token, basic) = match self.auth.lock() {
            Ok(state) => (
                state
                    .tokens
                    .get(&(repo.registry.clone(), access.scope(repo)))
                    .cloned(),
                state.basic.contains(&repo.registry),
            ),
            Err(_) => (None, false),
        };
        if let Some(t) = token {
            return Ok(Some(format!("Bearer {t}")));
        }
        if basic
            && let Some(Credentials::Basic { username, password }) =
                self.credentials(&repo.registry)?
        {
            return Ok(Some(basic_header(&username, &password)));
        }
        Ok(None)
    }

    fn answer_challenge(
        &self,
        repo: &Repository,
        access: Access,
        challenge: &str,
        url: &str,
    ) -> Result<()> {
        let (scheme, params) = parse_challenge(challenge);
        let denied = |why: &str| Error::Registry {
            what: url.to_string(),
            message: format!("HTTP 401: authentication required ({why})"),
        };
        match scheme.to_ascii_lowercase().as_str() {
            "basic" => {
                if self.credentials(&repo.registry)?.is_none() {
                    return Err(denied(
                        "no credentials for this registry in the Docker config; run `docker login`",
                    ));
                }
                if let Ok(mut state) = self.auth.lock()
                    && !state.basic.insert(repo.registry.clone())
                {
                    return Err(denied("the registry refused the credentials"));
                }
                Ok(())
            }
            "bearer" => {
                let realm = params
                    .get("realm")
                    .ok_or_else(|| denied("the challenge names no token realm"))?;
                let scope = params
                    .get("scope")
                    .cloned()
                    .unwrap_or_else(|| access.scope(repo));
                let token = self.fetch_token(
                    realm,
                    params.get("service").map(String::as_str),
                    &scope,
                    &repo.registry,
                )?;
                if let Ok(mut state) = self.auth.lock() {
                    state
                        .tokens
                        .insert((repo.registry.clone(), access.scope(repo)), token);
                }
                Ok(())
            }
            _ => Err(denied(&format!("unsupported challenge `{challenge}`"))),
        }
    }

    fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        registry: &str,
    ) -> Result<String> {
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            #[serde(default)]
            token: Option<String>,
            #[serde(default)]
            access_token: Option<String>,
        }
        let credentials = self.credentials(registry)?;
        let err = |m: String| Error::Registry {
            what: realm.to_string(),
            message: m,
        };
        let resp = match &credentials {
            Some(Credentials::IdentityToken(refresh)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("client_id", "bulwark"),
                    ("scope", scope),
                ];
                if let Some(s) = service {
                    form.push(("service", s));
                }
                self.agent.post(realm).send_form(form)
            }
            _ => {
                // Several scopes are separated by spaces; each is its own parameter.
                let mut url = realm.to_string();
                for one in scope.split_whitespace() {
                    url = with_query(&url, "scope", one);
                }
                if let Some(s) = service {
                    url = with_query(&url, "service", s);
                }
                let mut req = self.agent.get(&url);
                if let Some(Credentials::Basic { username, password }) = &credentials {
                    req = req.header("Authorization", basic_header(username, password));
                }
                req.call()
            }
        }
        .map_err(|e| err(e.to_string()))?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(err(format!(
                "HTTP {status}: the token server refused {}",
                if credentials.is_some() {
                    "the credentials"
                } else {
                    "anonymous access; run `docker login`"
                }
            )));
        }
        let bytes = read_body(resp, 1 << 20, realm)?;
        let answer: TokenAnswer = serde_json::from_slice(&bytes)
            .map_err(|e| err(format!("expected {{\"token\"}} from the token server: {e}")))?;
        answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| err("the token server answered no token".into()))
    }
}

fn basic_header(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
    )
}

fn empty_index() -> Index {
    Index {
        schema_version: 2,
        media_type: Some(MEDIA_OCI_INDEX.to_string()),
        artifact_type: None,
        manifests: Vec::new(),
        annotations: Default::default(),
    }
}

/// The tag-schema fallback of the referrers API: `sha256:abc…` → `sha256-abc…`.
pub fn fallback_tag(digest: &str) -> String {
    digest.replacen(':', "-", 1).chars().take(128).collect()
}

fn with_query(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{key}={}", percent_encode(value))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn header(resp: &Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `<url>; rel="next"` of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// `Bearer realm="…",service="…"` → (`Bearer`, {realm, service}).
fn parse_challenge(s: &str) -> (String, HashMap<String, String>) {
    let s = s.trim();
    let (scheme, rest) = s.split_once(' ').unwrap_or((s, ""));
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek() {
                if *c == ',' {
                    break;
                }
                value.push(*c);
                chars.next();
            }
        }
        params.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    (scheme.to_string(), params)
}

/// The answer if its status is one of `ok`, else an error with the registry's message.
fn expect_status(
    resp: Response<ureq::Body>,
    url: &str,
    ok: &[u16],
) -> Result<Response<ureq::Body>> {
    let status = resp.status().as_u16();
    if ok.contains(&status) {
        return Ok(resp);
    }
    let body = read_body(resp, 64 << 10, url).unwrap_or_default();
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<RegistryError>,
    }
    #[derive(serde::Deserialize)]
    struct RegistryError {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    let detail = serde_json::from_slice::<Errors>(&body)
        .ok()
        .map(|e| {
            e.errors
                .iter()
                .map(|e| format!("{}: {}", e.code, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&body)
                .trim()
                .chars()
                .take(200)
                .collect()
        });
    Err(Error::Registry {
        what: url.to_string(),
        message: if detail.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {detail}")
        },
    })
}

fn read_body(resp: Response<ureq::Body>, max: u64, url: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    resp.into_body()
        .into_reader()
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(url, e))?;
    if out.len() as u64 > max {
        return Err(Error::limit(url, format!("answer larger than {max} bytes")));
    }
    Ok(out)
}

/// The media type of a manifest served without a useful `Content-Type`.
fn sniff_media_type(bytes: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    if let Some(m) = v.get("mediaType").and_then(|m| m.as_str()) {
        return m.to_string();
    }
    if v.get("manifests").is_some() {
        MEDIA_OCI_INDEX.to_string()
    } else if v.get("config").is_some() {
        MEDIA_OCI_MANIFEST.to_string()
    } else {
        String::new()
    }
}

/// Whether a media type is one of the manifest kinds this crate reads.
pub fn is_manifest_media_type(m: &str) -> bool {
    [
        MEDIA_OCI_INDEX,
        MEDIA_OCI_MANIFEST,
        MEDIA_DOCKER_LIST,
        MEDIA_DOCKER_MANIFEST,
    ]
    .contains(&m)
}

fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Hashes a blob as it is read and fails at the end when digest or size differ.
struct VerifiedReader<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
    size: u64,
    digest: String,
    url: String,
}

impl<R: Read> Read for VerifiedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.size {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: more than the {} bytes announced", self.url, self.size),
            ));
        }
        self.hasher.update(&buf[..n]);
        if n == 0 && !buf.is_empty() {
            if self.read != self.size {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "{}: {} bytes received, {} announced",
                        self.url, self.read, self.size
                    ),
                ));
            }
            let actual = format!(
                "sha256:{}",
                hex(&std::mem::take(&mut self.hasher).finalize())
            );
            if actual != self.digest {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: digest mismatch: expected {}, got {actual}",
                        self.url, self.digest
                    ),
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_challenges() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push""#,
        );
        assert_eq!(s, "Bearer");
        assert_eq!(
            p.get("realm").map(String::as_str),
            Some("https://auth.docker.io/token")
        );
        assert_eq!(
            p.get("scope").map(String::as_str),
            Some("repository:library/nginx:pull,push")
        );
        let (s, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(
            (s.as_str(), p.get("realm").map(String::as_str)),
            ("Basic", Some("Registry Realm"))
        );
    }

    #[test]
    fn link_and_tag_helpers() {
        assert_eq!(
            next_link(r#"</v2/x/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?last=b&n=2")
        );
        assert_eq!(fallback_tag("sha256:abc"), "sha256-abc");
        assert_eq!(
            with_query("http://h/p?a=1", "scope", "repository:x:pull"),
            "http://h/p?a=1&scope=repository%3Ax%3Apull"
        );
    }
}
