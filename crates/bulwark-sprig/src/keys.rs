//! Private keys as Sprig makes and reads them: RSA (PKCS#1 `RSA PRIVATE KEY`), ECDSA P-256
//! (SEC 1 `EC PRIVATE KEY`) and Ed25519 (PKCS#8 `PRIVATE KEY`), encoded as Go's `crypto/x509`
//! marshals them; their public keys and signatures for certificates.

use rand::RngCore as _;
use rand::rngs::OsRng;
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
use rsa::{BigUint, RsaPrivateKey};
use sha2::{Digest as _, Sha256};

use crate::der::{self, Reader};

const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];

/// A private key of one of the kinds Sprig handles.
pub(crate) enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    Ecdsa(p256::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// Generates an RSA key of `bits` bits with public exponent 65537.
/// Primes come from [`crate::prime`]'s sieve + Miller–Rabin search for the usual sizes (several
/// times faster than `RsaPrivateKey::new`), and the key is assembled by the `rsa` crate.
pub(crate) fn generate_rsa(bits: usize) -> Result<PrivateKey, String> {
    let key = match crate::prime::rsa_primes(bits) {
        Some((p, q)) => RsaPrivateKey::from_primes(vec![p, q], BigUint::from(crate::prime::E)),
        None => RsaPrivateKey::new(&mut OsRng, bits),
    };
    key.map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
}

/// Generates a P-256 key.
pub(crate) fn generate_ecdsa() -> PrivateKey {
    PrivateKey::Ecdsa(p256::SecretKey::random(&mut OsRng))
}

/// Generates an Ed25519 key.
pub(crate) fn generate_ed25519() -> PrivateKey {
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
}

fn big(b: &BigUint) -> Vec<u8> {
    der::uint_bytes(&b.to_bytes_be())
}

impl PrivateKey {
    /// Sprig's `pemBlockForKey`: the PEM text of the key.
    pub(crate) fn to_pem(&self) -> String {
        match self {
            PrivateKey::Rsa(k) => der::pem_encode("RSA PRIVATE KEY", &pkcs1_der(k)),
            PrivateKey::Ecdsa(k) => der::pem_encode("EC PRIVATE KEY", &sec1_der(k)),
            PrivateKey::Ed25519(k) => {
                // PKCS#8 v1 without the public key, as Go's MarshalPKCS8PrivateKey.
                let inner = der::tlv(der::TAG_OCTET_STRING, &k.to_bytes());
                let body = der::sequence(&[
                    der::small_int(0),
                    der::sequence(&[der::oid(OID_ED25519)]),
                    der::tlv(der::TAG_OCTET_STRING, &inner),
                ]);
                der::pem_encode("PRIVATE KEY", &body)
            }
        }
    }

    /// The DER `SubjectPublicKeyInfo` of the public half.
    pub(crate) fn public_key_info(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => der::sequence(&[
                der::sequence(&[der::oid(OID_RSA), der::tlv(der::TAG_NULL, &[])]),
                der::bit_string(&self.public_key_bits()),
            ]),
            PrivateKey::Ecdsa(_) => der::sequence(&[
                der::sequence(&[der::oid(OID_EC_PUBLIC_KEY), der::oid(OID_P256)]),
                der::bit_string(&self.public_key_bits()),
            ]),
            PrivateKey::Ed25519(_) => der::sequence(&[
                der::sequence(&[der::oid(OID_ED25519)]),
                der::bit_string(&self.public_key_bits()),
            ]),
        }
    }

    /// The `subjectPublicKey` bits (what Go hashes for a subject key id).
    pub(crate) fn public_key_bits(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(k) => der::sequence(&[big(k.n()), big(k.e())]),
            PrivateKey::Ecdsa(k) => {
                use p256::elliptic_curve::sec1::ToEncodedPoint as _;
                k.public_key().to_encoded_point(false).as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
        }
    }

    /// The certificate signature algorithm Go picks for this key.
    pub(crate) fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => {
                der::sequence(&[der::oid(OID_SHA256_RSA), der::tlv(der::TAG_NULL, &[])])
            }
            PrivateKey::Ecdsa(_) => der::sequence(&[der::oid(OID_ECDSA_SHA256)]),
            PrivateKey::Ed25519(_) => der::sequence(&[der::oid(OID_ED25519)]),
        }
    }

    /// Signs `message` with the algorithm of [`PrivateKey::signature_algorithm`].
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(k) => {
                let digest = Sha256::digest(message);
                k.sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest)
                    .map_err(|e| e.to_string())
            }
            PrivateKey::Ecdsa(k) => {
                use p256::ecdsa::signature::RandomizedSigner as _;
                let signing = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = signing
                    .try_sign_with_rng(&mut OsRng, message)
                    .map_err(|e| e.to_string())?;
                let (r, s) = sig.split_bytes();
                Ok(der::sequence(&[der::uint_bytes(&r), der::uint_bytes(&s)]))
            }
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                Ok(k.sign(message).to_bytes().to_vec())
            }
        }
    }
}

fn pkcs1_der(k: &RsaPrivateKey) -> Vec<u8> {
    let primes = k.primes();
    let zero = BigUint::default();
    let p = primes.first().unwrap_or(&zero);
    let q = primes.get(1).unwrap_or(&zero);
    let dp = k.dp().cloned().unwrap_or_default();
    let dq = k.dq().cloned().unwrap_or_default();
    let qinv = k.crt_coefficient().unwrap_or_default();
    der::sequence(&[
        der::small_int(0),
        big(k.n()),
        big(k.e()),
        big(k.d()),
        big(p),
        big(q),
        big(&dp),
        big(&dq),
        big(&qinv),
    ])
}

fn sec1_der(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let point = k.public_key().to_encoded_point(false);
    der::sequence(&[
        der::small_int(1),
        der::tlv(der::TAG_OCTET_STRING, &k.to_bytes()),
        der::explicit(0, &der::oid(OID_P256)),
        der::explicit(1, &der::bit_string(point.as_bytes())),
    ])
}

fn encoded_oid(arcs: &[u64]) -> Vec<u8> {
    der::oid(arcs)
}

/// Sprig's `parsePrivateKeyPEM`, with its error messages.
pub(crate) fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    let Some((label, bytes)) = der::pem_decode(text) else {
        return Err("no PEM data in input".into());
    };
    if label == "PRIVATE KEY" {
        return parse_pkcs8(&bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = label.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {label}"));
    };
    match kind {
        "RSA" => parse_pkcs1(&bytes).map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => parse_sec1(&bytes).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => Err("parsing DSA private key from PEM: DSA keys are not supported".into()),
        _ => Err(format!("invalid private key type {label}")),
    }
}

fn parse_pkcs1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = |_| {
        "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            .to_owned()
    };
    let mut outer = Reader::new(bytes);
    let seq = outer.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let mut r = Reader::new(seq.contents);
    let _version = r.uint().map_err(malformed)?;
    let mut ints = Vec::with_capacity(5);
    for _ in 0..5 {
        ints.push(BigUint::from_bytes_be(r.uint().map_err(malformed)?));
    }
    let [n, e, d, p, q]: [BigUint; 5] = ints
        .try_into()
        .map_err(|_| "x509: malformed private key".to_owned())?;
    RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| format!("x509: invalid RSA private key: {e}"))
}

fn parse_sec1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = |_| "x509: failed to parse EC private key".to_owned();
    let mut outer = Reader::new(bytes);
    let seq = outer.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let mut r = Reader::new(seq.contents);
    let _version = r.uint().map_err(malformed)?;
    let key = r.next(der::TAG_OCTET_STRING).map_err(malformed)?;
    if let Some(params) = r.next_if(0xa0).map_err(malformed)?
        && params.contents != encoded_oid(OID_P256).as_slice()
    {
        return Err("x509: unknown elliptic curve".into());
    }
    p256::SecretKey::from_slice(key.contents)
        .map(PrivateKey::Ecdsa)
        .map_err(|_| "x509: invalid elliptic curve private key value".into())
}

fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = |_| "asn1: structure error: tags don't match".to_owned();
    let mut outer = Reader::new(bytes);
    let seq = outer.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let mut r = Reader::new(seq.contents);
    let _version = r.uint().map_err(malformed)?;
    let alg = r.next(der::TAG_SEQUENCE).map_err(malformed)?;
    let key = r.next(der::TAG_OCTET_STRING).map_err(malformed)?;
    let mut ar = Reader::new(alg.contents);
    let alg_oid = ar.next(der::TAG_OID).map_err(malformed)?;
    if alg_oid.raw == encoded_oid(OID_RSA).as_slice() {
        parse_pkcs1(key.contents)
    } else if alg_oid.raw == encoded_oid(OID_EC_PUBLIC_KEY).as_slice() {
        parse_sec1(key.contents)
    } else if alg_oid.raw == encoded_oid(OID_ED25519).as_slice() {
        let mut kr = Reader::new(key.contents);
        let seed = kr.next(der::TAG_OCTET_STRING).map_err(malformed)?;
        let seed: [u8; 32] = seed
            .contents
            .try_into()
            .map_err(|_| "x509: invalid Ed25519 private key length".to_owned())?;
        Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
            &seed,
        )))
    } else {
        Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_pkcs8_matches_go_layout() {
        let k = PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]));
        let pem = k.to_pem();
        let (label, der) = der::pem_decode(&pem).expect("pem");
        assert_eq!(label, "PRIVATE KEY");
        assert_eq!(der.len(), 48);
        assert_eq!(
            der[..16],
            [
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
                0x04, 0x20
            ]
        );
        assert!(matches!(
            parse_private_key_pem(&pem),
            Ok(PrivateKey::Ed25519(_))
        ));
    }

    #[test]
    fn ecdsa_round_trips() {
        let k = generate_ecdsa();
        let pem = k.to_pem();
        assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        let back = parse_private_key_pem(&pem).expect("parses");
        assert_eq!(back.public_key_bits(), k.public_key_bits());
    }

    #[test]
    fn rejects_non_key_pem() {
        let pem = der::pem_encode("CERTIFICATE", &[0x30, 0]);
        assert_eq!(
            parse_private_key_pem(&pem).err().as_deref(),
            Some("no private key data in PEM block of type CERTIFICATE")
        );
        assert_eq!(
            parse_private_key_pem("nothing").err().as_deref(),
            Some("no PEM data in input")
        );
    }
}
