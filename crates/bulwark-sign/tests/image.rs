//! Image signatures over a store (`bulwark_sign::image`): a real cosign signature stored as
//! cosign stores it verifies; every kind of malformed signature manifest, payload or bundle
//! is a rejected signature with its own reason, never a panic; an OCI layout store round-trips
//! both storage forms.

#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bulwark_sign::cosign::{
    BUNDLE_MEDIA_TYPE, CosignPrivateKey, CosignPublicKey, SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE, signature_tag, simple_signing_payload,
};
use bulwark_sign::image::{
    ImageDescriptor, LayoutStore, ReferrerEntry, SignatureForm, SignatureStore, StoreError, sha256,
    sign_with_bundle, sign_with_signature_tag, verify_image,
};
use serde_json::{Value, json};

/// A store in memory: what a registry holds, without the network.
#[derive(Default)]
struct MemoryStore {
    blobs: RefCell<HashMap<String, Vec<u8>>>,
    tags: RefCell<HashMap<String, Vec<u8>>>,
    referrers: RefCell<HashMap<String, Vec<ReferrerEntry>>>,
}

impl SignatureStore for MemoryStore {
    fn tagged_manifest(&self, tag: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tags.borrow().get(tag).cloned())
    }
    fn manifest(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        self.blob(digest, u64::MAX)
    }
    fn blob(&self, digest: &str, _size: u64) -> Result<Vec<u8>, StoreError> {
        self.blobs
            .borrow()
            .get(digest)
            .cloned()
            .ok_or_else(|| StoreError(format!("blob {digest} unknown")))
    }
    fn referrers(&self, digest: &str, t: &str) -> Result<Vec<ReferrerEntry>, StoreError> {
        Ok(self
            .referrers
            .borrow()
            .get(digest)
            .map(|v| {
                v.iter()
                    .filter(|r| r.artifact_type.as_deref() == Some(t))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }
    fn put_blob(&self, _m: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.blobs
            .borrow_mut()
            .insert(sha256(bytes), bytes.to_vec());
        Ok(())
    }
    fn put_tagged_manifest(&self, tag: &str, m: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.put_blob(m, bytes)?;
        self.tags
            .borrow_mut()
            .insert(tag.to_owned(), bytes.to_vec());
        Ok(())
    }
    fn put_referrer(
        &self,
        subject: &str,
        t: &str,
        m: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.put_blob(m, bytes)?;
        self.referrers
            .borrow_mut()
            .entry(subject.to_owned())
            .or_default()
            .push(ReferrerEntry {
                digest: sha256(bytes),
                artifact_type: Some(t.to_owned()),
            });
        Ok(())
    }
}

impl MemoryStore {
    /// Stores `payload` with the signature annotation `sig` as the only layer of the
    /// signature tag of `digest`; `layer` may override fields of the layer descriptor.
    fn signature_layer(&self, digest: &str, payload: &[u8], sig: &str, layer: Value) {
        self.put_blob("", payload).unwrap();
        let mut l = json!({
            "mediaType": SIMPLE_SIGNING_MEDIA_TYPE,
            "size": payload.len(),
            "digest": sha256(payload),
            "annotations": {SIGNATURE_ANNOTATION: sig},
        });
        if let (Some(o), Some(extra)) = (l.as_object_mut(), layer.as_object()) {
            for (k, v) in extra {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        let manifest = json!({"schemaVersion": 2, "layers": [l]});
        self.put_tagged_manifest(&signature_tag(digest), "", manifest.to_string().as_bytes())
            .unwrap();
    }
}

/// Puts one malformed signature into a store.
type Setup<'a> = Box<dyn Fn(&MemoryStore) + 'a>;

const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

fn image() -> ImageDescriptor {
    ImageDescriptor {
        digest: DIGEST.to_owned(),
        media_type: "application/vnd.oci.image.manifest.v1+json".to_owned(),
        size: 123,
    }
}

/// The reasons the signatures of `DIGEST` in `store` were rejected.
fn rejected(store: &MemoryStore, key: &CosignPublicKey) -> Vec<String> {
    let r = verify_image(store, key, DIGEST).unwrap();
    assert!(!r.is_verified(), "{r:?}");
    r.rejected.iter().map(|x| x.reason.clone()).collect()
}

#[test]
fn a_signature_made_by_cosign_verifies_as_stored_by_cosign() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/cosign/keyless-signature.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let s = |k: &str| doc[k].as_str().unwrap().to_owned();
    let (_, pem) = x509_parser::pem::parse_x509_pem(s("certificate").as_bytes()).unwrap();
    let cert = pem.parse_x509().unwrap();
    let key = CosignPublicKey::from_spki_der(cert.public_key().raw).unwrap();
    let store = MemoryStore::default();
    let digest = s("manifest_digest");
    store.signature_layer(&digest, s("payload").as_bytes(), &s("signature"), json!({}));
    // The payload blob is addressed as cosign addressed it.
    assert!(store.blobs.borrow().contains_key(&s("payload_digest")));
    let r = verify_image(&store, &key, &digest).unwrap();
    assert_eq!(r.verified.len(), 1, "{r:?}");
    assert_eq!(r.verified[0].form, SignatureForm::SignatureTag);
    assert_eq!(
        r.verified[0].signed.docker_reference,
        "wabbitnetworks.azurecr.io/test/cosign-image"
    );
    // Another key: rejected, with the reason.
    let other = CosignPrivateKey::generate().public_key();
    let r = verify_image(&store, &other, &digest).unwrap();
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(
        r.rejected[0].reason,
        "the signature does not verify with the given public key"
    );
}

#[test]
fn each_malformed_signature_has_its_own_reason() {
    let key = CosignPrivateKey::generate();
    let public = key.public_key();
    let signed = |payload: &[u8]| B64.encode(key.sign(payload));
    let good = simple_signing_payload("r.example/app", DIGEST);

    let cases: Vec<(&str, Setup<'_>, &str)> = vec![
        (
            "manifest not JSON",
            Box::new(|s: &MemoryStore| {
                s.put_tagged_manifest(&signature_tag(DIGEST), "", b"{nope")
                    .unwrap();
            }),
            "the manifest is not JSON",
        ),
        (
            "no layers",
            Box::new(|s: &MemoryStore| {
                s.put_tagged_manifest(&signature_tag(DIGEST), "", br#"{"schemaVersion":2}"#)
                    .unwrap();
            }),
            "the manifest has no `layers`",
        ),
        (
            "layers not a list",
            Box::new(|s: &MemoryStore| {
                s.put_tagged_manifest(&signature_tag(DIGEST), "", br#"{"layers":{}}"#)
                    .unwrap();
            }),
            "`layers` is not a list",
        ),
        (
            "empty layers",
            Box::new(|s: &MemoryStore| {
                s.put_tagged_manifest(&signature_tag(DIGEST), "", br#"{"layers":[]}"#)
                    .unwrap();
            }),
            "the manifest has no layers",
        ),
        (
            "other media type",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(
                    DIGEST,
                    &good,
                    &signed(&good),
                    json!({"mediaType": "text/plain"}),
                )
            }),
            "media type \"text/plain\", expected application/vnd.dev.cosign.simplesigning.v1+json",
        ),
        (
            "no signature annotation",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(DIGEST, &good, "", json!({"annotations": null}))
            }),
            "no `dev.cosignproject.cosign/signature` annotation",
        ),
        (
            "signature not base64",
            Box::new(|s: &MemoryStore| s.signature_layer(DIGEST, &good, "%%%", json!({}))),
            "the signature does not verify with the given public key",
        ),
        (
            "payload changed after signing",
            Box::new(|s: &MemoryStore| {
                let sig = signed(&good);
                let mut p = good.clone();
                p[5] ^= 1;
                s.signature_layer(DIGEST, &p, &sig, json!({}))
            }),
            "the signature does not verify with the given public key",
        ),
        (
            "signed payload not JSON",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(DIGEST, b"\xff\x00", &signed(b"\xff\x00"), json!({}))
            }),
            "signature payload is malformed: not JSON",
        ),
        (
            "signed payload of another type",
            Box::new(|s: &MemoryStore| {
                let p =
                    br#"{"critical":{"type":"x","image":{"docker-manifest-digest":"sha256:1"}}}"#;
                s.signature_layer(DIGEST, p, &signed(p), json!({}))
            }),
            "`critical.type` is \"x\"",
        ),
        (
            "signed payload without digest",
            Box::new(|s: &MemoryStore| {
                let p =
                    br#"{"critical":{"type":"cosign container image signature","identity":{}}}"#;
                s.signature_layer(DIGEST, p, &signed(p), json!({}))
            }),
            "no `critical.image.docker-manifest-digest`",
        ),
        (
            "huge layer",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(DIGEST, &good, &signed(&good), json!({"size": 1u64 << 40}))
            }),
            "bytes is larger than the 1048576 bytes a signature may have",
        ),
        (
            "layer size missing",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(DIGEST, &good, &signed(&good), json!({"size": null}))
            }),
            "the layer descriptor has no `size`",
        ),
        (
            "bad layer digest",
            Box::new(|s: &MemoryStore| {
                s.signature_layer(DIGEST, &good, &signed(&good), json!({"digest": "md5:00"}))
            }),
            "layer digest \"md5:00\" is not a sha256 digest",
        ),
        (
            "payload blob missing",
            Box::new(|s: &MemoryStore| {
                let d = format!("sha256:{}", "e".repeat(64));
                s.signature_layer(DIGEST, &good, &signed(&good), json!({"digest": d}))
            }),
            "unknown",
        ),
        (
            "bundle not JSON",
            Box::new(|s: &MemoryStore| bundle_referrer(s, b"<xml/>", DIGEST)),
            "sigstore bundle is malformed: not JSON",
        ),
        (
            "bundle signing a blob",
            Box::new(|s: &MemoryStore| {
                let b = json!({"mediaType": BUNDLE_MEDIA_TYPE, "messageSignature": {}}).to_string();
                bundle_referrer(s, b.as_bytes(), DIGEST)
            }),
            "a `messageSignature` bundle signs a blob, not an image",
        ),
        (
            "bundle for another subject",
            Box::new(|s: &MemoryStore| {
                let b =
                    bulwark_sign::cosign::make_bundle(&CosignPrivateKey::generate(), "x", DIGEST);
                bundle_referrer(s, &b, &format!("sha256:{}", "2".repeat(64)))
            }),
            "its `subject` is Some(\"sha256:2222",
        ),
    ];
    for (name, setup, want) in cases {
        let store = MemoryStore::default();
        setup(&store);
        let reasons = rejected(&store, &public);
        assert!(
            reasons.iter().any(|r| r.contains(want)),
            "{name}: expected a reason containing {want:?}, got {reasons:?}"
        );
    }
}

/// A bundle manifest referring to `DIGEST` (listed as its referrer) whose subject is `subject`.
fn bundle_referrer(store: &MemoryStore, bundle: &[u8], subject: &str) {
    store.put_blob("", bundle).unwrap();
    let manifest = json!({
        "schemaVersion": 2,
        "artifactType": BUNDLE_MEDIA_TYPE,
        "layers": [{"mediaType": BUNDLE_MEDIA_TYPE, "size": bundle.len(), "digest": sha256(bundle)}],
        "subject": {"digest": subject},
    })
    .to_string();
    store.put_blob("", manifest.as_bytes()).unwrap();
    store
        .referrers
        .borrow_mut()
        .entry(DIGEST.to_owned())
        .or_default()
        .push(ReferrerEntry {
            digest: sha256(manifest.as_bytes()),
            artifact_type: Some(BUNDLE_MEDIA_TYPE.to_owned()),
        });
}

#[test]
fn garbage_signature_documents_never_panic() {
    let key = CosignPrivateKey::generate();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pieces: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"layers\":",
        b"\"mediaType\":",
        b"\"annotations\":",
        b"\"size\":",
        b"\"digest\":\"sha256:",
        b"null",
        b"1e999",
        b",",
    ];
    for _ in 0..2000 {
        let mut doc = Vec::new();
        for _ in 0..(next() % 24) {
            doc.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let store = MemoryStore::default();
        store
            .put_tagged_manifest(&signature_tag(DIGEST), "", &doc)
            .unwrap();
        bundle_referrer(&store, &doc, DIGEST);
        let r = verify_image(&store, &key.public_key(), DIGEST).unwrap();
        assert!(!r.is_verified());
    }
}

#[test]
fn both_forms_round_trip_through_memory_and_a_layout() {
    let ours = CosignPrivateKey::generate();
    let theirs = CosignPrivateKey::generate();
    let store = MemoryStore::default();
    let tag = sign_with_signature_tag(&store, &ours, "r.example/app", &image()).unwrap();
    assert_eq!(tag, signature_tag(DIGEST));
    sign_with_bundle(&store, &theirs, "r.example/app", &image()).unwrap();
    let r = verify_image(&store, &ours.public_key(), DIGEST).unwrap();
    assert_eq!(
        (r.verified.len(), r.rejected.len()),
        (1, 1),
        "ours verifies, the bundle by another key does not: {r:?}"
    );
    let r = verify_image(&store, &theirs.public_key(), DIGEST).unwrap();
    assert_eq!(r.verified[0].form, SignatureForm::Bundle);

    // An OCI layout: an image, signed in both forms, found again after reopening.
    let dir = tempfile::tempdir().unwrap();
    let manifest = br#"{"schemaVersion":2,"layers":[]}"#;
    let digest = sha256(manifest);
    std::fs::create_dir_all(dir.path().join("blobs/sha256")).unwrap();
    std::fs::write(dir.path().join("blobs/sha256").join(&digest[7..]), manifest).unwrap();
    std::fs::write(
        dir.path().join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("index.json"),
        json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest, "size": manifest.len()}]})
        .to_string(),
    )
    .unwrap();
    let layout = LayoutStore::open(dir.path()).unwrap();
    let img = layout.image(None).unwrap();
    assert_eq!(img.digest, digest);
    sign_with_signature_tag(&layout, &ours, "app", &img).unwrap();
    sign_with_bundle(&layout, &ours, "app", &img).unwrap();
    let reopened = LayoutStore::open(dir.path()).unwrap();
    // Signatures and the referrers index are tags now; the image is still the one unnamed
    // manifest that is no signature.
    assert_eq!(reopened.image(None).unwrap(), img);
    let r = verify_image(&reopened, &ours.public_key(), &digest).unwrap();
    let forms: Vec<SignatureForm> = r.verified.iter().map(|v| v.form).collect();
    assert_eq!(forms, [SignatureForm::SignatureTag, SignatureForm::Bundle]);
    // A blob changed on disk is refused, naming the file.
    let payload = simple_signing_payload("app", &digest);
    std::fs::write(
        dir.path().join("blobs/sha256").join(&sha256(&payload)[7..]),
        b"changed",
    )
    .unwrap();
    let r = verify_image(&reopened, &ours.public_key(), &digest).unwrap();
    assert!(r.rejected[0].reason.contains("content is sha256:"), "{r:?}");
}

#[test]
fn a_bundle_made_by_a_sigstore_client_verifies_and_attestations_are_no_signatures() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cosign/dsse-bundle-v0.3.sigstore.json"),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let der = B64
        .decode(
            doc["verificationMaterial"]["certificate"]["rawBytes"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
    let key = CosignPublicKey::from_spki_der(cert.public_key().raw).unwrap();
    let subject = "sha256:e248a5db4933dba6578200238c91a57f5e65b925b73050ae786933468b7ac101";
    let signed = bulwark_sign::cosign::verify_bundle(&key, text.as_bytes(), subject).unwrap();
    assert_eq!(signed.docker_reference, "a.txt");

    // Attached to an "image" with that digest as cosign v3 attaches bundles, it is found
    // through the referrers store and its signature checks, but it is a SLSA provenance
    // attestation, not an image signature: rejected as such. Another key fails earlier.
    let store = MemoryStore::default();
    store.put_blob("", text.as_bytes()).unwrap();
    let manifest = json!({
        "schemaVersion": 2,
        "artifactType": BUNDLE_MEDIA_TYPE,
        "layers": [{"mediaType": BUNDLE_MEDIA_TYPE, "size": text.len(), "digest": sha256(text.as_bytes())}],
        "subject": {"digest": subject},
    })
    .to_string();
    store
        .put_referrer(subject, BUNDLE_MEDIA_TYPE, "", manifest.as_bytes())
        .unwrap();
    let r = verify_image(&store, &key, subject).unwrap();
    assert!(!r.is_verified(), "{r:?}");
    assert_eq!(
        r.rejected[0].reason,
        "the bundle is an attestation (predicate https://slsa.dev/provenance/v1), not a cosign \
         image signature (predicate https://sigstore.dev/cosign/sign/v1)"
    );
    let other = CosignPrivateKey::generate().public_key();
    let r = verify_image(&store, &other, subject).unwrap();
    assert_eq!(
        r.rejected[0].reason,
        "the signature does not verify with the given public key"
    );
    // The same bundle does not vouch for another digest.
    let elsewhere = format!("sha256:{}", "3".repeat(64));
    assert!(matches!(
        bulwark_sign::cosign::verify_bundle(&key, text.as_bytes(), &elsewhere),
        Err(bulwark_sign::CosignError::DigestMismatch { .. })
    ));
}
