//! Certificates and keys from `genCA`, `genSelfSignedCert`, `genSignedCert` (and their
//! `WithKey` forms) and `genPrivateKey`, parsed back with `x509-parser`: every field Sprig's
//! template sets (serial, validity days, CN, SANs, key usages, extended key usages, basic
//! constraints, key ids as Go 1.25 computes them) and the signatures, checked against the
//! issuer's public key. The layout was compared with Helm v4 output (`openssl x509 -text`).

use std::sync::Arc;

use bulwark_gotmpl::{FuncMap, TemplateSet, Value};
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest as _, Sha256};
use x509_parser::prelude::*;

fn render(template: &str) -> String {
    let mut f = FuncMap::new();
    bulwark_sprig::register_system(&mut f);
    f.insert_fn(
        "list",
        bulwark_gotmpl::Signature::variadic(&[], bulwark_gotmpl::ParamType::Any),
        |_, a| Ok(Value::list(a)),
    );
    let mut set = TemplateSet::new("t", Arc::new(f));
    set.parse("t", template).expect("parses");
    set.execute("t", &Value::Nil).expect("runs")
}

fn pem_der(text: &str, label: &str) -> Vec<u8> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(text.as_bytes()).expect("pem");
    assert_eq!(pem.label, label);
    pem.contents
}

fn split(out: &str) -> Vec<String> {
    out.split("=====\n").map(str::to_owned).collect()
}

fn rsa_public(cert: &X509Certificate<'_>) -> rsa::RsaPublicKey {
    match cert.public_key().parsed().expect("spki") {
        x509_parser::public_key::PublicKey::RSA(k) => rsa::RsaPublicKey::new(
            rsa::BigUint::from_bytes_be(k.modulus),
            rsa::BigUint::from_bytes_be(k.exponent),
        )
        .expect("rsa key"),
        other => panic!("not RSA: {other:?}"),
    }
}

fn verify_rsa(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) {
    let key = rsa_public(issuer);
    let digest = Sha256::digest(cert.tbs_certificate.as_ref());
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &digest,
        &cert.signature_value.data,
    )
    .expect("signature verifies with the issuer's key");
}

fn days(cert: &X509Certificate<'_>) -> i64 {
    (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86_400
}

#[test]
fn ca_signed_and_self_signed_certificates_have_sprigs_fields() {
    let out = render(
        r#"{{- $ca := genCA "my-ca" 365 -}}
{{- $c := genSignedCert "leaf.example" (list "10.0.0.1" "::1") (list "a.example" "b.example") 30 $ca -}}
{{- $s := genSelfSignedCert "" nil (list "only.example") 10 -}}
{{ $ca.Cert }}====={{"\n"}}{{ $ca.Key }}====={{"\n"}}{{ $c.Cert }}====={{"\n"}}{{ $c.Key }}====={{"\n"}}{{ $s.Cert }}"#,
    );
    let parts = split(&out);
    let ca_der = pem_der(&parts[0], "CERTIFICATE");
    let leaf_der = pem_der(&parts[2], "CERTIFICATE");
    let self_der = pem_der(&parts[4], "CERTIFICATE");
    assert!(parts[1].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(parts[3].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let (_, ca) = X509Certificate::from_der(&ca_der).expect("CA parses");
    let (_, leaf) = X509Certificate::from_der(&leaf_der).expect("leaf parses");
    let (_, selfc) = X509Certificate::from_der(&self_der).expect("self-signed parses");

    // CA.
    assert_eq!(ca.version(), X509Version::V3);
    assert_eq!(ca.subject().to_string(), "CN=my-ca");
    assert_eq!(ca.issuer().to_string(), "CN=my-ca");
    assert_eq!(days(&ca), 365);
    assert!(ca.raw_serial().len() <= 17 && ca.serial.bits() <= 128);
    assert_eq!(rsa_public(&ca).n().bits(), 2048);
    let ku = ca.key_usage().expect("ku").expect("present");
    assert!(ku.critical);
    assert!(
        ku.value.digital_signature() && ku.value.key_encipherment() && ku.value.key_cert_sign()
    );
    let bc = ca.basic_constraints().expect("bc").expect("present");
    assert!(bc.critical && bc.value.ca && bc.value.path_len_constraint.is_none());
    let eku = ca.extended_key_usage().expect("eku").expect("present");
    assert!(!eku.critical && eku.value.server_auth && eku.value.client_auth);
    let skid = ca
        .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
        .expect("skid")
        .expect("present");
    let key_bits = ca.public_key().subject_public_key.data.to_vec();
    let want_skid = &Sha256::digest(&key_bits)[..20];
    match skid.parsed_extension() {
        ParsedExtension::SubjectKeyIdentifier(k) => assert_eq!(k.0, want_skid),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ca.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.11"
    );
    verify_rsa(&ca, &ca);

    // Leaf signed by the CA.
    assert_eq!(leaf.subject().to_string(), "CN=leaf.example");
    assert_eq!(leaf.issuer().to_string(), "CN=my-ca");
    assert_eq!(days(&leaf), 30);
    let ku = leaf.key_usage().expect("ku").expect("present");
    assert!(
        ku.value.digital_signature() && ku.value.key_encipherment() && !ku.value.key_cert_sign()
    );
    let bc = leaf.basic_constraints().expect("bc").expect("present");
    assert!(bc.critical && !bc.value.ca);
    let san = leaf
        .subject_alternative_name()
        .expect("san")
        .expect("present");
    assert!(!san.critical);
    let names: Vec<String> = san
        .value
        .general_names
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "DNSName(a.example)",
            "DNSName(b.example)",
            // IPv4 as 4 bytes (Go's To4), IPv6 as 16.
            "IPAddress(0a:00:00:01)",
            "IPAddress(00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01)"
        ]
    );
    let aki = leaf
        .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER)
        .expect("aki")
        .expect("present");
    match aki.parsed_extension() {
        ParsedExtension::AuthorityKeyIdentifier(a) => {
            assert_eq!(a.key_identifier.as_ref().map(|k| k.0), Some(want_skid));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        leaf.get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
            .expect("skid")
            .is_none()
    );
    verify_rsa(&leaf, &ca);

    // Self-signed with an empty subject: SAN is critical, as Go marks it.
    assert_eq!(selfc.subject().to_string(), "");
    assert_eq!(days(&selfc), 10);
    let san = selfc
        .subject_alternative_name()
        .expect("san")
        .expect("present");
    assert!(san.critical);
    verify_rsa(&selfc, &selfc);
}

#[test]
fn with_key_forms_use_the_given_key_and_its_algorithm() {
    let out = render(
        r#"{{- $k := genPrivateKey "ecdsa" -}}
{{- $ca := genCAWithKey "ec-ca" 5 $k -}}
{{- $e := genPrivateKey "ed25519" -}}
{{- $leaf := genSignedCertWithKey "svc" nil (list "svc.local") 2 $ca $e -}}
{{- $self := genSelfSignedCertWithKey "self" (list "127.0.0.1") nil 3 $e -}}
{{ $k }}====={{"\n"}}{{ $ca.Key }}====={{"\n"}}{{ $ca.Cert }}====={{"\n"}}{{ $leaf.Cert }}====={{"\n"}}{{ $leaf.Key }}====={{"\n"}}{{ $self.Cert }}"#,
    );
    let parts = split(&out);
    assert_eq!(parts[0], parts[1], "the CA keeps the given key");
    let ca_der = pem_der(&parts[2], "CERTIFICATE");
    let (_, ca) = X509Certificate::from_der(&ca_der).expect("ca");
    assert_eq!(
        ca.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.2"
    );
    assert!(matches!(
        ca.public_key().parsed(),
        Ok(x509_parser::public_key::PublicKey::EC(_))
    ));
    let leaf_der = pem_der(&parts[3], "CERTIFICATE");
    let (_, leaf) = X509Certificate::from_der(&leaf_der).expect("leaf");
    assert_eq!(leaf.issuer().to_string(), "CN=ec-ca");
    assert_eq!(
        leaf.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.2"
    );
    assert_eq!(
        leaf.public_key().algorithm.algorithm.to_id_string(),
        "1.3.101.112"
    );
    assert!(parts[4].starts_with("-----BEGIN PRIVATE KEY-----\n"));
    // ECDSA signature over the TBS with the CA's P-256 key.
    use p256::ecdsa::signature::Verifier as _;
    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&ca.public_key().subject_public_key.data)
        .expect("p256 key");
    let sig = p256::ecdsa::Signature::from_der(&leaf.signature_value.data).expect("der sig");
    vk.verify(leaf.tbs_certificate.as_ref(), &sig)
        .expect("verifies");
    let selfc_der = pem_der(&parts[5], "CERTIFICATE");
    let (_, selfc) = X509Certificate::from_der(&selfc_der).expect("self");
    assert_eq!(
        selfc.signature_algorithm.algorithm.to_id_string(),
        "1.3.101.112"
    );
    let vk =
        ed25519_dalek::VerifyingKey::try_from(selfc.public_key().subject_public_key.data.as_ref())
            .expect("ed25519 key");
    let sig = ed25519_dalek::Signature::from_slice(&selfc.signature_value.data).expect("sig");
    vk.verify_strict(selfc.tbs_certificate.as_ref(), &sig)
        .expect("verifies");
}

#[test]
fn gen_private_key_rsa_is_4096_bit_pkcs1_and_reusable() {
    let out = render(
        r#"{{- $k := genPrivateKey "rsa" -}}{{ $k }}====={{"\n"}}{{ (genCAWithKey "r" 1 $k).Key }}"#,
    );
    let parts = split(&out);
    assert_eq!(parts[0], parts[1]);
    let der = pem_der(&parts[0], "RSA PRIVATE KEY");
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    let key = rsa::RsaPrivateKey::from_pkcs1_der(&der).expect("PKCS#1 parses");
    assert_eq!(key.n().bits(), 4096);
    key.validate().expect("consistent key");
}

#[test]
fn build_custom_cert_returns_the_decoded_pair() {
    use base64::Engine as _;
    let out = render(r#"{{ $c := genCA "x" 1 }}{{ $c.Cert }}====={{"\n"}}{{ $c.Key }}"#);
    let parts = split(&out);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let t = format!(
        r#"{{{{ $c := buildCustomCert "{}" "{}" }}}}{{{{ $c.Cert }}}}====={{{{"\n"}}}}{{{{ $c.Key }}}}"#,
        b64(&parts[0]),
        b64(&parts[1])
    );
    assert_eq!(render(&t), out);
}
