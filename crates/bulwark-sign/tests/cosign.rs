//! cosign interop on real cosign output: a key file written by cosign opens with its
//! (empty) password; a signature made by cosign over its simple-signing payload verifies with
//! the key of its signing certificate, and not over another digest or with another key.

use std::path::{Path, PathBuf};

use bulwark_sign::cosign::{CosignError, CosignPrivateKey, CosignPublicKey, verify_simple_signing};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cosign")
        .join(rel)
}

#[test]
fn opens_a_key_file_written_by_cosign() {
    let text = fs_err::read_to_string(fixture("empty-password.key")).expect("key");
    let key = CosignPrivateKey::from_pem(&text, b"").expect("cosign's key opens");
    // It signs, and its own public key (written as cosign.pub) verifies.
    let public = CosignPublicKey::from_pem(&key.public_key().to_pem()).expect("pub");
    let sig = key.sign(b"payload");
    assert!(public.verify(b"payload", &sig).is_ok());
    assert_eq!(
        CosignPrivateKey::from_pem(&text, b"x").err(),
        Some(CosignError::WrongPassword)
    );
}

#[test]
fn verifies_a_signature_made_by_cosign() {
    let doc: serde_json::Value = serde_json::from_str(
        &fs_err::read_to_string(fixture("keyless-signature.json")).expect("json"),
    )
    .expect("parses");
    let s = |k: &str| doc[k].as_str().expect(k).to_owned();
    let cert_pem = s("certificate");
    let (_, pem) = x509_parser::pem::parse_x509_pem(cert_pem.as_bytes()).expect("pem");
    let cert = pem.parse_x509().expect("certificate");
    let key = CosignPublicKey::from_spki_der(cert.public_key().raw).expect("P-256 key");
    let payload = s("payload");
    let signed = verify_simple_signing(
        &key,
        payload.as_bytes(),
        &s("signature"),
        &s("manifest_digest"),
    )
    .expect("cosign's signature verifies");
    assert_eq!(
        signed.docker_reference,
        "wabbitnetworks.azurecr.io/test/cosign-image"
    );
    let other_digest = format!("sha256:{}", "0".repeat(64));
    assert!(matches!(
        verify_simple_signing(&key, payload.as_bytes(), &s("signature"), &other_digest),
        Err(CosignError::DigestMismatch { .. })
    ));
    let stranger = CosignPrivateKey::generate().public_key();
    assert_eq!(
        verify_simple_signing(
            &stranger,
            payload.as_bytes(),
            &s("signature"),
            &s("manifest_digest")
        )
        .err(),
        Some(CosignError::BadSignature)
    );
    let mut changed = payload.clone().into_bytes();
    changed[20] ^= 1;
    assert_eq!(
        verify_simple_signing(&key, &changed, &s("signature"), &s("manifest_digest")).err(),
        Some(CosignError::BadSignature)
    );
}
