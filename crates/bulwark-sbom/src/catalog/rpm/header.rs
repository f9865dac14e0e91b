//! The rpm header blob as package databases store it: a big-endian index count and data
//! length, that many 16-byte index entries (tag, type, offset, count), then the data store.
//! An installed header starts with a region tag (`HEADERIMMUTABLE`) whose trailer says how
//! many entries the signed region holds; entries after the region ("dribbles", added at
//! install time) replace region entries with the same tag.

/// Tags read by the cataloger (rpmtag.h numbers).
pub(crate) mod tag {
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const VENDOR: u32 = 1011;
    pub const LICENSE: u32 = 1014;
    pub const ARCH: u32 = 1022;
    pub const OLDFILENAMES: u32 = 1027;
    pub const SOURCERPM: u32 = 1044;
    pub const DIRINDEXES: u32 = 1116;
    pub const BASENAMES: u32 = 1117;
    pub const DIRNAMES: u32 = 1118;
}

/// Region tags: `HEADERIMAGE`, `HEADERSIGNATURES`, `HEADERIMMUTABLE`.
const REGION_TAGS: [u32; 3] = [61, 62, 63];

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_BIN: u32 = 7;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits on a header (`HEADER_TAGS_MAX`, `HEADER_DATA_MAX`).
const MAX_ENTRIES: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;

#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: its index and data store, borrowed from the blob.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    entries: Vec<IndexEntry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    /// Parses a header blob, checking every entry lies inside the data store.
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Header<'a>, String> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err(format!("rpm header of {} bytes is too short", blob.len()));
        };
        let (il, dl) = (il as usize, dl as usize);
        if il == 0 || il > MAX_ENTRIES || dl > MAX_DATA {
            return Err(format!(
                "rpm header with {il} index entries and {dl} data bytes is out of bounds"
            ));
        }
        let start = 8 + il * 16;
        let Some(data) = blob.get(start..start + dl) else {
            return Err(format!(
                "rpm header declares {il} entries and {dl} data bytes but the blob has {} bytes",
                blob.len()
            ));
        };
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let field = |k: usize| be32(blob, at + 4 * k).unwrap_or(0);
            let e = IndexEntry {
                tag: field(0),
                ty: field(1),
                offset: field(2) as usize,
                count: field(3) as usize,
            };
            if e.offset >= dl && !(i == 0 && REGION_TAGS.contains(&e.tag) && e.ty == TYPE_BIN) {
                return Err(format!(
                    "rpm header entry for tag {} points at offset {} outside its {dl}-byte data",
                    e.tag, e.offset
                ));
            }
            entries.push(e);
        }
        Ok(Header { entries, data })
    }

    /// The entry for a tag: the last one wins, so dribble entries replace region ones.
    fn entry(&self, tag: u32) -> Option<IndexEntry> {
        self.entries.iter().rev().find(|e| e.tag == tag).copied()
    }

    /// `count` NUL-terminated strings from `offset`.
    fn strings_at(&self, offset: usize, count: usize) -> Option<Vec<&'a str>> {
        let mut out = Vec::with_capacity(count.min(4096));
        let mut at = offset;
        for _ in 0..count {
            let rest = self.data.get(at..)?;
            let len = rest.iter().position(|&b| b == 0)?;
            out.push(std::str::from_utf8(&rest[..len]).unwrap_or(""));
            at += len + 1;
        }
        Some(out)
    }

    /// A string tag (`STRING`, or the first of an `I18NSTRING` / `STRING_ARRAY`).
    pub(crate) fn string(&self, tag: u32) -> Option<&'a str> {
        let e = self.entry(tag)?;
        match e.ty {
            TYPE_STRING | TYPE_I18NSTRING | TYPE_STRING_ARRAY if e.count >= 1 => {
                self.strings_at(e.offset, 1)?.into_iter().next()
            }
            _ => None,
        }
    }

    /// A string-array tag.
    pub(crate) fn strings(&self, tag: u32) -> Option<Vec<&'a str>> {
        let e = self.entry(tag)?;
        match e.ty {
            TYPE_STRING_ARRAY | TYPE_I18NSTRING | TYPE_STRING => {
                // each string needs at least its NUL: a count above the data size is a lie
                if e.count > self.data.len() {
                    return None;
                }
                self.strings_at(e.offset, e.count)
            }
            _ => None,
        }
    }

    /// An `INT32` array tag.
    pub(crate) fn int32s(&self, tag: u32) -> Option<Vec<u32>> {
        let e = self.entry(tag)?;
        if e.ty != TYPE_INT32 || e.count > self.data.len() / 4 {
            return None;
        }
        (0..e.count)
            .map(|i| be32(self.data, e.offset + 4 * i))
            .collect()
    }

    /// The first value of an `INT32` tag.
    pub(crate) fn int32(&self, tag: u32) -> Option<u32> {
        self.int32s(tag)?.first().copied()
    }

    /// Whether the header opens with a region tag (an installed header does).
    #[cfg(test)]
    pub(crate) fn has_region(&self) -> bool {
        self.entries
            .first()
            .is_some_and(|e| REGION_TAGS.contains(&e.tag) && e.ty == TYPE_BIN)
    }

    /// The files the package installed: `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`, or the
    /// old `OLDFILENAMES` list.
    pub(crate) fn files(&self) -> Result<Vec<String>, String> {
        let Some(base) = self.strings(tag::BASENAMES) else {
            return Ok(self
                .strings(tag::OLDFILENAMES)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect());
        };
        let dirs = self.strings(tag::DIRNAMES).unwrap_or_default();
        let idx = self.int32s(tag::DIRINDEXES).unwrap_or_default();
        if idx.len() != base.len() {
            return Err(format!(
                "rpm header has {} file names but {} directory indexes",
                base.len(),
                idx.len()
            ));
        }
        base.iter()
            .zip(idx)
            .map(|(b, i)| match dirs.get(i as usize) {
                Some(d) => Ok(format!("{d}{b}")),
                None => Err(format!(
                    "rpm header file `{b}` names directory {i} of {}",
                    dirs.len()
                )),
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a header blob from (tag, type, count, data) entries, data laid out in order.
    pub(crate) fn blob(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, count, bytes) in entries {
            if *ty == TYPE_INT32 {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
            }
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&ty.to_be_bytes());
            index.extend_from_slice(&(data.len() as u32).to_be_bytes());
            index.extend_from_slice(&count.to_be_bytes());
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&data);
        out
    }

    pub(crate) fn s(v: &str) -> Vec<u8> {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        b
    }

    #[test]
    fn reads_strings_ints_and_file_lists() {
        let b = blob(&[
            (tag::NAME, TYPE_STRING, 1, s("bash")),
            (tag::EPOCH, TYPE_INT32, 1, 1u32.to_be_bytes().to_vec()),
            (
                tag::BASENAMES,
                TYPE_STRING_ARRAY,
                2,
                [s("bash"), s("sh")].concat(),
            ),
            (tag::DIRNAMES, TYPE_STRING_ARRAY, 1, s("/usr/bin/")),
            (
                tag::DIRINDEXES,
                TYPE_INT32,
                2,
                [0u32.to_be_bytes(), 0u32.to_be_bytes()].concat(),
            ),
            (tag::NAME, TYPE_STRING, 1, s("bash-dribble")),
        ]);
        let h = Header::parse(&b).expect("parses");
        assert_eq!(h.string(tag::NAME), Some("bash-dribble"));
        assert_eq!(h.int32(tag::EPOCH), Some(1));
        assert_eq!(h.string(tag::VERSION), None);
        assert_eq!(
            h.files().expect("files"),
            vec!["/usr/bin/bash", "/usr/bin/sh"]
        );
        assert!(!h.has_region());
    }

    #[test]
    fn rejects_lying_headers() {
        assert!(Header::parse(&[0, 0, 0, 1]).is_err());
        // one entry, 4 data bytes declared, none present
        let mut b = blob(&[(tag::NAME, TYPE_STRING, 1, s("abc"))]);
        b.truncate(b.len() - 2);
        assert!(Header::parse(&b).is_err());
        // an offset past the data store
        let mut b = blob(&[(tag::NAME, TYPE_STRING, 1, s("abc"))]);
        b[8 + 8..8 + 12].copy_from_slice(&100u32.to_be_bytes());
        assert!(Header::parse(&b).is_err());
        // an unterminated string and huge array counts read as missing, not as a panic
        let b = blob(&[
            (tag::BASENAMES, TYPE_STRING_ARRAY, u32::MAX, s("x")),
            (tag::DIRINDEXES, TYPE_INT32, u32::MAX, vec![0; 4]),
            (tag::NAME, TYPE_STRING, 1, b"abc".to_vec()),
        ]);
        let h = Header::parse(&b).expect("parses");
        assert_eq!(h.string(tag::NAME), None);
        assert_eq!(h.strings(tag::BASENAMES), None);
        assert_eq!(h.int32s(tag::DIRINDEXES), None);
        // directory index out of range
        let b = blob(&[
            (tag::BASENAMES, TYPE_STRING_ARRAY, 1, s("x")),
            (tag::DIRNAMES, TYPE_STRING_ARRAY, 1, s("/")),
            (tag::DIRINDEXES, TYPE_INT32, 1, 7u32.to_be_bytes().to_vec()),
        ]);
        assert!(Header::parse(&b).expect("parses").files().is_err());
    }
}
