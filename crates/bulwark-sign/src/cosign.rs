//! cosign-compatible image signatures (key-based): key files, payloads and the two ways a
//! registry holds a signature.
//!
//! * Keys are ECDSA P-256. The private key file is a PEM block `ENCRYPTED SIGSTORE PRIVATE
//!   KEY` (older cosign: `ENCRYPTED COSIGN PRIVATE KEY`) around JSON: scrypt parameters and
//!   salt, a NaCl secretbox nonce and the sealed PKCS#8 key. The public key file is a PEM
//!   `PUBLIC KEY` (SubjectPublicKeyInfo).
//! * Signature-tag form (cosign v1/v2): the image digest `sha256:<hex>` gives the tag
//!   `sha256-<hex>.sig`; its manifest has one layer per signature, media type
//!   `application/vnd.dev.cosign.simplesigning.v1+json`, whose blob is the simple-signing
//!   payload (the image's repository and digest) and whose annotation
//!   `dev.cosignproject.cosign/signature` is the base64 ECDSA-SHA256 signature (ASN.1 DER)
//!   of that payload.
//! * Bundle form (cosign v3): an OCI 1.1 referrer of the image (artifact type
//!   `application/vnd.dev.sigstore.bundle.v0.3+json`) whose one layer is a sigstore bundle
//!   holding a DSSE envelope: an in-toto statement (subject: the image digest, predicate type
//!   `https://sigstore.dev/cosign/sign/v1`) signed over the DSSE pre-authentication encoding.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xsalsa20poly1305::aead::{Aead, KeyInit};

/// Media type of a simple-signing payload layer.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// `critical.type` of cosign's payloads.
pub const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";
/// Media type (and artifact type) of a sigstore bundle, v0.3.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// DSSE payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Predicate type of a cosign v3 image signature.
pub const SIGN_PREDICATE_TYPE: &str = "https://sigstore.dev/cosign/sign/v1";

const PEM_ENCRYPTED_SIGSTORE: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
const PEM_ENCRYPTED_COSIGN: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// scrypt cost cosign writes today (N = 65536, r = 8, p = 1).
const SCRYPT_LOG_N: u8 = 16;
/// Largest scrypt cost accepted when reading (a hostile key file must not take minutes).
const SCRYPT_MAX_LOG_N: u8 = 18;

/// Why a key, payload or signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CosignError {
    #[error("not a cosign key file: {0}")]
    KeyFile(String),
    #[error("wrong password for the private key (or the key file is damaged)")]
    WrongPassword,
    #[error("unsupported key: {0}")]
    UnsupportedKey(String),
    #[error("the signature does not verify with the given public key")]
    BadSignature,
    #[error("the signature covers image {signed}, not {expected}")]
    DigestMismatch { signed: String, expected: String },
    #[error("signature payload is malformed: {0}")]
    Payload(String),
    #[error("sigstore bundle is malformed: {0}")]
    Bundle(String),
}

/// A cosign signing key (ECDSA P-256).
#[derive(Clone)]
pub struct CosignPrivateKey {
    key: SigningKey,
}

impl std::fmt::Debug for CosignPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CosignPrivateKey").finish_non_exhaustive()
    }
}

/// A cosign verification key (ECDSA P-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignPublicKey {
    key: VerifyingKey,
}

#[derive(Serialize, Deserialize)]
struct EncryptedKey {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: KdfParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct KdfParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

impl CosignPrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> CosignPrivateKey {
        CosignPrivateKey {
            key: SigningKey::random(&mut rand::rngs::OsRng),
        }
    }

    /// Reads a cosign private key file: the encrypted forms (with `password`, which may be
    /// empty) or an unencrypted PKCS#8 `PRIVATE KEY`.
    pub fn from_pem(text: &str, password: &[u8]) -> Result<CosignPrivateKey, CosignError> {
        let (label, der) = pem_decode(text)?;
        let pkcs8 = match label.as_str() {
            PEM_ENCRYPTED_SIGSTORE | PEM_ENCRYPTED_COSIGN => decrypt_key(&der, password)?,
            "PRIVATE KEY" => der,
            other => {
                return Err(CosignError::KeyFile(format!(
                    "unsupported PEM block `{other}` (expected `{PEM_ENCRYPTED_SIGSTORE}`)"
                )));
            }
        };
        let key = SigningKey::from_pkcs8_der(&pkcs8).map_err(|e| {
            CosignError::UnsupportedKey(format!("not an ECDSA P-256 PKCS#8 key: {e}"))
        })?;
        Ok(CosignPrivateKey { key })
    }

    /// The key as cosign writes it (`ENCRYPTED SIGSTORE PRIVATE KEY`, scrypt N=65536, r=8,
    /// p=1, secretbox), sealed with `password`.
    pub fn to_encrypted_pem(&self, password: &[u8]) -> Result<String, CosignError> {
        self.to_encrypted_pem_with_cost(password, SCRYPT_LOG_N)
    }

    /// As [`CosignPrivateKey::to_encrypted_pem`] with scrypt cost `2^log_n` (tests use a
    /// low cost to stay fast).
    pub fn to_encrypted_pem_with_cost(
        &self,
        password: &[u8],
        log_n: u8,
    ) -> Result<String, CosignError> {
        use rand::RngCore;
        let pkcs8 = self
            .key
            .to_pkcs8_der()
            .map_err(|e| CosignError::UnsupportedKey(e.to_string()))?;
        let mut salt = [0u8; 32];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let box_key = scrypt_key(password, &salt, log_n, 8, 1)?;
        let cipher = xsalsa20poly1305::XSalsa20Poly1305::new((&box_key).into());
        let sealed = cipher
            .encrypt((&nonce).into(), pkcs8.as_bytes())
            .map_err(|_| CosignError::KeyFile("cannot seal the key".into()))?;
        let doc = EncryptedKey {
            kdf: Kdf {
                name: "scrypt".into(),
                params: KdfParams {
                    n: 1u64 << log_n,
                    r: 8,
                    p: 1,
                },
                salt: B64.encode(salt),
            },
            cipher: Cipher {
                name: "nacl/secretbox".into(),
                nonce: B64.encode(nonce),
            },
            ciphertext: B64.encode(sealed),
        };
        let json = serde_json::to_vec(&doc).map_err(|e| CosignError::KeyFile(e.to_string()))?;
        Ok(pem_encode(PEM_ENCRYPTED_SIGSTORE, &json))
    }

    pub fn public_key(&self) -> CosignPublicKey {
        CosignPublicKey {
            key: *self.key.verifying_key(),
        }
    }

    /// ECDSA-SHA256 signature (ASN.1 DER) of `payload`.
    pub fn sign(&self, payload: &[u8]) -> Vec<u8> {
        let sig: Signature = self.key.sign(payload);
        sig.to_der().as_bytes().to_vec()
    }
}

impl CosignPublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo of a P-256 key).
    pub fn from_pem(text: &str) -> Result<CosignPublicKey, CosignError> {
        let (label, der) = pem_decode(text)?;
        if label != "PUBLIC KEY" {
            return Err(CosignError::KeyFile(format!(
                "unsupported PEM block `{label}` (expected `PUBLIC KEY`)"
            )));
        }
        CosignPublicKey::from_spki_der(&der)
    }

    /// A SubjectPublicKeyInfo (DER) of a P-256 key.
    pub fn from_spki_der(der: &[u8]) -> Result<CosignPublicKey, CosignError> {
        let key = VerifyingKey::from_public_key_der(der).map_err(|e| {
            CosignError::UnsupportedKey(format!("not an ECDSA P-256 public key: {e}"))
        })?;
        Ok(CosignPublicKey { key })
    }

    /// The PEM `PUBLIC KEY` cosign writes as `cosign.pub`.
    pub fn to_pem(&self) -> String {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// Checks an ECDSA-SHA256 signature (ASN.1 DER, or the 64-byte raw form) of `payload`.
    pub fn verify(&self, payload: &[u8], signature: &[u8]) -> Result<(), CosignError> {
        let sig = Signature::from_der(signature)
            .or_else(|_| Signature::from_slice(signature))
            .map_err(|_| CosignError::BadSignature)?;
        self.key
            .verify(payload, &sig)
            .map_err(|_| CosignError::BadSignature)
    }
}

fn scrypt_key(
    password: &[u8],
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<[u8; 32], CosignError> {
    let params = scrypt::Params::new(log_n, r, p, 32)
        .map_err(|e| CosignError::KeyFile(format!("bad scrypt parameters: {e}")))?;
    let mut out = [0u8; 32];
    scrypt::scrypt(password, salt, &params, &mut out)
        .map_err(|e| CosignError::KeyFile(format!("scrypt: {e}")))?;
    Ok(out)
}

fn decrypt_key(json: &[u8], password: &[u8]) -> Result<Vec<u8>, CosignError> {
    let doc: EncryptedKey = serde_json::from_slice(json)
        .map_err(|e| CosignError::KeyFile(format!("encrypted key JSON: {e}")))?;
    if doc.kdf.name != "scrypt" {
        return Err(CosignError::KeyFile(format!(
            "unsupported kdf `{}`",
            doc.kdf.name
        )));
    }
    if doc.cipher.name != "nacl/secretbox" {
        return Err(CosignError::KeyFile(format!(
            "unsupported cipher `{}`",
            doc.cipher.name
        )));
    }
    let KdfParams { n, r, p } = doc.kdf.params;
    if !n.is_power_of_two() || n < 2 {
        return Err(CosignError::KeyFile(format!(
            "scrypt N={n} is not a power of two"
        )));
    }
    let log_n = n.trailing_zeros() as u8;
    if log_n > SCRYPT_MAX_LOG_N || r == 0 || r > 32 || p == 0 || p > 16 {
        return Err(CosignError::KeyFile(format!(
            "scrypt parameters N={n} r={r} p={p} are out of the accepted range"
        )));
    }
    let salt = B64
        .decode(&doc.kdf.salt)
        .map_err(|e| CosignError::KeyFile(format!("salt: {e}")))?;
    let nonce = B64
        .decode(&doc.cipher.nonce)
        .map_err(|e| CosignError::KeyFile(format!("nonce: {e}")))?;
    let nonce: [u8; 24] = nonce
        .try_into()
        .map_err(|_| CosignError::KeyFile("secretbox nonce must be 24 bytes".into()))?;
    let sealed = B64
        .decode(&doc.ciphertext)
        .map_err(|e| CosignError::KeyFile(format!("ciphertext: {e}")))?;
    let box_key = scrypt_key(password, &salt, log_n, r, p)?;
    let cipher = xsalsa20poly1305::XSalsa20Poly1305::new((&box_key).into());
    cipher
        .decrypt((&nonce).into(), sealed.as_slice())
        .map_err(|_| CosignError::WrongPassword)
}

/// The label and decoded body of the first PEM block of `text`.
fn pem_decode(text: &str) -> Result<(String, Vec<u8>), CosignError> {
    let begin = text
        .find("-----BEGIN ")
        .ok_or_else(|| CosignError::KeyFile("no PEM block".into()))?;
    let rest = &text[begin + "-----BEGIN ".len()..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| CosignError::KeyFile("unterminated PEM header".into()))?;
    let label = rest[..label_end].to_owned();
    let body_and_end = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let end = body_and_end
        .find(&end_marker)
        .ok_or_else(|| CosignError::KeyFile(format!("no `{end_marker}` line")))?;
    let body: String = body_and_end[..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = B64
        .decode(body)
        .map_err(|e| CosignError::KeyFile(format!("PEM body is not base64: {e}")))?;
    Ok((label, der))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The simple-signing payload cosign signs for an image: its repository (without tag or
/// digest) and manifest digest, byte for byte as cosign writes it.
pub fn simple_signing_payload(repository: &str, manifest_digest: &str) -> Vec<u8> {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":{}}},\"image\":{{\"docker-manifest-digest\":{}}},\"type\":{}}},\"optional\":null}}",
        q(repository),
        q(manifest_digest),
        q(SIMPLE_SIGNING_TYPE)
    )
    .into_bytes()
}

/// What a verified signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedImage {
    /// The repository named in the payload (informational: cosign ignores it).
    pub docker_reference: String,
    /// The manifest digest signed.
    pub manifest_digest: String,
}

/// Checks a signature-tag layer: `signature_b64` over `payload` with `key`, then that the
/// payload is a cosign simple-signing document for `expected_digest`.
pub fn verify_simple_signing(
    key: &CosignPublicKey,
    payload: &[u8],
    signature_b64: &str,
    expected_digest: &str,
) -> Result<SignedImage, CosignError> {
    let sig = B64
        .decode(signature_b64.trim())
        .map_err(|_| CosignError::BadSignature)?;
    key.verify(payload, &sig)?;
    let doc: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|e| CosignError::Payload(format!("not JSON: {e}")))?;
    let critical = doc
        .get("critical")
        .ok_or_else(|| CosignError::Payload("no `critical` section".into()))?;
    let typ = critical.get("type").and_then(|t| t.as_str()).unwrap_or("");
    if !typ.eq_ignore_ascii_case(SIMPLE_SIGNING_TYPE) && typ != SIGN_PREDICATE_TYPE {
        return Err(CosignError::Payload(format!(
            "`critical.type` is {typ:?}, not {SIMPLE_SIGNING_TYPE:?}"
        )));
    }
    // The spec spells the key `Docker-manifest-digest`; cosign writes it lower-case.
    let image = critical.get("image").and_then(|i| i.as_object());
    let digest = image
        .and_then(|i| {
            i.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("docker-manifest-digest"))
                .and_then(|(_, v)| v.as_str())
        })
        .ok_or_else(|| CosignError::Payload("no `critical.image.docker-manifest-digest`".into()))?;
    if digest != expected_digest {
        return Err(CosignError::DigestMismatch {
            signed: digest.to_owned(),
            expected: expected_digest.to_owned(),
        });
    }
    let docker_reference = critical
        .pointer("/identity/docker-reference")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_owned();
    Ok(SignedImage {
        docker_reference,
        manifest_digest: digest.to_owned(),
    })
}

/// The signature tag of a manifest digest: `sha256:<hex>` → `sha256-<hex>.sig`.
pub fn signature_tag(manifest_digest: &str) -> String {
    format!("{}.sig", manifest_digest.replace(':', "-"))
}

/// DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <body>`.
pub fn dsse_pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A sigstore bundle (v0.3) as cosign v3 stores it for a key-based image signature: a DSSE
/// envelope of an in-toto statement naming `repository` and `manifest_digest`, signed
/// with `key`; the verification material is the key's hint (base64 SHA-256 of its DER).
pub fn make_bundle(key: &CosignPrivateKey, repository: &str, manifest_digest: &str) -> Vec<u8> {
    let hex = manifest_digest
        .strip_prefix("sha256:")
        .unwrap_or(manifest_digest);
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": repository, "digest": {"sha256": hex}}],
        "predicateType": SIGN_PREDICATE_TYPE,
        "predicate": {}
    });
    let payload = serde_json::to_vec(&statement).unwrap_or_default();
    let sig = key.sign(&dsse_pae(IN_TOTO_PAYLOAD_TYPE, &payload));
    let hint = B64.encode(Sha256::digest(key.public_key().to_spki_der()));
    let bundle = serde_json::json!({
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": hint}},
        "dsseEnvelope": {
            "payload": B64.encode(&payload),
            "payloadType": IN_TOTO_PAYLOAD_TYPE,
            "signatures": [{"sig": B64.encode(sig)}]
        }
    });
    serde_json::to_vec(&bundle).unwrap_or_default()
}

/// Checks a sigstore bundle holding a DSSE image signature: one of its signatures verifies
/// with `key` over the envelope, the statement is an in-toto statement whose subject has
/// `expected_digest`. Transparency-log entries are not checked (key-based, offline).
pub fn verify_bundle(
    key: &CosignPublicKey,
    bundle: &[u8],
    expected_digest: &str,
) -> Result<SignedImage, CosignError> {
    let doc: serde_json::Value = serde_json::from_slice(bundle)
        .map_err(|e| CosignError::Bundle(format!("not JSON: {e}")))?;
    let media = doc.get("mediaType").and_then(|m| m.as_str()).unwrap_or("");
    if !media.starts_with("application/vnd.dev.sigstore.bundle") {
        return Err(CosignError::Bundle(format!(
            "media type {media:?} is not a sigstore bundle"
        )));
    }
    let Some(env) = doc.get("dsseEnvelope") else {
        return Err(CosignError::Bundle(
            if doc.get("messageSignature").is_some() {
                "a `messageSignature` bundle signs a blob, not an image".into()
            } else {
                "no `dsseEnvelope`".into()
            },
        ));
    };
    let field = |k: &str| env.get(k).and_then(|v| v.as_str());
    let payload_type = field("payloadType").unwrap_or("");
    let payload = B64
        .decode(field("payload").unwrap_or(""))
        .map_err(|e| CosignError::Bundle(format!("payload is not base64: {e}")))?;
    let pae = dsse_pae(payload_type, &payload);
    let sigs = env
        .get("signatures")
        .and_then(|s| s.as_array())
        .ok_or_else(|| CosignError::Bundle("no signatures in the envelope".into()))?;
    let verified = sigs.iter().any(|s| {
        s.get("sig")
            .and_then(|v| v.as_str())
            .and_then(|v| B64.decode(v).ok())
            .is_some_and(|sig| key.verify(&pae, &sig).is_ok())
    });
    if !verified {
        return Err(CosignError::BadSignature);
    }
    if payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(CosignError::Payload(format!(
            "DSSE payload type {payload_type:?} is not an in-toto statement"
        )));
    }
    let statement: serde_json::Value = serde_json::from_slice(&payload)
        .map_err(|e| CosignError::Payload(format!("statement is not JSON: {e}")))?;
    let want_hex = expected_digest
        .strip_prefix("sha256:")
        .unwrap_or(expected_digest);
    let subjects = statement
        .get("subject")
        .and_then(|s| s.as_array())
        .ok_or_else(|| CosignError::Payload("statement has no subject".into()))?;
    let matching = subjects
        .iter()
        .find(|s| s.pointer("/digest/sha256").and_then(|d| d.as_str()) == Some(want_hex));
    let Some(subject) = matching else {
        let signed = subjects
            .first()
            .and_then(|s| s.pointer("/digest/sha256"))
            .and_then(|d| d.as_str())
            .map(|h| format!("sha256:{h}"))
            .unwrap_or_default();
        return Err(CosignError::DigestMismatch {
            signed,
            expected: expected_digest.to_owned(),
        });
    };
    Ok(SignedImage {
        docker_reference: subject
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_owned(),
        manifest_digest: expected_digest.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_wrong_password_fails() {
        let key = CosignPrivateKey::generate();
        let pem = key
            .to_encrypted_pem_with_cost(b"hunter2", 10)
            .expect("seals");
        assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
        let back = CosignPrivateKey::from_pem(&pem, b"hunter2").expect("opens");
        assert_eq!(back.public_key(), key.public_key());
        assert_eq!(
            CosignPrivateKey::from_pem(&pem, b"hunter3").err(),
            Some(CosignError::WrongPassword)
        );
        let public = CosignPublicKey::from_pem(&key.public_key().to_pem()).expect("reads");
        assert_eq!(public, key.public_key());
    }

    #[test]
    fn simple_signing_round_trip_and_digest_binding() {
        let key = CosignPrivateKey::generate();
        let digest = format!("sha256:{}", "ab".repeat(32));
        let payload = simple_signing_payload("127.0.0.1:5000/app", &digest);
        let sig = B64.encode(key.sign(&payload));
        let ok =
            verify_simple_signing(&key.public_key(), &payload, &sig, &digest).expect("verifies");
        assert_eq!(ok.docker_reference, "127.0.0.1:5000/app");
        let other = format!("sha256:{}", "cd".repeat(32));
        assert!(matches!(
            verify_simple_signing(&key.public_key(), &payload, &sig, &other),
            Err(CosignError::DigestMismatch { .. })
        ));
        let stranger = CosignPrivateKey::generate();
        assert_eq!(
            verify_simple_signing(&stranger.public_key(), &payload, &sig, &digest).err(),
            Some(CosignError::BadSignature)
        );
        assert_eq!(
            signature_tag(&digest),
            format!("sha256-{}.sig", "ab".repeat(32))
        );
    }

    #[test]
    fn bundle_round_trip() {
        let key = CosignPrivateKey::generate();
        let digest = format!("sha256:{}", "12".repeat(32));
        let bundle = make_bundle(&key, "127.0.0.1:5000/app", &digest);
        let ok = verify_bundle(&key.public_key(), &bundle, &digest).expect("verifies");
        assert_eq!(ok.docker_reference, "127.0.0.1:5000/app");
        let other = CosignPrivateKey::generate();
        assert_eq!(
            verify_bundle(&other.public_key(), &bundle, &digest).err(),
            Some(CosignError::BadSignature)
        );
        assert!(matches!(
            verify_bundle(
                &key.public_key(),
                &bundle,
                &format!("sha256:{}", "34".repeat(32))
            ),
            Err(CosignError::DigestMismatch { .. })
        ));
    }

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            dsse_pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn hostile_key_files_are_errors() {
        for text in [
            "",
            "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ] {
            assert!(CosignPrivateKey::from_pem(text, b"").is_err());
        }
        let slow = serde_json::json!({
            "kdf": {"name": "scrypt", "params": {"N": 1u64 << 30, "r": 8, "p": 1}, "salt": ""},
            "cipher": {"name": "nacl/secretbox", "nonce": ""},
            "ciphertext": ""
        });
        let pem = pem_encode(PEM_ENCRYPTED_SIGSTORE, slow.to_string().as_bytes());
        assert!(matches!(
            CosignPrivateKey::from_pem(&pem, b""),
            Err(CosignError::KeyFile(m)) if m.contains("out of the accepted range")
        ));
    }
}
