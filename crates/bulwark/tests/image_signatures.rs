//! `bulwark sign IMAGE` / `bulwark verify IMAGE --key` / `bulwark scan IMAGE
//! --require-signature` against a real registry (Debian's `docker-registry` on 127.0.0.1,
//! started and stopped by each test): the fixture images of ../shared/images pushed with
//! bulwark-oci, signed with a passphrase-protected key written by `bulwark
//! generate-key-pair`, in both storage forms (signature tag, sigstore bundle referrer).
//!
//! Without the registry binary the tests skip, except under `CI`, where they fail.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use bulwark_oci::{Image, OpenOptions, Reference, RegistryClient, RegistryOptions, push_image};
use bulwark_sign::cosign::{SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, signature_tag};
use bulwark_test::registry::LocalRegistry;
use common::bulwark;

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn client() -> RegistryClient {
    RegistryClient::new(RegistryOptions {
        docker_config: Some(PathBuf::from("/nonexistent/bulwark/config.json")),
        ..RegistryOptions::default()
    })
}

/// Pushes a fixture image file to `reference`; returns the manifest digest.
fn push(file: &str, reference: &str) -> String {
    let images = bulwark_test::shared_path("images").unwrap();
    let path = images.join(file);
    let opts = OpenOptions::default();
    let image = if file.contains(".oci.") {
        Image::open_oci_archive(&path, None, &opts)
    } else {
        Image::open_docker_archive(&path, None, &opts)
    }
    .unwrap();
    push_image(
        &client(),
        &image,
        &Reference::parse(reference).unwrap(),
        None,
    )
    .unwrap()
}

/// A key pair in `dir` (`NAME.key` encrypted with `NAME` as its password, `NAME.pub`).
fn key_pair(dir: &Path, name: &str) -> (String, String, String) {
    let prefix = dir.join(name);
    let pw = dir.join(format!("{name}.pw"));
    std::fs::write(&pw, format!("{name}-password\n")).unwrap();
    let out = bulwark(&[
        "generate-key-pair",
        "--output-key-prefix",
        prefix.to_str().unwrap(),
        "--passphrase-file",
        pw.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let s = |ext: &str| format!("{}.{ext}", prefix.display());
    (s("key"), s("pub"), pw.display().to_string())
}

fn sign(image: &str, key: &(String, String, String), extra: &[&str]) -> Output {
    let mut args = vec!["sign", image, "--key", &key.0, "--passphrase-file", &key.2];
    args.extend_from_slice(extra);
    bulwark(&args)
}

fn verify(image: &str, public: &str) -> Output {
    bulwark(&["verify", image, "--key", public])
}

/// Starts a registry, or `None` to skip (outside CI, without the binary or shared images).
fn setup() -> Option<(LocalRegistry, tempfile::TempDir)> {
    bulwark_test::shared_path("images")?;
    let registry = LocalRegistry::start("")?;
    Some((registry, tempfile::tempdir().unwrap()))
}

#[test]
fn sign_then_verify_round_trip_and_other_key_fails() {
    let Some((registry, dir)) = setup() else {
        return;
    };
    let image = format!("{}/app:1", registry.host());
    let digest = push("tiny-static.oci.tar", &image);
    let ours = key_pair(dir.path(), "ours");
    let theirs = key_pair(dir.path(), "theirs");

    let out = sign(&image, &ours, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains(&signature_tag(&digest)),
        "{}",
        text(&out)
    );

    let out = verify(&image, &ours.1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains(&format!(
            "signature tag: {digest} signed for {}/app",
            registry.host()
        )),
        "{shown}"
    );

    // The signature is stored as cosign stores it: one simple-signing layer with the
    // signature annotation, at the `sha256-<hex>.sig` tag.
    let sig_ref = Reference::parse(&format!(
        "{}/app:{}",
        registry.host(),
        signature_tag(&digest)
    ))
    .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&client().get_manifest(&sig_ref).unwrap().bytes).unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1, "{manifest}");
    assert_eq!(layers[0]["mediaType"], SIMPLE_SIGNING_MEDIA_TYPE);
    assert!(layers[0]["annotations"][SIGNATURE_ANNOTATION].is_string());

    // Signing again with the same key adds nothing (ECDSA here is deterministic, RFC 6979).
    let out = sign(&image, &ours, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let again: serde_json::Value =
        serde_json::from_slice(&client().get_manifest(&sig_ref).unwrap().bytes).unwrap();
    assert_eq!(again["layers"].as_array().unwrap().len(), 1, "{again}");

    // Another key's public key does not verify our signature.
    let out = verify(&image, &theirs.1);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(
            "layer 1 (signature tag): the signature does not verify with the given public key"
        ),
        "{}",
        text(&out)
    );

    // A second signer's signature is added beside ours; both keys verify then.
    let out = sign(&image, &theirs, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for public in [&ours.1, &theirs.1] {
        let out = verify(&image, public);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }

    // A wrong password is a usage error naming the key file, not a crash.
    let bad_pw = dir.path().join("bad.pw");
    std::fs::write(&bad_pw, "nope\n").unwrap();
    let out = bulwark(&[
        "sign",
        &image,
        "--key",
        &ours.0,
        "--passphrase-file",
        bad_pw.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("wrong password"), "{}", text(&out));
}

#[test]
fn a_repushed_tag_and_a_copied_signature_fail() {
    let Some((registry, dir)) = setup() else {
        return;
    };
    let image = format!("{}/app:1", registry.host());
    let first = push("tiny-static.oci.tar", &image);
    let key = key_pair(dir.path(), "k");
    assert_eq!(sign(&image, &key, &[]).status.code(), Some(0));
    assert_eq!(verify(&image, &key.1).status.code(), Some(0));

    // Someone pushes other content under the same tag: it carries no signature.
    let second = push("tiny-static.docker.tar", &image);
    assert_ne!(first, second);
    let out = verify(&image, &key.1);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no signatures found"), "{}", text(&out));

    // ... and copying the old signature manifest to the new digest's tag does not help:
    // the payload names the signed digest.
    let client = client();
    let old_sig = Reference::parse(&format!(
        "{}/app:{}",
        registry.host(),
        signature_tag(&first)
    ))
    .unwrap();
    let fetched = client.get_manifest(&old_sig).unwrap();
    client
        .push_manifest(
            &old_sig.repository,
            &signature_tag(&second),
            &fetched.media_type,
            &fetched.bytes,
        )
        .unwrap();
    let out = verify(&image, &key.1);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("the signature covers image {first}, not {second}")),
        "{}",
        text(&out)
    );

    // The signed image is still verifiable by digest.
    let pinned = format!("{}/app@{first}", registry.host());
    assert_eq!(verify(&pinned, &key.1).status.code(), Some(0));
}

#[test]
fn bundle_signatures_are_found_through_referrers() {
    let Some((registry, dir)) = setup() else {
        return;
    };
    let image = format!("{}/web:2", registry.host());
    let digest = push("tiny-static.docker.tar", &image);
    let key = key_pair(dir.path(), "k");
    let other = key_pair(dir.path(), "other");
    let out = sign(&image, &key, &["--bundle"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("sigstore bundle"), "{}", text(&out));

    // No `.sig` tag: found through the referrers tag-schema fallback (registry 2.8 has no
    // referrers API), as a sigstore bundle referrer.
    let client = client();
    let repo = Reference::parse(&image).unwrap().repository;
    let index = client
        .referrers(
            &repo,
            &digest,
            Some(bulwark_sign::cosign::BUNDLE_MEDIA_TYPE),
        )
        .unwrap();
    assert_eq!(index.manifests.len(), 1);
    let out = verify(&image, &key.1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("sigstore bundle:"), "{}", text(&out));
    let out = verify(&image, &other.1);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("(sigstore bundle): the signature does not verify"),
        "{}",
        text(&out)
    );
}

#[test]
fn scan_require_signature_makes_findings() {
    let Some((registry, dir)) = setup() else {
        return;
    };
    let signed = format!("{}/signed:1", registry.host());
    let unsigned = format!("{}/unsigned:1", registry.host());
    push("tiny-static.oci.tar", &signed);
    push("tiny-static.oci.tar", &unsigned);
    let key = key_pair(dir.path(), "k");
    let other = key_pair(dir.path(), "other");
    assert_eq!(sign(&signed, &key, &[]).status.code(), Some(0));

    let scan = |public: &str| {
        let out = bulwark(&[
            "scan",
            &signed,
            &unsigned,
            "--require-signature",
            "--key",
            public,
            "--format",
            "json",
            "--disable",
            "SUP001",
        ]);
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
        let rules = |target: &str| -> Vec<String> {
            report["targets"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["path"] == target)
                .flat_map(|t| t["findings"].as_array().unwrap().iter())
                .map(|f| f["rule"].as_str().unwrap().to_owned())
                .collect()
        };
        (out.status.code(), rules(&signed), rules(&unsigned))
    };
    let (code, s, u) = scan(&key.1);
    assert_eq!(
        (s.as_slice(), u.as_slice()),
        (&[][..], &["SUP012".to_owned()][..])
    );
    assert_eq!(code, Some(1));
    let (_, s, u) = scan(&other.1);
    assert_eq!(s, ["SUP013"]);
    assert_eq!(u, ["SUP012"]);

    // Without the key the flag is a usage error.
    let out = bulwark(&["scan", &signed, "--require-signature"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn unreachable_registry_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_pair(dir.path(), "k");
    let port = bulwark_test::registry::free_port();
    let out = verify(&format!("127.0.0.1:{port}/app:1"), &key.1);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = bulwark(&["verify", "oci-archive:x.tar", "--key", &key.1]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not in archives"), "{}", text(&out));
    // An image without --key is not taken for a missing chart archive.
    let out = bulwark(&["verify", &format!("127.0.0.1:{port}/app:1")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("needs --key FILE"), "{}", text(&out));
}
