//! X.509 certificates as Sprig's `genCA`, `genSelfSignedCert` and `genSignedCert` make them
//! through Go's `x509.CreateCertificate`: the same template fields, extensions in Go's order
//! and encodings, and the `certificate{Cert, Key}` value templates read.

use std::net::IpAddr;
use std::sync::Arc;

use bulwark_gotmpl::{Opaque, Value};
use rand::RngCore as _;
use rand::rngs::OsRng;
use sha2::{Digest as _, Sha256};

use crate::der::{self, Reader};
use crate::keys::PrivateKey;

/// Sprig's `certificate` struct: PEM text of a certificate and of its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// `CERTIFICATE` PEM block.
    pub cert: String,
    /// Private key PEM block.
    pub key: String,
}

impl Opaque for Certificate {
    fn type_name(&self) -> String {
        "sprig.certificate".into()
    }
    fn format(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Certificate {
    pub(crate) fn into_value(self) -> Value {
        Value::Opaque(Arc::new(self))
    }
}

/// What varies between Sprig's certificate kinds.
pub(crate) struct CertTemplate {
    pub common_name: String,
    pub ips: Vec<IpAddr>,
    pub dns_names: Vec<String>,
    pub days_valid: i64,
    pub is_ca: bool,
}

/// The parts of a signer certificate that a signed certificate needs.
pub(crate) struct Signer<'a> {
    /// Raw DER of the signer's subject `Name`.
    pub subject: Vec<u8>,
    /// The signer's subject key id, if any.
    pub subject_key_id: Option<Vec<u8>>,
    pub key: &'a PrivateKey,
}

const OID_CN: &[u64] = &[2, 5, 4, 3];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
const OID_SAN: &[u64] = &[2, 5, 29, 17];
const OID_SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
const OID_CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];

/// Go's `encoding/asn1` choice for a plain Go string: PrintableString when every byte is in
/// its set (Go also admits `*`), else UTF8String.
fn directory_string(s: &str) -> Vec<u8> {
    let printable = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*".contains(&b));
    let tag = if printable {
        der::TAG_PRINTABLE_STRING
    } else {
        der::TAG_UTF8_STRING
    };
    der::tlv(tag, s.as_bytes())
}

/// A `Name` holding only a common name (empty when the name is empty, as Go omits it).
fn subject_name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::sequence(&[]);
    }
    let atv = der::sequence(&[der::oid(OID_CN), directory_string(cn)]);
    der::sequence(&[der::tlv(der::TAG_SET, &atv)])
}

/// Go's time encoding in certificates: UTCTime for 1950–2049, else GeneralizedTime.
fn cert_time(t: jiff::Timestamp) -> Vec<u8> {
    let dt = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    let year = dt.year();
    if (1950..2050).contains(&year) {
        let s = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            year % 100,
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        der::tlv(der::TAG_UTC_TIME, s.as_bytes())
    } else {
        let s = format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}Z",
            year,
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        der::tlv(der::TAG_GENERALIZED_TIME, s.as_bytes())
    }
}

fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![der::oid(oid)];
    if critical {
        parts.push(der::tlv(der::TAG_BOOLEAN, &[0xff]));
    }
    parts.push(der::tlv(der::TAG_OCTET_STRING, value));
    der::sequence(&parts)
}

/// Go's `marshalKeyUsage`: bits reversed into bytes, trailing zero bits unused.
fn key_usage(bits: u16) -> Vec<u8> {
    let a = [
        (bits as u8).reverse_bits(),
        ((bits >> 8) as u8).reverse_bits(),
    ];
    let l = if a[1] != 0 { 2 } else { 1 };
    let bytes = &a[..l];
    let last = bytes[l - 1];
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    let mut body = vec![unused];
    body.extend_from_slice(bytes);
    der::tlv(der::TAG_BIT_STRING, &body)
}

const KU_DIGITAL_SIGNATURE: u16 = 1;
const KU_KEY_ENCIPHERMENT: u16 = 1 << 2;
const KU_CERT_SIGN: u16 = 1 << 5;

/// Go's subject key id for a CA: the first 160 bits of SHA-256 of the public key bits
/// (Go 1.25 and later).
fn subject_key_id(key: &PrivateKey) -> Vec<u8> {
    Sha256::digest(key.public_key_bits())[..20].to_vec()
}

/// Creates a certificate for `subject_key`, signed by `signer` (or self-signed), and returns
/// it as Sprig's `certificate` value.
pub(crate) fn create(
    template: &CertTemplate,
    subject_key: &PrivateKey,
    signer: Option<Signer<'_>>,
) -> Result<Certificate, String> {
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    let now = jiff::Timestamp::now();
    let not_after = now
        .checked_add(jiff::SignedDuration::from_hours(24 * template.days_valid))
        .map_err(|e| format!("error creating certificate: {e}"))?;

    let subject = subject_name(&template.common_name);
    let (issuer, signing_key, authority_key_id) = match &signer {
        Some(s) => {
            let aki = if s.subject != subject {
                s.subject_key_id.clone()
            } else {
                None
            };
            (s.subject.clone(), s.key, aki)
        }
        None => (subject.clone(), subject_key, None),
    };

    let mut extensions = Vec::new();
    let mut usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
    if template.is_ca {
        usage |= KU_CERT_SIGN;
    }
    extensions.push(extension(OID_KEY_USAGE, true, &key_usage(usage)));
    extensions.push(extension(
        OID_EXT_KEY_USAGE,
        false,
        &der::sequence(&[der::oid(OID_SERVER_AUTH), der::oid(OID_CLIENT_AUTH)]),
    ));
    let basic = if template.is_ca {
        der::sequence(&[der::tlv(der::TAG_BOOLEAN, &[0xff])])
    } else {
        der::sequence(&[])
    };
    extensions.push(extension(OID_BASIC_CONSTRAINTS, true, &basic));
    if template.is_ca {
        let skid = subject_key_id(subject_key);
        extensions.push(extension(
            OID_SUBJECT_KEY_ID,
            false,
            &der::tlv(der::TAG_OCTET_STRING, &skid),
        ));
    }
    if let Some(aki) = authority_key_id {
        extensions.push(extension(
            OID_AUTHORITY_KEY_ID,
            false,
            &der::sequence(&[der::tlv(0x80, &aki)]),
        ));
    }
    if !template.dns_names.is_empty() || !template.ips.is_empty() {
        let mut names = Vec::new();
        for d in &template.dns_names {
            names.push(der::tlv(0x82, d.as_bytes()));
        }
        for ip in &template.ips {
            match ip {
                IpAddr::V4(v4) => names.push(der::tlv(0x87, &v4.octets())),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => names.push(der::tlv(0x87, &v4.octets())),
                    None => names.push(der::tlv(0x87, &v6.octets())),
                },
            }
        }
        let critical = template.common_name.is_empty();
        extensions.push(extension(OID_SAN, critical, &der::sequence(&names)));
    }

    let sig_alg = signing_key.signature_algorithm();
    let tbs = der::sequence(&[
        der::explicit(0, &der::small_int(2)),
        der::uint_bytes(&serial),
        sig_alg.clone(),
        issuer,
        der::sequence(&[cert_time(now), cert_time(not_after)]),
        subject,
        subject_key.public_key_info(),
        der::explicit(3, &der::sequence(&extensions)),
    ]);
    let signature = signing_key
        .sign(&tbs)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let cert = der::sequence(&[tbs, sig_alg, der::bit_string(&signature)]);
    Ok(Certificate {
        cert: der::pem_encode("CERTIFICATE", &cert),
        key: subject_key.to_pem(),
    })
}

/// The subject and subject key id of a DER certificate (enough of Go's
/// `x509.ParseCertificate` to sign with it).
pub(crate) fn parse_signer_parts(cert: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
    let malformed = |_| "x509: malformed certificate".to_owned();
    let mut outer = Reader::new(cert);
    let c = outer.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let mut cr = Reader::new(c.contents);
    let tbs = cr.next(der::TAG_SEQUENCE).map_err(malformed)?;
    cr.next(der::TAG_SEQUENCE).map_err(malformed)?;
    cr.next(der::TAG_BIT_STRING).map_err(malformed)?;
    let mut r = Reader::new(tbs.contents);
    r.next_if(0xa0).map_err(malformed)?;
    r.next(der::TAG_INTEGER).map_err(malformed)?;
    r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let subject = r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let mut skid = None;
    while !r.is_empty() {
        let t = r.next_any().map_err(malformed)?;
        if t.tag != 0xa3 {
            continue;
        }
        let mut er = Reader::new(t.contents);
        let exts = er.next(der::TAG_SEQUENCE).map_err(malformed)?;
        let mut xr = Reader::new(exts.contents);
        while !xr.is_empty() {
            let ext = xr.next(der::TAG_SEQUENCE).map_err(malformed)?;
            let mut fr = Reader::new(ext.contents);
            let id = fr.next(der::TAG_OID).map_err(malformed)?;
            fr.next_if(der::TAG_BOOLEAN).map_err(malformed)?;
            let value = fr.next(der::TAG_OCTET_STRING).map_err(malformed)?;
            if id.raw == der::oid(OID_SUBJECT_KEY_ID).as_slice() {
                let mut vr = Reader::new(value.contents);
                let inner = vr.next(der::TAG_OCTET_STRING).map_err(malformed)?;
                skid = Some(inner.contents.to_vec());
            }
        }
    }
    Ok((subject.raw.to_vec(), skid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bits_match_go() {
        assert_eq!(
            key_usage(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT),
            vec![3, 2, 5, 0xa0]
        );
        assert_eq!(
            key_usage(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_CERT_SIGN),
            vec![3, 2, 2, 0xa4]
        );
    }

    #[test]
    fn names_use_printable_string_when_go_does() {
        assert_eq!(directory_string("*.a-b")[0], der::TAG_PRINTABLE_STRING);
        assert_eq!(directory_string("a&b")[0], der::TAG_UTF8_STRING);
        assert_eq!(directory_string("é")[0], der::TAG_UTF8_STRING);
        assert_eq!(subject_name(""), vec![0x30, 0]);
    }
}
