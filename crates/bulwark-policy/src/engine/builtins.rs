//! Builtins that OPA has and regorus lacks, registered on every [`super::PolicyEngine`]:
//!
//! - `crypto.x509.parse_certificates`, `crypto.x509.parse_certificate_request`: certificates
//!   (PEM, base64 DER, or base64 PEM) as objects with the field names of Go's `x509.Certificate`
//!   that OPA returns (`Subject.CommonName`, `NotAfter`, `DNSNames`, `IsCA`, ...);
//! - `crypto.md5`, `crypto.sha1`, `crypto.sha256` (hex digests), `crypto.hmac.md5|sha1|sha256|
//!   sha512`, `crypto.hmac.equal`;
//! - `io.jwt.decode` and `io.jwt.verify_hs256|hs384|hs512`;
//! - the deprecated v0 builtins OPA still accepts with `--v0-compatible`: `re_match`,
//!   `set_diff`, `any`, `all`, `cast_array`, `cast_set`, `cast_string`, `cast_boolean`,
//!   `cast_null`, `cast_object`, `net.cidr_overlap`;
//! - `net.lookup_ip_addr`, which fails: scans never reach the network.
//!
//! Each returns an error message for bad arguments; the engine turns it into an undefined
//! result, or an evaluation error under strict builtin errors, as OPA does.

use std::collections::BTreeSet;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::Mac;
use serde_json::{Value as Json, json};

use super::{NativeFunction, RegoValue, to_json};

/// A builtin's Rego name, arity and implementation.
pub struct Builtin {
    pub name: &'static str,
    pub arity: u8,
    pub function: NativeFunction,
}

fn builtin(
    name: &'static str,
    arity: u8,
    function: impl Fn(&[RegoValue]) -> Result<RegoValue, String> + Send + Sync + 'static,
) -> Builtin {
    Builtin {
        name,
        arity,
        function: Arc::new(function),
    }
}

/// Every extension builtin of the engine.
pub fn extensions() -> Vec<Builtin> {
    vec![
        builtin("crypto.x509.parse_certificates", 1, |args| {
            let text = string_arg(args, 0)?;
            let certificates = parse_certificates(text)?;
            Ok(json_value(Json::Array(certificates)))
        }),
        builtin("crypto.x509.parse_certificate_request", 1, |args| {
            parse_certificate_request(string_arg(args, 0)?).map(json_value)
        }),
        builtin("crypto.md5", 1, |args| {
            Ok(hex_value(&md5::Md5::digest_bytes(string_arg(args, 0)?)))
        }),
        builtin("crypto.sha1", 1, |args| {
            Ok(hex_value(&sha1::Sha1::digest_bytes(string_arg(args, 0)?)))
        }),
        builtin("crypto.sha256", 1, |args| {
            Ok(hex_value(&sha2::Sha256::digest_bytes(string_arg(args, 0)?)))
        }),
        builtin("crypto.hmac.md5", 2, |args| {
            hmac_hex::<hmac::Hmac<md5::Md5>>(args)
        }),
        builtin("crypto.hmac.sha1", 2, |args| {
            hmac_hex::<hmac::Hmac<sha1::Sha1>>(args)
        }),
        builtin("crypto.hmac.sha256", 2, |args| {
            hmac_hex::<hmac::Hmac<sha2::Sha256>>(args)
        }),
        builtin("crypto.hmac.sha512", 2, |args| {
            hmac_hex::<hmac::Hmac<sha2::Sha512>>(args)
        }),
        builtin("crypto.hmac.equal", 2, |args| {
            let (a, b) = (string_arg(args, 0)?, string_arg(args, 1)?);
            // Compare every byte whatever the first difference, as a MAC comparison must.
            let differ = a.len() != b.len()
                || a.bytes()
                    .zip(b.bytes())
                    .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                    != 0;
            Ok(RegoValue::from(!differ))
        }),
        builtin("io.jwt.decode", 1, |args| {
            let token = Jwt::split(string_arg(args, 0)?)?;
            Ok(json_value(json!([
                token.header()?,
                token.payload()?,
                hex(&token.signature()?)
            ])))
        }),
        builtin("io.jwt.verify_hs256", 2, |args| {
            verify_hmac_jwt::<hmac::Hmac<sha2::Sha256>>(args)
        }),
        builtin("io.jwt.verify_hs384", 2, |args| {
            verify_hmac_jwt::<hmac::Hmac<sha2::Sha384>>(args)
        }),
        builtin("io.jwt.verify_hs512", 2, |args| {
            verify_hmac_jwt::<hmac::Hmac<sha2::Sha512>>(args)
        }),
        builtin("net.lookup_ip_addr", 1, |args| {
            Err(format!(
                "looking up `{}`: network access is disabled during scans",
                string_arg(args, 0)?
            ))
        }),
        builtin("re_match", 2, |args| {
            let pattern = string_arg(args, 0)?;
            let value = string_arg(args, 1)?;
            let regex = regex::Regex::new(pattern).map_err(|err| err.to_string())?;
            Ok(RegoValue::from(regex.is_match(value)))
        }),
        builtin("set_diff", 2, |args| {
            let a = set_arg(args, 0)?;
            let b = set_arg(args, 1)?;
            Ok(RegoValue::from(
                a.difference(&b).cloned().collect::<BTreeSet<_>>(),
            ))
        }),
        builtin("any", 1, |args| {
            Ok(RegoValue::from(
                collection_arg(args, 0)?
                    .iter()
                    .any(|v| *v == RegoValue::from(true)),
            ))
        }),
        builtin("all", 1, |args| {
            Ok(RegoValue::from(
                collection_arg(args, 0)?
                    .iter()
                    .all(|v| *v == RegoValue::from(true)),
            ))
        }),
        builtin("cast_array", 1, |args| match arg(args, 0)? {
            RegoValue::Array(_) => Ok(args[0].clone()),
            RegoValue::Set(_) => Ok(RegoValue::from(collection_arg(args, 0)?)),
            other => Err(format!("cannot cast {} to an array", type_name(other))),
        }),
        builtin("cast_set", 1, |args| match arg(args, 0)? {
            RegoValue::Array(_) | RegoValue::Set(_) => Ok(RegoValue::from(
                collection_arg(args, 0)?
                    .into_iter()
                    .collect::<BTreeSet<_>>(),
            )),
            other => Err(format!("cannot cast {} to a set", type_name(other))),
        }),
        builtin("cast_string", 1, |args| {
            string_arg(args, 0).map(|s| RegoValue::from(s.to_string()))
        }),
        builtin("cast_boolean", 1, |args| match arg(args, 0)? {
            RegoValue::Bool(_) => Ok(args[0].clone()),
            other => Err(format!("cannot cast {} to a boolean", type_name(other))),
        }),
        builtin("cast_null", 1, |args| match arg(args, 0)? {
            RegoValue::Null => Ok(RegoValue::Null),
            other => Err(format!("cannot cast {} to null", type_name(other))),
        }),
        builtin("cast_object", 1, |args| match arg(args, 0)? {
            RegoValue::Object(_) => Ok(args[0].clone()),
            other => Err(format!("cannot cast {} to an object", type_name(other))),
        }),
        builtin("net.cidr_overlap", 2, |args| {
            let cidr = string_arg(args, 0)?;
            let ip = string_arg(args, 1)?;
            let net: ipnet::IpNet = cidr.parse().map_err(|_| format!("invalid CIDR `{cidr}`"))?;
            let addr: std::net::IpAddr = ip
                .parse()
                .map_err(|_| format!("invalid IP address `{ip}`"))?;
            Ok(RegoValue::from(net.contains(&addr)))
        }),
    ]
}

fn arg(args: &[RegoValue], index: usize) -> Result<&RegoValue, String> {
    args.get(index)
        .ok_or_else(|| format!("missing argument {}", index + 1))
}

fn wrong_type(index: usize, wanted: &str, got: &RegoValue) -> String {
    format!(
        "operand {} must be {wanted}, got {}",
        index + 1,
        type_name(got)
    )
}

fn string_arg(args: &[RegoValue], index: usize) -> Result<&str, String> {
    match arg(args, index)? {
        RegoValue::String(s) => Ok(s),
        other => Err(wrong_type(index, "a string", other)),
    }
}

fn collection_arg(args: &[RegoValue], index: usize) -> Result<Vec<RegoValue>, String> {
    match arg(args, index)? {
        RegoValue::Array(items) => Ok(items.iter().cloned().collect()),
        RegoValue::Set(items) => Ok(items.iter().cloned().collect()),
        other => Err(wrong_type(index, "an array or a set", other)),
    }
}

fn set_arg(args: &[RegoValue], index: usize) -> Result<BTreeSet<RegoValue>, String> {
    match arg(args, index)? {
        RegoValue::Set(items) => Ok(items.iter().cloned().collect()),
        other => Err(wrong_type(index, "a set", other)),
    }
}

fn type_name(value: &RegoValue) -> &'static str {
    match value {
        RegoValue::Null => "null",
        RegoValue::Bool(_) => "boolean",
        RegoValue::Number(_) => "number",
        RegoValue::String(_) => "string",
        RegoValue::Array(_) => "array",
        RegoValue::Set(_) => "set",
        RegoValue::Object(_) => "object",
        RegoValue::Undefined => "undefined",
    }
}

fn json_value(value: Json) -> RegoValue {
    RegoValue::from(value)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn hex_value(bytes: &[u8]) -> RegoValue {
    RegoValue::from(hex(bytes))
}

/// One-shot digest of a string's bytes.
trait DigestBytes {
    fn digest_bytes(text: &str) -> Vec<u8>;
}

impl<D: sha2::Digest> DigestBytes for D {
    fn digest_bytes(text: &str) -> Vec<u8> {
        D::digest(text.as_bytes()).to_vec()
    }
}

fn hmac_bytes<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <M as hmac::digest::KeyInit>::new(&Default::default()));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(args: &[RegoValue]) -> Result<RegoValue, String> {
    let message = string_arg(args, 0)?;
    let key = string_arg(args, 1)?;
    Ok(hex_value(&hmac_bytes::<M>(
        key.as_bytes(),
        message.as_bytes(),
    )))
}

/// A compact-serialized JWS: `header.payload.signature`.
struct Jwt<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
}

impl<'a> Jwt<'a> {
    fn split(token: &'a str) -> Result<Jwt<'a>, String> {
        let mut parts = token.trim().split('.');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(header), Some(payload), Some(signature), None) => Ok(Jwt {
                header,
                payload,
                signature,
            }),
            _ => Err("a JWT has three parts separated by `.`".to_string()),
        }
    }

    fn decode_part(part: &str, what: &str) -> Result<Vec<u8>, String> {
        URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|err| format!("JWT {what} is not base64url: {err}"))
    }

    fn json_part(part: &str, what: &str) -> Result<Json, String> {
        let bytes = Self::decode_part(part, what)?;
        let value: Json = serde_json::from_slice(&bytes)
            .map_err(|err| format!("JWT {what} is not JSON: {err}"))?;
        if !value.is_object() {
            return Err(format!("JWT {what} is not a JSON object"));
        }
        Ok(value)
    }

    fn header(&self) -> Result<Json, String> {
        Self::json_part(self.header, "header")
    }

    fn payload(&self) -> Result<Json, String> {
        Self::json_part(self.payload, "payload")
    }

    fn signature(&self) -> Result<Vec<u8>, String> {
        Self::decode_part(self.signature, "signature")
    }

    fn signing_input(&self) -> String {
        format!("{}.{}", self.header, self.payload)
    }
}

fn verify_hmac_jwt<M: Mac + hmac::digest::KeyInit>(
    args: &[RegoValue],
) -> Result<RegoValue, String> {
    let token = Jwt::split(string_arg(args, 0)?)?;
    let secret = string_arg(args, 1)?;
    let signature = token.signature()?;
    let expected = hmac_bytes::<M>(secret.as_bytes(), token.signing_input().as_bytes());
    Ok(RegoValue::from(signature == expected))
}

/// DER blocks of the input: PEM text, base64 of DER, or base64 of PEM text.
fn der_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, String> {
    let trimmed = text.trim();
    if trimmed.starts_with("-----BEGIN") {
        return pem_blocks(trimmed, label);
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD
        .decode(&compact)
        .map_err(|_| format!("input is neither PEM nor base64-encoded {label} data"))?;
    if bytes.starts_with(b"-----BEGIN") {
        let pem = String::from_utf8(bytes).map_err(|err| err.to_string())?;
        return pem_blocks(&pem, label);
    }
    Ok(vec![bytes])
}

fn pem_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut blocks = Vec::new();
    let mut rest = text.as_bytes();
    while let Some(start) = find(rest, b"-----BEGIN") {
        rest = &rest[start..];
        let (remaining, pem) = x509_parser::pem::parse_x509_pem(rest)
            .map_err(|err| format!("invalid PEM block: {err}"))?;
        blocks.push(pem.contents);
        rest = remaining;
    }
    if blocks.is_empty() {
        return Err(format!("no PEM {label} block found"));
    }
    Ok(blocks)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_certificates(text: &str) -> Result<Vec<Json>, String> {
    let mut out = Vec::new();
    for der in der_blocks(text, "certificate")? {
        let mut rest: &[u8] = &der;
        // A base64 DER input may hold several certificates back to back.
        while !rest.is_empty() {
            let (remaining, certificate) = x509_parser::parse_x509_certificate(rest)
                .map_err(|err| format!("invalid certificate: {err}"))?;
            let raw = &rest[..rest.len() - remaining.len()];
            out.push(certificate_json(&certificate, raw));
            rest = remaining;
        }
    }
    Ok(out)
}

fn parse_certificate_request(text: &str) -> Result<Json, String> {
    use x509_parser::prelude::FromDer;
    let blocks = der_blocks(text, "certificate request")?;
    let der = blocks.first().ok_or("no certificate request found")?;
    let (_, request) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|err| format!("invalid certificate request: {err}"))?;
    let info = &request.certification_request_info;
    let mut object = serde_json::Map::new();
    object.insert("Raw".into(), json!(STANDARD.encode(der)));
    object.insert("Version".into(), json!(info.version.0));
    object.insert("Subject".into(), name_json(&info.subject));
    object.insert(
        "SignatureAlgorithm".into(),
        json!(signature_algorithm(
            &request.signature_algorithm.algorithm.to_id_string()
        )),
    );
    object.insert(
        "PublicKeyAlgorithm".into(),
        json!(public_key_algorithm(
            &info.subject_pki.algorithm.algorithm.to_id_string()
        )),
    );
    object.insert("PublicKey".into(), public_key_json(&info.subject_pki));
    let mut dns = Vec::new();
    let mut emails = Vec::new();
    let mut ips = Vec::new();
    let mut uris = Vec::new();
    if let Some(extensions) = request.requested_extensions() {
        for extension in extensions {
            if let x509_parser::extensions::ParsedExtension::SubjectAlternativeName(san) = extension
            {
                collect_names(
                    &san.general_names,
                    &mut dns,
                    &mut emails,
                    &mut ips,
                    &mut uris,
                );
            }
        }
    }
    object.insert("DNSNames".into(), null_if_empty(dns));
    object.insert("EmailAddresses".into(), null_if_empty(emails));
    object.insert("IPAddresses".into(), null_if_empty(ips));
    object.insert("URIs".into(), null_if_empty(uris));
    Ok(Json::Object(object))
}

fn null_if_empty(values: Vec<Json>) -> Json {
    if values.is_empty() {
        Json::Null
    } else {
        Json::Array(values)
    }
}

fn collect_names(
    names: &[x509_parser::extensions::GeneralName<'_>],
    dns: &mut Vec<Json>,
    emails: &mut Vec<Json>,
    ips: &mut Vec<Json>,
    uris: &mut Vec<Json>,
) {
    use x509_parser::extensions::GeneralName;
    for name in names {
        match name {
            GeneralName::DNSName(n) => dns.push(json!(n)),
            GeneralName::RFC822Name(n) => emails.push(json!(n)),
            GeneralName::URI(n) => uris.push(json!(n)),
            GeneralName::IPAddress(bytes) => {
                if let Some(ip) = ip_from_bytes(bytes) {
                    ips.push(json!(ip.to_string()));
                }
            }
            _ => {}
        }
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

/// Go's `x509.SignatureAlgorithm` numbers, by OID.
fn signature_algorithm(oid: &str) -> u32 {
    match oid {
        "1.2.840.113549.1.1.2" => 1,
        "1.2.840.113549.1.1.4" => 2,
        "1.2.840.113549.1.1.5" => 3,
        "1.2.840.113549.1.1.11" => 4,
        "1.2.840.113549.1.1.12" => 5,
        "1.2.840.113549.1.1.13" => 6,
        "1.2.840.10040.4.3" => 7,
        "2.16.840.1.101.3.4.3.2" => 8,
        "1.2.840.10045.4.1" => 9,
        "1.2.840.10045.4.3.2" => 10,
        "1.2.840.10045.4.3.3" => 11,
        "1.2.840.10045.4.3.4" => 12,
        "1.2.840.113549.1.1.10" => 13,
        "1.3.101.112" => 16,
        _ => 0,
    }
}

/// Go's `x509.PublicKeyAlgorithm` numbers, by OID.
fn public_key_algorithm(oid: &str) -> u32 {
    match oid {
        "1.2.840.113549.1.1.1" => 1,
        "1.2.840.10040.4.1" => 2,
        "1.2.840.10045.2.1" => 3,
        "1.3.101.112" => 4,
        _ => 0,
    }
}

/// Go's `pkix.Name` as JSON.
fn name_json(name: &x509_parser::x509::X509Name<'_>) -> Json {
    let strings = |oid: &str| -> Json {
        let values: Vec<Json> = name
            .iter_attributes()
            .filter(|a| a.attr_type().to_id_string() == oid)
            .filter_map(|a| a.as_str().ok().map(|s| json!(s)))
            .collect();
        null_if_empty(values)
    };
    let common_name = name
        .iter_common_name()
        .filter_map(|a| a.as_str().ok())
        .last()
        .unwrap_or("");
    let serial = name
        .iter_attributes()
        .filter(|a| a.attr_type().to_id_string() == "2.5.4.5")
        .filter_map(|a| a.as_str().ok())
        .last()
        .unwrap_or("");
    let names: Vec<Json> = name
        .iter_attributes()
        .map(|a| {
            let oid: Vec<Json> = a
                .attr_type()
                .iter()
                .map(|arcs| arcs.map(|n| json!(n)).collect())
                .unwrap_or_default();
            json!({"Type": oid, "Value": a.as_str().unwrap_or("")})
        })
        .collect();
    json!({
        "Country": strings("2.5.4.6"),
        "Organization": strings("2.5.4.10"),
        "OrganizationalUnit": strings("2.5.4.11"),
        "Locality": strings("2.5.4.7"),
        "Province": strings("2.5.4.8"),
        "StreetAddress": strings("2.5.4.9"),
        "PostalCode": strings("2.5.4.17"),
        "SerialNumber": serial,
        "CommonName": common_name,
        "Names": names,
        "ExtraNames": null,
    })
}

fn public_key_json(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> Json {
    use x509_parser::public_key::PublicKey;
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            let n = num_bigint_dig::BigUint::from_bytes_be(rsa.modulus);
            let e = num_bigint_dig::BigUint::from_bytes_be(rsa.exponent);
            json!({"N": n.to_string(), "E": e.to_string().parse::<u64>().unwrap_or(0)})
        }
        Ok(PublicKey::EC(point)) => {
            let data = point.data();
            // Uncompressed point: 0x04 || X || Y.
            if data.first() == Some(&4) && data.len() % 2 == 1 {
                let half = (data.len() - 1) / 2;
                let x = num_bigint_dig::BigUint::from_bytes_be(&data[1..1 + half]);
                let y = num_bigint_dig::BigUint::from_bytes_be(&data[1 + half..]);
                json!({"Curve": {}, "X": x.to_string(), "Y": y.to_string()})
            } else {
                json!({})
            }
        }
        _ => json!(STANDARD.encode(spki.subject_public_key.data.as_ref())),
    }
}

fn rfc3339(time: x509_parser::time::ASN1Time) -> String {
    jiff::Timestamp::from_second(time.timestamp())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Go's `x509.Certificate` marshalled to JSON, the shape OPA's builtin returns.
fn certificate_json(cert: &x509_parser::certificate::X509Certificate<'_>, raw: &[u8]) -> Json {
    use x509_parser::extensions::ParsedExtension;
    let tbs = &cert.tbs_certificate;
    let mut key_usage = 0u16;
    let mut ext_key_usage: Vec<Json> = Vec::new();
    let mut unknown_ext_key_usage: Vec<Json> = Vec::new();
    let mut basic_constraints_valid = false;
    let mut is_ca = false;
    // Go leaves MaxPathLen at 0 without basic constraints, and -1 when they set no length.
    let mut max_path_len: i64 = 0;
    let mut subject_key_id = Json::Null;
    let mut authority_key_id = Json::Null;
    let (mut dns, mut emails, mut ips, mut uris) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ocsp = Vec::new();
    let mut issuing = Vec::new();
    let mut crl = Vec::new();
    let mut extensions = Vec::new();
    for extension in tbs.extensions() {
        extensions.push(json!({
            "Id": extension.oid.iter().map(|arcs| arcs.collect::<Vec<u64>>()).unwrap_or_default(),
            "Critical": extension.critical,
            "Value": STANDARD.encode(extension.value),
        }));
        match extension.parsed_extension() {
            ParsedExtension::KeyUsage(usage) => key_usage = usage.flags,
            ParsedExtension::ExtendedKeyUsage(usage) => {
                for (set, code) in [
                    (usage.any, 0),
                    (usage.server_auth, 1),
                    (usage.client_auth, 2),
                    (usage.code_signing, 3),
                    (usage.email_protection, 4),
                    (usage.time_stamping, 8),
                    (usage.ocsp_signing, 9),
                ] {
                    if set {
                        ext_key_usage.push(json!(code));
                    }
                }
                for oid in &usage.other {
                    unknown_ext_key_usage.push(json!(
                        oid.iter()
                            .map(|arcs| arcs.collect::<Vec<u64>>())
                            .unwrap_or_default()
                    ));
                }
            }
            ParsedExtension::BasicConstraints(constraints) => {
                basic_constraints_valid = true;
                is_ca = constraints.ca;
                max_path_len = constraints.path_len_constraint.map_or(-1, i64::from);
            }
            ParsedExtension::SubjectKeyIdentifier(id) => {
                subject_key_id = json!(STANDARD.encode(id.0));
            }
            ParsedExtension::AuthorityKeyIdentifier(id) => {
                if let Some(key) = &id.key_identifier {
                    authority_key_id = json!(STANDARD.encode(key.0));
                }
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                collect_names(
                    &san.general_names,
                    &mut dns,
                    &mut emails,
                    &mut ips,
                    &mut uris,
                );
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for access in &aia.accessdescs {
                    if let x509_parser::extensions::GeneralName::URI(uri) = access.access_location {
                        match access.access_method.to_id_string().as_str() {
                            "1.3.6.1.5.5.7.48.1" => ocsp.push(json!(uri)),
                            "1.3.6.1.5.5.7.48.2" => issuing.push(json!(uri)),
                            _ => {}
                        }
                    }
                }
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    if let Some(x509_parser::extensions::DistributionPointName::FullName(names)) =
                        &point.distribution_point
                    {
                        for name in names {
                            if let x509_parser::extensions::GeneralName::URI(uri) = name {
                                crl.push(json!(uri));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let serial = tbs.serial.to_string();
    json!({
        "Raw": STANDARD.encode(raw),
        "RawTBSCertificate": STANDARD.encode(tbs.as_ref()),
        "RawSubjectPublicKeyInfo": STANDARD.encode(tbs.subject_pki.raw),
        "RawSubject": STANDARD.encode(tbs.subject.as_raw()),
        "RawIssuer": STANDARD.encode(tbs.issuer.as_raw()),
        "Signature": STANDARD.encode(cert.signature_value.data.as_ref()),
        "SignatureAlgorithm": signature_algorithm(&cert.signature_algorithm.algorithm.to_id_string()),
        "PublicKeyAlgorithm": public_key_algorithm(&tbs.subject_pki.algorithm.algorithm.to_id_string()),
        "PublicKey": public_key_json(&tbs.subject_pki),
        "Version": tbs.version.0 + 1,
        "SerialNumber": serial.parse::<u64>().map(Json::from).unwrap_or(Json::String(serial)),
        "Issuer": name_json(&tbs.issuer),
        "Subject": name_json(&tbs.subject),
        "NotBefore": rfc3339(tbs.validity.not_before),
        "NotAfter": rfc3339(tbs.validity.not_after),
        "KeyUsage": key_usage,
        "Extensions": extensions,
        "ExtraExtensions": null,
        "UnhandledCriticalExtensions": null,
        "ExtKeyUsage": null_if_empty(ext_key_usage),
        "UnknownExtKeyUsage": null_if_empty(unknown_ext_key_usage),
        "BasicConstraintsValid": basic_constraints_valid,
        "IsCA": is_ca,
        "MaxPathLen": max_path_len,
        "MaxPathLenZero": basic_constraints_valid && max_path_len == 0,
        "SubjectKeyId": subject_key_id,
        "AuthorityKeyId": authority_key_id,
        "OCSPServer": null_if_empty(ocsp),
        "IssuingCertificateURL": null_if_empty(issuing),
        "DNSNames": null_if_empty(dns),
        "EmailAddresses": null_if_empty(emails),
        "IPAddresses": null_if_empty(ips),
        "URIs": null_if_empty(uris),
        "CRLDistributionPoints": null_if_empty(crl),
    })
}

/// Converts a builtin result back to JSON for tests and callers.
pub fn result_json(value: &RegoValue) -> Option<Json> {
    to_json(value)
}
