//! The registry client against a real registry (Debian's `docker-registry`, distribution 2.8)
//! started on 127.0.0.1 for each test: the fixture images pushed with our own push code and
//! pulled back with the same digests, tags, referrers (tag-schema fallback), multi-platform
//! indexes, digest verification, Basic (htpasswd) and bearer-token authentication; and the
//! OCI 1.1 referrers API (which distribution 2.8 lacks) against a stand-in that has it.
//!
//! Without the registry binary the tests skip, except under `CI`, where they fail.

#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bulwark_oci::{
    Credentials, EntryKind, Error, Image, ImageSource, OpenOptions, Platform, Reference,
    RegistryClient, RegistryOptions, push_image,
};
use bulwark_test::registry::LocalRegistry;

/// The shared test registry (bulwark-test), with a reference helper.
trait RegistryExt {
    fn reference(&self, repo_tag: &str) -> Reference;
}

impl RegistryExt for LocalRegistry {
    fn reference(&self, repo_tag: &str) -> Reference {
        Reference::parse(&format!("{}/{repo_tag}", self.host())).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn anonymous() -> RegistryClient {
    RegistryClient::new(RegistryOptions {
        docker_config: Some(PathBuf::from("/nonexistent/bulwark/config.json")),
        ..RegistryOptions::default()
    })
}

/// A one-layer image holding the file `f`.
fn one_file_image(content: &[u8]) -> (tempfile::TempDir, Image) {
    let files = support::tar(&[support::Item::File("f", content)]);
    let layout = support::layout(&[support::Layer::gzip(files)]);
    let image = Image::open_oci_dir(layout.path(), None, &OpenOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    (layout, image)
}

/// The message of a push that must fail.
fn push_error(client: &RegistryClient, image: &Image, target: &Reference) -> String {
    push_image(client, image, target, None)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

fn images() -> Option<PathBuf> {
    bulwark_test::shared_path("images")
}

fn open_local(target: &str) -> Image {
    ImageSource::parse(target)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{target}"))
        .open(&OpenOptions::default())
        .unwrap_or_else(|e| panic!("{target}: {e}"))
}

type TreeView = BTreeMap<String, (EntryKind, u32, u64, Option<String>)>;

fn tree(image: &Image) -> TreeView {
    image
        .fs()
        .entries()
        .iter()
        .map(|e| {
            (
                e.path.clone(),
                (e.kind, e.mode, e.size, e.link_target.clone()),
            )
        })
        .collect()
}

fn same_image(local: &Image, pulled: &Image) {
    assert_eq!(pulled.config_digest, local.config_digest);
    assert_eq!(pulled.config_bytes, local.config_bytes);
    let diff_ids = |i: &Image| {
        i.layers()
            .iter()
            .map(|l| l.diff_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(diff_ids(pulled), diff_ids(local));
    assert_eq!(tree(pulled), tree(local));
}

#[test]
fn pushes_fixture_images_and_pulls_them_back() {
    let Some(dir) = images() else { return };
    let Some(registry) = LocalRegistry::start("") else {
        return;
    };
    let client = anonymous();
    for (file, repo, chunk) in [
        ("tiny-static.oci.tar", "bulwark/tiny:1", None),
        (
            "debian-polyglot.oci.tar",
            "bulwark/polyglot:1",
            Some(4 << 20),
        ),
    ] {
        let local = open_local(&format!("oci-archive:{}", dir.join(file).display()));
        let target = registry.reference(repo);
        let digest =
            push_image(&client, &local, &target, chunk).unwrap_or_else(|e| panic!("{file}: {e}"));
        // The manifest was pushed as stored: same digest.
        assert_eq!(Some(&digest), local.manifest_digest.as_ref(), "{file}");
        let pulled = Image::open_registry(&client, &target, &OpenOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(pulled.manifest_digest, local.manifest_digest);
        same_image(&local, &pulled);
        let digests = |i: &Image| {
            i.layers()
                .iter()
                .map(|l| l.digest.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(digests(&pulled), digests(&local));
        // By digest too, and through the target syntax the CLI uses.
        let by_digest = ImageSource::parse(&format!("{}@{digest}", target.repository))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("reference"))
            .open(&OpenOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(by_digest.manifest_digest.as_deref(), Some(digest.as_str()));
    }
    // A docker archive gets a new OCI manifest over its uncompressed layers.
    let local = open_local(&format!(
        "docker-archive:{}",
        dir.join("tiny-static.docker.tar").display()
    ));
    let target = registry.reference("bulwark/tiny-docker:1");
    push_image(&client, &local, &target, Some(1 << 20)).unwrap_or_else(|e| panic!("{e}"));
    let pulled = Image::open_registry(&client, &target, &OpenOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    same_image(&local, &pulled);
    assert!(
        pulled
            .layers()
            .iter()
            .all(|l| l.compression == bulwark_oci::Compression::None)
    );
}

#[test]
fn tags_referrers_and_missing_manifests() {
    let Some(registry) = LocalRegistry::start("") else {
        return;
    };
    let client = anonymous();
    let (_layout, local) = one_file_image(b"1");
    let digest = push_image(&client, &local, &registry.reference("app/web:1.0"), None)
        .unwrap_or_else(|e| panic!("{e}"));
    push_image(&client, &local, &registry.reference("app/web:latest"), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let repo = registry.reference("app/web").repository;
    let mut tags = client.list_tags(&repo).unwrap_or_else(|e| panic!("{e}"));
    tags.sort();
    assert_eq!(tags, vec!["1.0", "latest"]);

    // A signature-like artifact referring to the image (distribution 2.8 has no referrers
    // API: the sha256-<hex> tag index is used).
    let empty = client
        .push_blob_bytes(&repo, "application/vnd.oci.empty.v1+json", b"{}")
        .unwrap_or_else(|e| panic!("{e}"));
    let payload = client
        .push_blob_bytes(
            &repo,
            "application/vnd.dev.cosign.simplesigning.v1+json",
            b"{\"critical\":{}}",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let sig_type = "application/vnd.dev.cosign.artifact.sig.v1+json";
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": sig_type,
        "config": empty,
        "layers": [payload],
        "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": local.manifest_bytes.as_ref().map_or(0, Vec::len)},
    });
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    let push_signature = || {
        client
            .push_referrer(
                &repo,
                "application/vnd.oci.image.manifest.v1+json",
                &bytes,
                Some(sig_type),
                &digest,
                BTreeMap::new(),
            )
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let pushed = push_signature();
    let found = client
        .referrers(&repo, &digest, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        found
            .manifests
            .iter()
            .map(|d| d.digest.clone())
            .collect::<Vec<_>>(),
        vec![pushed.digest.clone()]
    );
    let filtered = client
        .referrers(&repo, &digest, Some("application/other"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(filtered.manifests.is_empty());
    // pushing it again does not duplicate the entry
    push_signature();
    assert_eq!(
        client
            .referrers(&repo, &digest, Some(sig_type))
            .map(|i| i.manifests.len())
            .ok(),
        Some(1)
    );
    let sig = client
        .get_manifest(&registry.reference(&format!("app/web@{}", pushed.digest)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sig.bytes, bytes);

    // No referrers for another digest; a missing tag is an error naming it.
    let none = client
        .referrers(&repo, &format!("sha256:{}", "0".repeat(64)), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(none.manifests.is_empty());
    let missing = client
        .get_manifest(&registry.reference("app/web:nope"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        missing.contains("HTTP 404") && missing.contains("manifests/nope"),
        "{missing}"
    );
    assert!(
        client
            .head_manifest(&registry.reference("app/web:1.0"))
            .ok()
            .flatten()
            .is_some_and(|d| d.digest == digest)
    );
}

#[test]
fn multi_platform_index_is_resolved_by_platform() {
    let Some(registry) = LocalRegistry::start("") else {
        return;
    };
    let client = anonymous();
    let repo = registry.reference("multi/app").repository;
    let mut descriptors = Vec::new();
    for arch in ["amd64", "arm64"] {
        let layout = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = support::tar(&[support::Item::File("arch", arch.as_bytes())]);
        let d = support::put_image(layout.path(), "linux", arch, &[support::Layer::gzip(files)]);
        support::put_index(layout.path(), vec![d]);
        let local = Image::open_oci_dir(layout.path(), None, &OpenOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        // Push by digest (no tag), then list it in an index.
        let target = registry.reference(&format!(
            "multi/app@{}",
            local.manifest_digest.clone().unwrap_or_default()
        ));
        let d =
            push_image(&client, &local, &target, None).unwrap_or_else(|e| panic!("{arch}: {e}"));
        let size = local.manifest_bytes.as_ref().map_or(0, Vec::len);
        descriptors.push(serde_json::json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": size, "platform": {"os": "linux", "architecture": arch}}));
    }
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors});
    let bytes = serde_json::to_vec(&index).unwrap_or_default();
    client
        .push_manifest(
            &repo,
            "v1",
            "application/vnd.oci.image.index.v1+json",
            &bytes,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    for arch in ["amd64", "arm64"] {
        let options = OpenOptions {
            platform: Platform::parse(&format!("linux/{arch}")).ok(),
            ..OpenOptions::default()
        };
        let image = Image::open_registry(&client, &registry.reference("multi/app:v1"), &options)
            .unwrap_or_else(|e| panic!("{e}"));
        let content = image.fs().read_path("arch", 100).ok().flatten();
        assert_eq!(content.as_deref(), Some(arch.as_bytes()));
        assert!(
            image
                .index_digest
                .as_deref()
                .is_some_and(|d| d.starts_with("sha256:"))
        );
    }
    let options = OpenOptions {
        platform: Platform::parse("linux/ppc64le").ok(),
        ..OpenOptions::default()
    };
    let err = Image::open_registry(&client, &registry.reference("multi/app:v1"), &options)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("linux/amd64, linux/arm64"), "{err}");
}

#[test]
fn tampered_blobs_fail_verification() {
    let Some(registry) = LocalRegistry::start("") else {
        return;
    };
    let client = anonymous();
    let (_layout, local) = one_file_image(&[9u8; 10_000]);
    let target = registry.reference("tamper/me:1");
    push_image(&client, &local, &target, None).unwrap_or_else(|e| panic!("{e}"));
    let data = registry.blob_path(&local.layers()[0].digest);
    let mut bytes = fs_err::read(&data).unwrap_or_else(|e| panic!("{e}"));
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    fs_err::write(&data, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let err = Image::open_registry(&client, &target, &OpenOptions::default()).err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("mismatch") || msg.contains("corrupt") || msg.contains("invalid"),
        "{msg}"
    );
}

fn docker_config(dir: &Path, registry: &str, user: &str, password: &str) -> PathBuf {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let path = dir.join("docker-config.json");
    let text = serde_json::json!({"auths": {registry: {"auth": auth}}});
    fs_err::write(&path, serde_json::to_vec(&text).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
fn basic_auth_with_docker_config_credentials() {
    let htpasswd_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hash = bcrypt::hash_with_result("s3cret", 4)
        .map(|h| h.format_for_version(bcrypt::Version::TwoY))
        .unwrap_or_else(|e| panic!("{e}"));
    let htpasswd = htpasswd_dir.path().join("htpasswd");
    fs_err::write(&htpasswd, format!("alice:{hash}\n")).unwrap_or_else(|e| panic!("{e}"));
    let auth = format!(
        "auth:\n  htpasswd:\n    realm: bulwark\n    path: {}\n",
        htpasswd.display()
    );
    let Some(registry) = LocalRegistry::start(&auth) else {
        return;
    };
    let (_layout, local) = one_file_image(b"secret");
    let target = registry.reference("private/app:1");

    let err = push_error(&anonymous(), &local, &target);
    assert!(err.contains("401") && err.contains("docker login"), "{err}");

    let host = format!("127.0.0.1:{}", registry.port());
    let wrong = RegistryClient::new(RegistryOptions {
        docker_config: Some(docker_config(htpasswd_dir.path(), &host, "alice", "wrong")),
        ..RegistryOptions::default()
    });
    assert!(matches!(
        push_image(&wrong, &local, &target, None),
        Err(Error::Registry { .. })
    ));

    let client = RegistryClient::new(RegistryOptions {
        docker_config: Some(docker_config(htpasswd_dir.path(), &host, "alice", "s3cret")),
        ..RegistryOptions::default()
    });
    push_image(&client, &local, &target, None).unwrap_or_else(|e| panic!("{e}"));
    let pulled = Image::open_registry(&client, &target, &OpenOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    same_image(&local, &pulled);
}

/// A token server: answers `GET /token` with a token when the Basic credentials are
/// alice/s3cret, else 401; records the query strings it saw.
struct TokenServer {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl TokenServer {
    fn start() -> TokenServer {
        let (port, seen) = serve_loopback(answer_token_request);
        TokenServer { port, seen }
    }
}

fn answer_token_request(mut stream: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    use base64::Engine as _;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorized = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line
            .strip_prefix("Authorization: Basic ")
            .or_else(|| line.strip_prefix("authorization: Basic "))
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .unwrap_or_default();
            authorized = decoded == b"alice:s3cret";
        }
    }
    let query = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    if let Ok(mut l) = log.lock() {
        l.push(query);
    }
    let (status, body) = if authorized {
        ("200 OK", r#"{"token":"t0k3n","expires_in":300}"#)
    } else {
        ("401 Unauthorized", r#"{"details":"bad credentials"}"#)
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut rest = Vec::new();
    let _ = reader.take(0).read_to_end(&mut rest);
    Ok(())
}

#[test]
fn bearer_token_flow_with_a_token_server() {
    let tokens = TokenServer::start();
    // distribution's `silly` access controller challenges with Bearer and accepts any
    // Authorization header: the token server is the one checking credentials here.
    let auth = format!(
        "auth:\n  silly:\n    realm: http://127.0.0.1:{}/token\n    service: bulwark-test\n",
        tokens.port
    );
    let Some(registry) = LocalRegistry::start(&auth) else {
        return;
    };
    let (_layout, local) = one_file_image(b"tok");
    let target = registry.reference("team/app:1");

    let err = push_error(&anonymous(), &local, &target);
    assert!(
        err.contains("token server refused anonymous access"),
        "{err}"
    );

    let client = RegistryClient::new(RegistryOptions {
        credentials: Some(Credentials::Basic {
            username: "alice".into(),
            password: "s3cret".into(),
        }),
        ..RegistryOptions::default()
    });
    push_image(&client, &local, &target, None).unwrap_or_else(|e| panic!("{e}"));
    let pulled = Image::open_registry(&client, &target, &OpenOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    same_image(&local, &pulled);
    let seen = tokens.seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(
        seen.iter()
            .all(|q| q.starts_with("/token?") && q.contains("service=bulwark-test")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|q| q.contains("scope=repository%3Ateam%2Fapp%3Apush")),
        "{seen:?}"
    );
    // Tokens are cached: a handful of token requests for a whole push and pull.
    assert!(seen.len() <= 6, "{} token requests: {seen:?}", seen.len());
}

/// One request as an OCI 1.1 registry stand-in saw it.
#[derive(Debug, Clone)]
struct SeenRequest {
    method: String,
    path: String,
    accept: String,
}

/// A registry with the OCI 1.1 referrers API (distribution 2.8 has none): answers
/// `GET /v2/app/referrers/<digest>` with an index of two referrers of different artifact types
/// (unfiltered, as registries may), and manifest uploads with the `OCI-Subject` header.
fn referrers_registry(index: String) -> (u16, Arc<Mutex<Vec<SeenRequest>>>) {
    serve_loopback(move |stream, log| answer_referrers_request(stream, &index, log))
}

/// Serves connections on a free loopback port with `answer` (in a thread), which logs what it
/// saw; returns the port and the log.
fn serve_loopback<T: Send + 'static>(
    answer: impl Fn(TcpStream, &Mutex<Vec<T>>) -> std::io::Result<()> + Send + 'static,
) -> (u16, Arc<Mutex<Vec<T>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &log);
        }
    });
    (port, seen)
}

fn answer_referrers_request(
    mut stream: TcpStream,
    index: &str,
    log: &Mutex<Vec<SeenRequest>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut accept = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("accept:") {
            accept = v.trim().to_owned();
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    if let Ok(mut l) = log.lock() {
        l.push(SeenRequest {
            method: method.clone(),
            path: path.clone(),
            accept,
        });
    }
    let digest = format!("sha256:{}", hex_sha256(&body));
    let (status, headers, body) = match (method.as_str(), path.as_str()) {
        ("GET", "/v2/") => ("200 OK", String::new(), "{}".to_owned()),
        ("GET", p) if p.starts_with("/v2/app/referrers/") => (
            "200 OK",
            "Content-Type: application/vnd.oci.image.index.v1+json\r\n".to_owned(),
            index.to_owned(),
        ),
        ("PUT", p) if p.starts_with("/v2/app/manifests/") => (
            "201 Created",
            format!(
                "Docker-Content-Digest: {digest}\r\nOCI-Subject: sha256:{}\r\n",
                "1".repeat(64)
            ),
            String::new(),
        ),
        _ => (
            "404 Not Found",
            String::new(),
            r#"{"errors":[]}"#.to_owned(),
        ),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn referrers_api_is_used_when_the_registry_has_it() {
    let subject = format!("sha256:{}", "1".repeat(64));
    let bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": format!("sha256:{}", "a".repeat(64)), "size": 10, "artifactType": bundle},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": format!("sha256:{}", "b".repeat(64)), "size": 10,
             "artifactType": "application/spdx+json"},
        ]
    })
    .to_string();
    let (port, seen) = referrers_registry(index);
    let client = anonymous();
    let repo = Reference::parse(&format!("127.0.0.1:{port}/app:1"))
        .unwrap_or_else(|e| panic!("{e}"))
        .repository;
    let found = client
        .referrers(&repo, &subject, Some(bundle))
        .unwrap_or_else(|e| panic!("{e}"));
    // Filtered to the artifact type even though the registry did not filter.
    assert_eq!(found.manifests.len(), 1);
    assert_eq!(
        found.manifests[0].digest,
        format!("sha256:{}", "a".repeat(64))
    );
    let all = client
        .referrers(&repo, &subject, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.manifests.len(), 2);

    // A manifest with a subject, accepted with `OCI-Subject`: no fallback tag is written.
    let manifest =
        serde_json::json!({"schemaVersion": 2, "subject": {"digest": subject}}).to_string();
    client
        .push_referrer(
            &repo,
            "application/vnd.oci.image.manifest.v1+json",
            manifest.as_bytes(),
            Some(bundle),
            &subject,
            BTreeMap::new(),
        )
        .unwrap_or_else(|e| panic!("{e}"));

    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let api: Vec<&SeenRequest> = seen
        .iter()
        .filter(|r| r.path.contains("/referrers/"))
        .collect();
    assert_eq!(api.len(), 2, "{seen:?}");
    assert_eq!(
        api[0].path,
        format!(
            "/v2/app/referrers/{subject}?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson"
        )
    );
    assert!(
        api[0]
            .accept
            .contains("application/vnd.oci.image.index.v1+json"),
        "{seen:?}"
    );
    let fallback = format!("sha256-{}", "1".repeat(64));
    assert!(
        !seen.iter().any(|r| r.path.contains(&fallback)),
        "the tag-schema fallback was used against a registry with the referrers API: {seen:?}"
    );
    let puts: Vec<&SeenRequest> = seen.iter().filter(|r| r.method == "PUT").collect();
    assert_eq!(puts.len(), 1, "{seen:?}");
}
