//! Image signatures stored as cosign stores them, over any store of manifests and blobs
//! (a registry, an OCI image layout): the signature tag `sha256-<hex>.sig` whose layers are
//! simple-signing payloads carrying the `dev.cosignproject.cosign/signature` annotation, and
//! sigstore bundles (cosign v3) attached to the image as OCI 1.1 referrers.
//!
//! The store ([`SignatureStore`]) does the transport; this module decides what is written
//! and whether what is read establishes trust. Every document read is bounded and checked;
//! a malformed signature is a rejected signature with its reason, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cosign::{
    BUNDLE_MEDIA_TYPE, CosignPrivateKey, CosignPublicKey, SIGN_PREDICATE_TYPE,
    SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, SignedImage, make_bundle, signature_tag,
    simple_signing_payload, verify_bundle, verify_simple_signing,
};

/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image config media type (cosign's signature manifests use it).
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// The OCI empty descriptor's media type, and its content `{}`.
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Annotation naming a manifest in an OCI layout's `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// Largest signature manifest, payload or bundle read (cosign's are a few KiB).
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 20;
/// Most signature layers / referrers examined for one image.
pub const MAX_SIGNATURES: usize = 256;

/// Why a store operation or an image lookup failed (the store's own message).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct StoreError(pub String);

/// The manifest being signed or verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageDescriptor {
    /// `sha256:<hex>` of the manifest (or index) bytes.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// One manifest that refers to an image (a referrers-API entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferrerEntry {
    /// Digest of the referring manifest.
    pub digest: String,
    /// Its artifact type, when announced.
    pub artifact_type: Option<String>,
}

/// Where signatures are read from and written to.
pub trait SignatureStore {
    /// The manifest stored under `tag`, or `None` when the tag does not exist.
    fn tagged_manifest(&self, tag: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// The manifest with `digest` (checked against it).
    fn manifest(&self, digest: &str) -> Result<Vec<u8>, StoreError>;
    /// The blob `digest` of `size` bytes (checked against both).
    fn blob(&self, digest: &str, size: u64) -> Result<Vec<u8>, StoreError>;
    /// The manifests whose `subject` is `digest`, of `artifact_type`.
    fn referrers(
        &self,
        digest: &str,
        artifact_type: &str,
    ) -> Result<Vec<ReferrerEntry>, StoreError>;
    /// Stores a blob.
    fn put_blob(&self, media_type: &str, bytes: &[u8]) -> Result<(), StoreError>;
    /// Stores a manifest under `tag`.
    fn put_tagged_manifest(
        &self,
        tag: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError>;
    /// Stores a manifest that has a `subject`, findable through [`SignatureStore::referrers`].
    fn put_referrer(
        &self,
        subject: &str,
        artifact_type: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError>;
}

/// Which form a signature was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureForm {
    /// A layer of the `sha256-<hex>.sig` manifest (cosign v1/v2).
    SignatureTag,
    /// A sigstore bundle referring to the image (cosign v3).
    Bundle,
}

impl std::fmt::Display for SignatureForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignatureForm::SignatureTag => "signature tag",
            SignatureForm::Bundle => "sigstore bundle",
        })
    }
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Where it was stored.
    pub form: SignatureForm,
    /// What it signs.
    pub signed: SignedImage,
}

/// A signature that was found but does not establish trust, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedSignature {
    /// Where it was stored.
    pub form: SignatureForm,
    /// Which document (`sha256-….sig` layer 2, referrer `sha256:…`).
    pub location: String,
    /// Why it was rejected.
    pub reason: String,
}

/// Everything found about an image's signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageVerification {
    /// Signatures that verify with the key and sign this digest.
    pub verified: Vec<VerifiedSignature>,
    /// Signatures found that do not.
    pub rejected: Vec<RejectedSignature>,
}

impl ImageVerification {
    /// Whether at least one signature verified.
    pub fn is_verified(&self) -> bool {
        !self.verified.is_empty()
    }

    /// Whether no signature was found at all.
    pub fn is_unsigned(&self) -> bool {
        self.verified.is_empty() && self.rejected.is_empty()
    }

    /// The reasons of the rejected signatures, one per line.
    pub fn reasons(&self) -> String {
        self.rejected
            .iter()
            .map(|r| format!("{} ({}): {}", r.location, r.form, r.reason))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Signs `image` (in `repository`, written `registry/name` as cosign writes it in the
/// payload) with `key` and stores the signature as cosign does: a simple-signing layer added
/// to the manifest at the signature tag (signatures already there are kept; the same signature
/// is not added twice). Returns the signature tag.
///
/// # Errors
/// The store's errors; a signature tag whose manifest is not an OCI/Docker manifest.
pub fn sign_with_signature_tag(
    store: &dyn SignatureStore,
    key: &CosignPrivateKey,
    repository: &str,
    image: &ImageDescriptor,
) -> Result<String, StoreError> {
    let payload = simple_signing_payload(repository, &image.digest);
    let signature = B64.encode(key.sign(&payload));
    let payload_digest = sha256(&payload);
    let tag = signature_tag(&image.digest);
    let mut layers = match store.tagged_manifest(&tag)? {
        Some(bytes) => {
            let existing: Value = serde_json::from_slice(&bytes)
                .map_err(|e| StoreError(format!("signature manifest `{tag}`: not JSON: {e}")))?;
            existing
                .get("layers")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| {
                    StoreError(format!("signature manifest `{tag}` has no `layers` list"))
                })?
        }
        None => Vec::new(),
    };
    let already = layers.iter().any(|l| {
        l.get("digest").and_then(Value::as_str) == Some(payload_digest.as_str())
            && l.pointer(&format!(
                "/annotations/{}",
                json_pointer_escape(SIGNATURE_ANNOTATION)
            ))
            .and_then(Value::as_str)
                == Some(signature.as_str())
    });
    if already {
        return Ok(tag);
    }
    store.put_blob(SIMPLE_SIGNING_MEDIA_TYPE, &payload)?;
    layers.push(json!({
        "mediaType": SIMPLE_SIGNING_MEDIA_TYPE,
        "size": payload.len(),
        "digest": payload_digest,
        "annotations": {SIGNATURE_ANNOTATION: signature},
    }));
    // cosign's signature image config: its layers as diff ids, the rest zero.
    let diff_ids: Vec<Value> = layers
        .iter()
        .filter_map(|l| l.get("digest").cloned())
        .collect();
    let config = serde_json::to_vec(&json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {},
    }))
    .map_err(|e| StoreError(e.to_string()))?;
    store.put_blob(OCI_CONFIG, &config)?;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "size": config.len(), "digest": sha256(&config)},
        "layers": layers,
    }))
    .map_err(|e| StoreError(e.to_string()))?;
    store.put_tagged_manifest(&tag, OCI_MANIFEST, &manifest)?;
    Ok(tag)
}

/// Signs `image` with `key` as cosign v3 does: a sigstore bundle (DSSE envelope of an
/// in-toto statement) in an OCI 1.1 artifact manifest whose `subject` is the image, stored
/// through the referrers API (or its tag-schema fallback). Returns the bundle manifest's
/// digest.
///
/// # Errors
/// The store's errors.
pub fn sign_with_bundle(
    store: &dyn SignatureStore,
    key: &CosignPrivateKey,
    repository: &str,
    image: &ImageDescriptor,
) -> Result<String, StoreError> {
    let bundle = make_bundle(key, repository, &image.digest);
    store.put_blob(BUNDLE_MEDIA_TYPE, &bundle)?;
    store.put_blob(OCI_EMPTY, b"{}")?;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": BUNDLE_MEDIA_TYPE,
        "config": {"mediaType": OCI_EMPTY, "size": 2, "digest": sha256(b"{}"), "data": "e30="},
        "layers": [{"mediaType": BUNDLE_MEDIA_TYPE, "size": bundle.len(), "digest": sha256(&bundle)}],
        "subject": {"mediaType": image.media_type, "size": image.size, "digest": image.digest},
        "annotations": {
            "dev.sigstore.bundle.content": "dsse-envelope",
            "dev.sigstore.bundle.predicateType": SIGN_PREDICATE_TYPE,
        },
    }))
    .map_err(|e| StoreError(e.to_string()))?;
    store.put_referrer(&image.digest, BUNDLE_MEDIA_TYPE, OCI_MANIFEST, &manifest)?;
    Ok(sha256(&manifest))
}

/// Finds the image's signatures in both forms and checks each with `key` against `digest`.
///
/// # Errors
/// Only when the store cannot be read (network, permissions); a malformed or foreign
/// signature is a [`RejectedSignature`].
pub fn verify_image(
    store: &dyn SignatureStore,
    key: &CosignPublicKey,
    digest: &str,
) -> Result<ImageVerification, StoreError> {
    let mut out = ImageVerification::default();
    let tag = signature_tag(digest);
    if let Some(bytes) = store.tagged_manifest(&tag)? {
        check_signature_tag(store, key, digest, &tag, &bytes, &mut out)?;
    }
    let referrers = store.referrers(digest, BUNDLE_MEDIA_TYPE)?;
    for r in referrers.iter().take(MAX_SIGNATURES) {
        let reject = |out: &mut ImageVerification, reason: String| {
            out.rejected.push(RejectedSignature {
                form: SignatureForm::Bundle,
                location: format!("referrer {}", r.digest),
                reason,
            });
        };
        let bytes = store.manifest(&r.digest)?;
        let manifest = match parse_manifest(&bytes) {
            Ok(m) => m,
            Err(e) => {
                reject(&mut out, e);
                continue;
            }
        };
        let subject = manifest.pointer("/subject/digest").and_then(Value::as_str);
        if subject != Some(digest) {
            reject(
                &mut out,
                format!("its `subject` is {subject:?}, not the image {digest}"),
            );
            continue;
        }
        let mut found = false;
        for layer in layers_of(&manifest) {
            if layer.media_type != BUNDLE_MEDIA_TYPE {
                continue;
            }
            found = true;
            let checked = fetch_document(store, &layer).and_then(|b| {
                let signed = verify_bundle(key, &b, digest).map_err(|e| e.to_string())?;
                // Attestations (SLSA provenance, SBOMs) are bundles referring to the image
                // too; only cosign's signing predicate makes one a signature.
                match bundle_predicate_type(&b) {
                    Some(p) if p == SIGN_PREDICATE_TYPE => Ok(signed),
                    p => Err(format!(
                        "the bundle is an attestation ({}), not a cosign image signature \
                         (predicate {SIGN_PREDICATE_TYPE})",
                        p.map(|p| format!("predicate {p}"))
                            .unwrap_or_else(|| "no predicate type".to_owned())
                    )),
                }
            });
            match checked {
                Ok(signed) => out.verified.push(VerifiedSignature {
                    form: SignatureForm::Bundle,
                    signed,
                }),
                Err(reason) => reject(&mut out, reason),
            }
        }
        if !found {
            reject(
                &mut out,
                format!("no layer of media type {BUNDLE_MEDIA_TYPE}"),
            );
        }
    }
    Ok(out)
}

fn check_signature_tag(
    store: &dyn SignatureStore,
    key: &CosignPublicKey,
    digest: &str,
    tag: &str,
    bytes: &[u8],
    out: &mut ImageVerification,
) -> Result<(), StoreError> {
    let reject = |out: &mut ImageVerification, location: String, reason: String| {
        out.rejected.push(RejectedSignature {
            form: SignatureForm::SignatureTag,
            location,
            reason,
        });
    };
    let manifest = match parse_manifest(bytes) {
        Ok(m) => m,
        Err(e) => {
            reject(out, tag.to_owned(), e);
            return Ok(());
        }
    };
    let layers = layers_of(&manifest);
    if layers.is_empty() {
        reject(out, tag.to_owned(), "the manifest has no layers".to_owned());
    }
    for (i, layer) in layers.into_iter().enumerate().take(MAX_SIGNATURES) {
        let location = format!("{tag} layer {}", i + 1);
        if layer.media_type != SIMPLE_SIGNING_MEDIA_TYPE {
            reject(
                out,
                location,
                format!(
                    "media type {:?}, expected {SIMPLE_SIGNING_MEDIA_TYPE}",
                    layer.media_type
                ),
            );
            continue;
        }
        let Some(signature) = layer.annotations.get(SIGNATURE_ANNOTATION) else {
            reject(
                out,
                location,
                format!("no `{SIGNATURE_ANNOTATION}` annotation"),
            );
            continue;
        };
        let checked = fetch_document(store, &layer).and_then(|payload| {
            verify_simple_signing(key, &payload, signature, digest).map_err(|e| e.to_string())
        });
        match checked {
            Ok(signed) => out.verified.push(VerifiedSignature {
                form: SignatureForm::SignatureTag,
                signed,
            }),
            Err(reason) => reject(out, location, reason),
        }
    }
    Ok(())
}

/// The `predicateType` of the in-toto statement in a bundle's DSSE envelope.
fn bundle_predicate_type(bundle: &[u8]) -> Option<String> {
    let doc: Value = serde_json::from_slice(bundle).ok()?;
    let payload = B64
        .decode(doc.pointer("/dsseEnvelope/payload")?.as_str()?)
        .ok()?;
    let statement: Value = serde_json::from_slice(&payload).ok()?;
    Some(statement.get("predicateType")?.as_str()?.to_owned())
}

/// A layer descriptor as read from an untrusted manifest.
struct Layer {
    media_type: String,
    digest: String,
    size: u64,
    annotations: BTreeMap<String, String>,
}

fn parse_manifest(bytes: &[u8]) -> Result<Value, String> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the manifest is not JSON: {e}"))?;
    if !v.is_object() {
        return Err("the manifest is not a JSON object".to_owned());
    }
    match v.get("layers") {
        Some(Value::Array(_)) => Ok(v),
        Some(_) => Err("the manifest's `layers` is not a list".to_owned()),
        None => Err("the manifest has no `layers` (not an image manifest)".to_owned()),
    }
}

fn layers_of(manifest: &Value) -> Vec<Layer> {
    let Some(list) = manifest.get("layers").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|l| Layer {
            media_type: l
                .get("mediaType")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            digest: l
                .get("digest")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            size: l.get("size").and_then(Value::as_u64).unwrap_or(u64::MAX),
            annotations: l
                .get("annotations")
                .and_then(Value::as_object)
                .map(|a| {
                    a.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// A layer's blob, bounded and checked; errors are reasons.
fn fetch_document(store: &dyn SignatureStore, layer: &Layer) -> Result<Vec<u8>, String> {
    if !is_sha256_digest(&layer.digest) {
        return Err(format!(
            "layer digest {:?} is not a sha256 digest",
            layer.digest
        ));
    }
    if layer.size == u64::MAX {
        return Err("the layer descriptor has no `size`".to_owned());
    }
    if layer.size > MAX_DOCUMENT_BYTES {
        return Err(format!(
            "layer of {} bytes is larger than the {MAX_DOCUMENT_BYTES} bytes a signature may have",
            layer.size
        ));
    }
    store.blob(&layer.digest, layer.size).map_err(|e| e.0)
}

/// Whether `d` is `sha256:` and 64 lower-case hex digits.
pub fn is_sha256_digest(d: &str) -> bool {
    d.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn json_pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// An OCI image layout folder as a signature store: tags are the `ref.name` annotations of
/// `index.json`, blobs live under `blobs/sha256/`, and referrers are found through the
/// referrers tag schema (`sha256-<hex>` naming an index of them), as in a registry without
/// the referrers API.
#[derive(Debug, Clone)]
pub struct LayoutStore {
    dir: PathBuf,
}

impl LayoutStore {
    /// The layout at `dir` (it must hold `oci-layout` and `index.json`).
    ///
    /// # Errors
    /// When `dir` is not an OCI image layout.
    pub fn open(dir: &Path) -> Result<LayoutStore, StoreError> {
        for f in ["oci-layout", "index.json"] {
            if !dir.join(f).is_file() {
                return Err(StoreError(format!(
                    "{}: not an OCI image layout (no `{f}`)",
                    dir.display()
                )));
            }
        }
        Ok(LayoutStore {
            dir: dir.to_owned(),
        })
    }

    fn index(&self) -> Result<Value, StoreError> {
        let path = self.dir.join("index.json");
        let bytes = read_bounded(&path, MAX_DOCUMENT_BYTES * 8)?;
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError(format!("{}: not JSON: {e}", path.display())))?;
        if !v.get("manifests").is_some_and(Value::is_array) {
            return Err(StoreError(format!(
                "{}: no `manifests` list",
                path.display()
            )));
        }
        Ok(v)
    }

    fn entries(&self) -> Result<Vec<Value>, StoreError> {
        Ok(self.index()?["manifests"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The image in the layout named `name` (its `ref.name`), or, without a name, the one
    /// manifest that is not a signature or referrers tag.
    ///
    /// # Errors
    /// When there is no such image, or several without a name to choose.
    pub fn image(&self, name: Option<&str>) -> Result<ImageDescriptor, StoreError> {
        let entries = self.entries()?;
        let ref_name = |e: &Value| {
            e.pointer(&format!("/annotations/{}", json_pointer_escape(REF_NAME)))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let candidates: Vec<&Value> = entries
            .iter()
            .filter(|e| match name {
                Some(n) => ref_name(e).as_deref() == Some(n),
                None => !ref_name(e).is_some_and(|r| r.starts_with("sha256-")),
            })
            .collect();
        let [entry] = candidates.as_slice() else {
            return Err(StoreError(format!(
                "{}: {} images match{}",
                self.dir.display(),
                candidates.len(),
                name.map(|n| format!(" `{n}`")).unwrap_or_default()
            )));
        };
        let digest = entry
            .get("digest")
            .and_then(Value::as_str)
            .filter(|d| is_sha256_digest(d))
            .ok_or_else(|| {
                StoreError(format!(
                    "{}: entry without a sha256 digest",
                    self.dir.display()
                ))
            })?;
        Ok(ImageDescriptor {
            digest: digest.to_owned(),
            media_type: entry
                .get("mediaType")
                .and_then(Value::as_str)
                .unwrap_or(OCI_MANIFEST)
                .to_owned(),
            size: entry.get("size").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    fn blob_path(&self, digest: &str) -> Result<PathBuf, StoreError> {
        if !is_sha256_digest(digest) {
            return Err(StoreError(format!("{digest:?} is not a sha256 digest")));
        }
        Ok(self.dir.join("blobs/sha256").join(&digest[7..]))
    }

    fn set_tag(&self, tag: &str, descriptor: Value) -> Result<(), StoreError> {
        let mut index = self.index()?;
        let Some(list) = index.get_mut("manifests").and_then(Value::as_array_mut) else {
            return Err(StoreError("index.json: no `manifests` list".to_owned()));
        };
        list.retain(|e| {
            e.pointer(&format!("/annotations/{}", json_pointer_escape(REF_NAME)))
                .and_then(Value::as_str)
                != Some(tag)
        });
        list.push(descriptor);
        let bytes = serde_json::to_vec(&index).map_err(|e| StoreError(e.to_string()))?;
        write(&self.dir.join("index.json"), &bytes)
    }
}

impl SignatureStore for LayoutStore {
    fn tagged_manifest(&self, tag: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let entry = self.entries()?.into_iter().find(|e| {
            e.pointer(&format!("/annotations/{}", json_pointer_escape(REF_NAME)))
                .and_then(Value::as_str)
                == Some(tag)
        });
        match entry.and_then(|e| e.get("digest").and_then(Value::as_str).map(str::to_owned)) {
            Some(d) => self.manifest(&d).map(Some),
            None => Ok(None),
        }
    }

    fn manifest(&self, digest: &str) -> Result<Vec<u8>, StoreError> {
        self.blob(digest, MAX_DOCUMENT_BYTES)
            .map_err(|e| StoreError(format!("manifest: {e}")))
    }

    fn blob(&self, digest: &str, size: u64) -> Result<Vec<u8>, StoreError> {
        let path = self.blob_path(digest)?;
        let bytes = read_bounded(&path, size.min(MAX_DOCUMENT_BYTES))?;
        let actual = sha256(&bytes);
        if actual != digest {
            return Err(StoreError(format!(
                "{}: content is {actual}, not {digest}",
                path.display()
            )));
        }
        Ok(bytes)
    }

    fn referrers(
        &self,
        digest: &str,
        artifact_type: &str,
    ) -> Result<Vec<ReferrerEntry>, StoreError> {
        let Some(bytes) = self.tagged_manifest(&digest.replacen(':', "-", 1))? else {
            return Ok(Vec::new());
        };
        let index: Value = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError(format!("referrers index of {digest}: not JSON: {e}")))?;
        Ok(referrer_entries(&index, artifact_type))
    }

    fn put_blob(&self, _media_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.blob_path(&sha256(bytes))?;
        write(&path, bytes)
    }

    fn put_tagged_manifest(
        &self,
        tag: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.put_blob(media_type, bytes)?;
        self.set_tag(
            tag,
            json!({"mediaType": media_type, "digest": sha256(bytes), "size": bytes.len(),
                   "annotations": {REF_NAME: tag}}),
        )
    }

    fn put_referrer(
        &self,
        subject: &str,
        artifact_type: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.put_blob(media_type, bytes)?;
        let tag = subject.replacen(':', "-", 1);
        let mut manifests = match self.tagged_manifest(&tag)? {
            Some(b) => serde_json::from_slice::<Value>(&b)
                .ok()
                .and_then(|v| v.get("manifests").and_then(Value::as_array).cloned())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let digest = sha256(bytes);
        if !manifests
            .iter()
            .any(|m| m.get("digest").and_then(Value::as_str) == Some(digest.as_str()))
        {
            manifests.push(json!({"mediaType": media_type, "digest": digest,
                                  "size": bytes.len(), "artifactType": artifact_type}));
        }
        let index = serde_json::to_vec(&json!({"schemaVersion": 2, "mediaType": OCI_INDEX,
                                               "manifests": manifests}))
        .map_err(|e| StoreError(e.to_string()))?;
        self.put_tagged_manifest(&tag, OCI_INDEX, &index)
    }
}

/// The entries of a referrers index (API answer or fallback tag) of `artifact_type`.
pub fn referrer_entries(index: &Value, artifact_type: &str) -> Vec<ReferrerEntry> {
    index
        .get("manifests")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|m| {
                    Some(ReferrerEntry {
                        digest: m.get("digest")?.as_str()?.to_owned(),
                        artifact_type: m
                            .get("artifactType")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    })
                })
                .filter(|r| r.artifact_type.as_deref() == Some(artifact_type))
                .collect()
        })
        .unwrap_or_default()
}

fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let file = fs_err::File::open(path).map_err(|e| StoreError(e.to_string()))?;
    let mut out = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| StoreError(format!("{}: {e}", path.display())))?;
    if out.len() as u64 > limit {
        return Err(StoreError(format!(
            "{}: larger than the {limit} bytes expected",
            path.display()
        )));
    }
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent).map_err(|e| StoreError(e.to_string()))?;
    }
    fs_err::write(path, bytes).map_err(|e| StoreError(e.to_string()))
}
