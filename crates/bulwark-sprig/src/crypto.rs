//! Sprig's crypto functions (`crypto.go`): digests, bcrypt and `htpasswd`, the Master
//! Password `derivePassword`, private keys, certificates, AES-CBC `encryptAES`/`decryptAES`
//! and `randBytes`.

use std::net::IpAddr;

use aes::cipher::{BlockDecrypt as _, BlockEncrypt as _, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bulwark_gotmpl::{FuncError, FuncMap, ParamType, Signature, Value};
use hmac::Mac as _;
use rand::RngCore as _;
use rand::rngs::OsRng;
use sha2::Digest as _;

use crate::args::{int_arg, str_arg};
use crate::certs::{self, CertTemplate, Certificate, Signer};
use crate::der;
use crate::keys::{self, PrivateKey};

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Go's `hash/adler32.Checksum`.
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Go's `bcrypt.GenerateFromPassword(password, 10)`: a `$2a$10$` hash.
fn bcrypt_hash(password: &str) -> Result<String, String> {
    if password.len() > 72 {
        return Err("bcrypt: password length exceeds 72 bytes".into());
    }
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    bcrypt::hash_with_salt(password.as_bytes(), 10, salt)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| e.to_string())
}

fn sprig_bcrypt(input: &str) -> String {
    bcrypt_hash(input).unwrap_or_else(|e| format!("failed to encrypt string with bcrypt: {e}"))
}

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => b"",
    }
}

/// Sprig's `derivePassword`: the Master Password algorithm (scrypt N=32768, r=8, p=2, then
/// HMAC-SHA256 over the site).
pub fn derive_password(
    counter: u32,
    password_type: &str,
    password: &str,
    user: &str,
    site: &str,
) -> String {
    let Some(templates) = password_templates(password_type) else {
        return format!("cannot find password template {password_type}");
    };
    let mut salt = Vec::new();
    salt.extend_from_slice(MASTER_PASSWORD_SEED.as_bytes());
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2, 64) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = Vec::new();
    msg.extend_from_slice(MASTER_PASSWORD_SEED.as_bytes());
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&key) else {
        return "failed to derive password: hmac key".into();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[seed[0] as usize % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_characters(*c);
            let pick = seed.get(i + 1).copied().unwrap_or(0) as usize;
            chars
                .get(pick % chars.len().max(1))
                .copied()
                .unwrap_or(b'?') as char
        })
        .collect()
}

/// Sprig's `genPrivateKey`: PEM text, or an explanatory string on failure.
pub fn generate_private_key(kind: &str) -> String {
    let key = match kind {
        "" | "rsa" => keys::generate_rsa(4096),
        "ecdsa" => Ok(keys::generate_ecdsa()),
        "ed25519" => Ok(keys::generate_ed25519()),
        "dsa" => return "failed to generate dsa params: DSA is not supported".into(),
        _ => return format!("Unknown type {kind}"),
    };
    match key {
        Ok(k) => k.to_pem(),
        Err(e) => format!("failed to generate private key: {e}"),
    }
}

fn rsa_2048() -> Result<PrivateKey, FuncError> {
    keys::generate_rsa(2048).map_err(|e| FuncError::new(format!("error generating rsa key: {e}")))
}

fn pem_key(text: &str) -> Result<PrivateKey, FuncError> {
    keys::parse_private_key_pem(text)
        .map_err(|e| FuncError::new(format!("parsing private key: {e}")))
}

fn ip_list(v: &Value) -> Result<Vec<IpAddr>, FuncError> {
    let Value::List(items) = v else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => s
                .parse::<IpAddr>()
                .map_err(|_| FuncError::new(format!("error parsing ip: {s}"))),
            other => Err(FuncError::new(format!(
                "error parsing ip: {} is not a string",
                other.to_go_string()
            ))),
        })
        .collect()
}

fn dns_list(v: &Value) -> Result<Vec<String>, FuncError> {
    let Value::List(items) = v else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.to_string()),
            other => Err(FuncError::new(format!(
                "error processing alternate dns name: {} is not a string",
                other.to_go_string()
            ))),
        })
        .collect()
}

fn certificate_arg(v: &Value) -> Result<Certificate, FuncError> {
    if let Value::Opaque(o) = v
        && let Some(c) = o.as_any().downcast_ref::<Certificate>()
    {
        return Ok(c.clone());
    }
    Err(FuncError::new(format!(
        "wrong type for value; expected sprig.certificate; got {}",
        v.type_name()
    )))
}

fn create(
    template: &CertTemplate,
    key: &PrivateKey,
    signer: Option<Signer<'_>>,
) -> Result<Value, FuncError> {
    certs::create(template, key, signer)
        .map(Certificate::into_value)
        .map_err(FuncError::new)
}

fn sign_with_ca(
    template: &CertTemplate,
    key: &PrivateKey,
    ca: &Certificate,
) -> Result<Value, FuncError> {
    let Some((_, ca_der)) = der::pem_decode(&ca.cert) else {
        return Err(FuncError::new("unable to decode certificate"));
    };
    let (subject, skid) = certs::parse_signer_parts(&ca_der).map_err(|e| {
        FuncError::new(format!(
            "error parsing certificate: decodedSignerCert.Bytes: {e}"
        ))
    })?;
    let ca_key = keys::parse_private_key_pem(&ca.key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    create(
        template,
        key,
        Some(Signer {
            subject,
            subject_key_id: skid,
            key: &ca_key,
        }),
    )
}

fn build_custom_cert(b64cert: &str, b64key: &str) -> Result<Value, FuncError> {
    let cert = STANDARD
        .decode(b64cert)
        .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
    let key = STANDARD
        .decode(b64key)
        .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
    let cert_text = String::from_utf8_lossy(&cert).into_owned();
    let key_text = String::from_utf8_lossy(&key).into_owned();
    let Some((_, der_bytes)) = der::pem_decode(&cert_text) else {
        return Err(FuncError::new("unable to decode certificate"));
    };
    certs::parse_signer_parts(&der_bytes).map_err(|e| {
        FuncError::new(format!("error parsing certificate: decodedCert.Bytes: {e}"))
    })?;
    keys::parse_private_key_pem(&key_text)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    Ok(Certificate {
        cert: cert_text,
        key: key_text,
    }
    .into_value())
}

fn aes_key(password: &str) -> aes::Aes256 {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    aes::Aes256::new(&key.into())
}

/// Sprig's `encryptAES`: AES-256-CBC (key = password bytes zero-padded or cut to 32), PKCS#7
/// padding, random IV prepended, base64.
pub fn encrypt_aes(password: &str, plaintext: &str) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut iv);
    let mut out = iv.to_vec();
    let mut prev = iv;
    for block in content.chunks(16) {
        let mut b = [0u8; 16];
        for (i, x) in block.iter().enumerate() {
            b[i] = x ^ prev[i];
        }
        let mut ga = b.into();
        cipher.encrypt_block(&mut ga);
        prev = ga.into();
        out.extend_from_slice(&prev);
    }
    STANDARD.encode(out)
}

/// Sprig's `decryptAES`. Go panics on input that is not whole blocks; that panic surfaces as
/// an error here.
pub fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, String> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = STANDARD
        .decode(crypt64)
        .map_err(|e| go_base64_error(crypt64, &e))?;
    if crypt.len() < 16 {
        return Err(
            "runtime error: slice bounds out of range [:16] with capacity ".to_owned()
                + &crypt.len().to_string(),
        );
    }
    let cipher = aes_key(password);
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let mut prev: [u8; 16] = iv.try_into().map_err(|_| "bad iv".to_owned())?;
    let mut out = Vec::with_capacity(body.len());
    for block in body.chunks(16) {
        let mut ga: aes::Block = <[u8; 16]>::try_from(block)
            .map_err(|_| "crypto/cipher: input not full blocks".to_owned())?
            .into();
        cipher.decrypt_block(&mut ga);
        for (i, x) in ga.iter().enumerate() {
            out.push(x ^ prev[i]);
        }
        prev = block.try_into().map_err(|_| "bad block".to_owned())?;
    }
    let Some(&last) = out.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let keep = out.len().checked_sub(last as usize).ok_or_else(|| {
        format!(
            "runtime error: slice bounds out of range [:{}]",
            out.len() as i64 - last as i64
        )
    })?;
    out.truncate(keep);
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `base64.CorruptInputError` text for `s`.
fn go_base64_error(s: &str, e: &base64::DecodeError) -> String {
    let offset = match e {
        base64::DecodeError::InvalidByte(i, _) => *i,
        base64::DecodeError::InvalidLastSymbol(i, _) => *i,
        _ => s.len(),
    };
    format!("illegal base64 data at input byte {offset}")
}

/// Registers the crypto group.
pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, Int, List, String as Str};
    map.insert_fn("sha1sum", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(hex(&sha1::Sha1::digest(
            str_arg(&a, 0).as_bytes(),
        ))))
    });
    map.insert_fn("sha256sum", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(hex(&sha2::Sha256::digest(
            str_arg(&a, 0).as_bytes(),
        ))))
    });
    map.insert_fn("sha512sum", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(hex(&sha2::Sha512::digest(
            str_arg(&a, 0).as_bytes(),
        ))))
    });
    map.insert_fn("adler32sum", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(adler32(str_arg(&a, 0).as_bytes()).to_string()))
    });
    map.insert_fn("bcrypt", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(sprig_bcrypt(str_arg(&a, 0))))
    });
    map.insert_fn("htpasswd", Signature::fixed(&[Str, Str]), |_, a| {
        let user = str_arg(&a, 0);
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!(
            "{user}:{}",
            sprig_bcrypt(str_arg(&a, 1))
        )))
    });
    map.insert_fn(
        "derivePassword",
        Signature::fixed(&[Any, Str, Str, Str, Str]),
        |_, a| {
            let counter = match a.first() {
                Some(Value::Int(i) | Value::Int64(i)) if u32::try_from(*i).is_ok() => *i as u32,
                Some(Value::Uint(u)) if u32::try_from(*u).is_ok() => *u as u32,
                Some(other) => {
                    return Err(FuncError::new(format!(
                        "wrong type for value; expected uint32; got {}",
                        other.type_name()
                    )));
                }
                None => 0,
            };
            Ok(Value::from(derive_password(
                counter,
                str_arg(&a, 1),
                str_arg(&a, 2),
                str_arg(&a, 3),
                str_arg(&a, 4),
            )))
        },
    );
    map.insert_fn("genPrivateKey", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(generate_private_key(str_arg(&a, 0))))
    });
    map.insert_fn("buildCustomCert", Signature::fixed(&[Str, Str]), |_, a| {
        build_custom_cert(str_arg(&a, 0), str_arg(&a, 1))
    });
    map.insert_fn("genCA", Signature::fixed(&[Str, Int]), |_, a| {
        let key = rsa_2048()?;
        create(&ca_template(&a), &key, None)
    });
    map.insert_fn(
        "genCAWithKey",
        Signature::fixed(&[Str, Int, Str]),
        |_, a| {
            let key = pem_key(str_arg(&a, 2))?;
            create(&ca_template(&a), &key, None)
        },
    );
    map.insert_fn(
        "genSelfSignedCert",
        Signature::fixed(&[Str, List, List, Int]),
        |_, a| {
            let template = leaf_template(&a)?;
            let key = rsa_2048()?;
            create(&template, &key, None)
        },
    );
    map.insert_fn(
        "genSelfSignedCertWithKey",
        Signature::fixed(&[Str, List, List, Int, Str]),
        |_, a| {
            let template = leaf_template(&a)?;
            let key = pem_key(str_arg(&a, 4))?;
            create(&template, &key, None)
        },
    );
    map.insert_fn(
        "genSignedCert",
        Signature::fixed(&[Str, List, List, Int, Any]),
        |_, a| {
            let ca = certificate_arg(a.get(4).unwrap_or(&Value::Nil))?;
            let template = leaf_template(&a)?;
            let key = rsa_2048()?;
            sign_with_ca(&template, &key, &ca)
        },
    );
    map.insert_fn(
        "genSignedCertWithKey",
        Signature::fixed(&[Str, List, List, Int, Any, Str]),
        |_, a| {
            let ca = certificate_arg(a.get(4).unwrap_or(&Value::Nil))?;
            let template = leaf_template(&a)?;
            let key = pem_key(str_arg(&a, 5))?;
            sign_with_ca(&template, &key, &ca)
        },
    );
    map.insert_fn("encryptAES", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::from(encrypt_aes(str_arg(&a, 0), str_arg(&a, 1))))
    });
    map.insert_fn("decryptAES", Signature::fixed(&[Str, Str]), |_, a| {
        decrypt_aes(str_arg(&a, 0), str_arg(&a, 1))
            .map(Value::from)
            .map_err(FuncError::new)
    });
    map.insert_fn("randBytes", Signature::fixed(&[Int]), |_, a| {
        let n = int_arg(&a, 0);
        if n < 0 {
            return Err(FuncError::new(
                "runtime error: makeslice: len out of range".to_string(),
            ));
        }
        let mut buf = vec![0u8; n as usize];
        OsRng.fill_bytes(&mut buf);
        Ok(Value::from(STANDARD.encode(buf)))
    });
}

fn ca_template(a: &[Value]) -> CertTemplate {
    CertTemplate {
        common_name: str_arg(a, 0).to_owned(),
        ips: Vec::new(),
        dns_names: Vec::new(),
        days_valid: int_arg(a, 1),
        is_ca: true,
    }
}

fn leaf_template(a: &[Value]) -> Result<CertTemplate, FuncError> {
    Ok(CertTemplate {
        common_name: str_arg(a, 0).to_owned(),
        ips: ip_list(a.get(1).unwrap_or(&Value::Nil))?,
        dns_names: dns_list(a.get(2).unwrap_or(&Value::Nil))?,
        days_valid: int_arg(a, 3),
        is_ca: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_go() {
        // Go's hash/adler32 golden values.
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"a"), 0x0062_0062);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn aes_round_trips() {
        let c = encrypt_aes("secret", "hello world, this is longer than a block");
        assert_eq!(
            decrypt_aes("secret", &c).as_deref(),
            Ok("hello world, this is longer than a block")
        );
        assert_eq!(encrypt_aes("x", ""), "");
    }
}
