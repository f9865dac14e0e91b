//! A small DER writer and reader, and PEM armour, shaped after Go's `encoding/asn1` and
//! `encoding/pem` output: just what keys and certificates need.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub(crate) const TAG_BOOLEAN: u8 = 0x01;
pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_UTF8_STRING: u8 = 0x0c;
pub(crate) const TAG_PRINTABLE_STRING: u8 = 0x13;
pub(crate) const TAG_UTC_TIME: u8 = 0x17;
pub(crate) const TAG_GENERALIZED_TIME: u8 = 0x18;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;

/// One TLV with the given tag and contents.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 6);
    out.push(tag);
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}

/// A SEQUENCE of already-encoded parts.
pub(crate) fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(TAG_SEQUENCE, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes (minimal, with a leading zero when
/// the high bit is set, as `math/big` values marshal).
pub(crate) fn uint_bytes(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|b| **b == 0).count();
    let m = &magnitude[skip..];
    let mut body = Vec::with_capacity(m.len() + 1);
    if m.is_empty() || m[0] & 0x80 != 0 {
        body.push(0);
    }
    body.extend_from_slice(m);
    tlv(TAG_INTEGER, &body)
}

/// A small INTEGER.
pub(crate) fn small_int(v: u64) -> Vec<u8> {
    uint_bytes(&v.to_be_bytes())
}

/// An OBJECT IDENTIFIER from its arcs.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    if arcs.len() >= 2 {
        push_base128(&mut body, arcs[0] * 40 + arcs[1]);
    }
    for a in arcs.iter().skip(2) {
        push_base128(&mut body, *a);
    }
    tlv(TAG_OID, &body)
}

fn push_base128(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    let last = tmp.len() - 1;
    for (k, b) in tmp.iter().enumerate().skip(i) {
        out.push(if k == last { *b } else { *b | 0x80 });
    }
}

/// A BIT STRING with no unused bits.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes.len() + 1);
    body.push(0);
    body.extend_from_slice(bytes);
    tlv(TAG_BIT_STRING, &body)
}

/// A context-specific constructed (`[n] EXPLICIT`) wrapper.
pub(crate) fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, inner)
}

/// A parsed TLV: tag, contents, and the whole encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub contents: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads consecutive TLVs from a buffer.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

/// A DER structure is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { rest: data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next TLV, whatever its tag.
    pub(crate) fn next_any(&mut self) -> Result<Tlv<'a>, Malformed> {
        let data = self.rest;
        let tag = *data.first().ok_or(Malformed)?;
        if tag & 0x1f == 0x1f {
            return Err(Malformed);
        }
        let first = *data.get(1).ok_or(Malformed)?;
        let (len, header) = if first < 0x80 {
            (first as usize, 2)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 {
                return Err(Malformed);
            }
            let bytes = data.get(2..2 + n).ok_or(Malformed)?;
            let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + n)
        };
        let end = header.checked_add(len).ok_or(Malformed)?;
        let contents = data.get(header..end).ok_or(Malformed)?;
        let raw = &data[..end];
        self.rest = &data[end..];
        Ok(Tlv { tag, contents, raw })
    }

    /// The next TLV, which must have `tag`.
    pub(crate) fn next(&mut self, tag: u8) -> Result<Tlv<'a>, Malformed> {
        let t = self.next_any()?;
        if t.tag == tag { Ok(t) } else { Err(Malformed) }
    }

    /// The next TLV if it has `tag`.
    pub(crate) fn next_if(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Malformed> {
        if self.rest.first() == Some(&tag) {
            self.next_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// An INTEGER's magnitude (non-negative only), leading zeros stripped.
    pub(crate) fn uint(&mut self) -> Result<&'a [u8], Malformed> {
        let t = self.next(TAG_INTEGER)?;
        if t.contents.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(Malformed);
        }
        let skip = t.contents.iter().take_while(|b| **b == 0).count();
        Ok(&t.contents[skip..])
    }
}

/// Go's `pem.EncodeToMemory`: 64-column base64 lines.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// The first PEM block in `text` (Go's `pem.Decode`, without headers support beyond
/// skipping them): its type and decoded bytes.
pub(crate) fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let mut search = text;
    loop {
        let start = search.find("-----BEGIN ")?;
        let after = &search[start + 11..];
        let end_label = after.find("-----")?;
        let label = &after[..end_label];
        let body_start = &after[end_label + 5..];
        let body_start = match body_start.find('\n') {
            Some(i) if body_start[..i].trim().is_empty() => &body_start[i + 1..],
            _ => {
                search = body_start;
                continue;
            }
        };
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else {
            search = body_start;
            continue;
        };
        let body = &body_start[..end];
        // Skip RFC 1421 headers (lines with ':' before a blank line).
        let body = match body.find("\n\n") {
            Some(i) if body[..i].contains(':') => &body[i + 2..],
            _ => body,
        };
        let cleaned: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        match STANDARD.decode(cleaned.as_bytes()) {
            Ok(bytes) => return Some((label.to_owned(), bytes)),
            Err(_) => {
                search = &body_start[end..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_lengths_and_integers_as_go() {
        assert_eq!(small_int(0), vec![2, 1, 0]);
        assert_eq!(small_int(128), vec![2, 2, 0, 128]);
        assert_eq!(tlv(4, &[0u8; 200])[..3], [4, 0x81, 200]);
        assert_eq!(oid(&[2, 5, 29, 15]), vec![6, 3, 0x55, 0x1d, 0x0f]);
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 1, 11]),
            vec![6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]
        );
    }

    #[test]
    fn pem_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = pem_encode("TEST", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(pem_decode(&pem), Some(("TEST".to_owned(), der)));
    }
}
