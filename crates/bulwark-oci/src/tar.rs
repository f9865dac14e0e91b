//! A bounded tar header reader (ustar, GNU long names, PAX extended headers) over a stream or
//! a seekable section. It reports where each entry's data starts, so entries can be read later
//! without reading the archive again, and it never allocates more than
//! [`Limits::max_pax_bytes`] for a name.

use std::io::{self, Read};

use crate::Limits;

const BLOCK: u64 = 512;

/// The kind of an archive entry, from its type flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TarKind {
    File,
    Hardlink,
    Symlink,
    CharDevice,
    BlockDevice,
    Dir,
    Fifo,
    /// GNU sparse files and unknown type flags: listed, content not readable.
    Other(u8),
}

/// One entry's header, with long names and PAX records applied.
#[derive(Debug, Clone)]
pub(crate) struct TarHeader {
    pub name: Vec<u8>,
    pub link: Vec<u8>,
    pub kind: TarKind,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    pub mtime: i64,
    /// Offset of the entry's data from the start of the archive.
    pub data_offset: u64,
}

/// Why a tar stream could not be read.
#[derive(Debug)]
pub(crate) enum TarError {
    Io(io::Error),
    /// Offset of the header and what was wrong.
    Malformed(u64, String),
    Limit(String),
}

impl From<io::Error> for TarError {
    fn from(e: io::Error) -> Self {
        TarError::Io(e)
    }
}

impl std::fmt::Display for TarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TarError::Io(e) => write!(f, "{e}"),
            TarError::Malformed(off, m) => write!(f, "tar header at offset {off}: {m}"),
            TarError::Limit(m) => f.write_str(m),
        }
    }
}

/// A byte source a tar reader can skip over: streams read and discard, sections seek.
pub(crate) trait TarInput: Read {
    fn skip(&mut self, n: u64) -> io::Result<()>;
}

/// A plain stream (a decompressor, a network body): skipping reads.
pub(crate) struct Streamed<R>(pub R);

impl<R: Read> Read for Streamed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read> TarInput for Streamed<R> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        let copied = io::copy(&mut (&mut self.0).take(n), &mut io::sink())?;
        if copied < n {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "archive ends inside an entry",
            ));
        }
        Ok(())
    }
}

/// Reads headers one after the other; the data of each entry is skipped.
pub(crate) struct TarReader<R> {
    input: R,
    pos: u64,
    /// Data of the previous entry (plus padding) still to skip.
    pending: u64,
    done: bool,
    max_pax: u64,
    max_path: usize,
}

impl<R: TarInput> TarReader<R> {
    pub fn new(input: R, limits: &Limits) -> Self {
        TarReader {
            input,
            pos: 0,
            pending: 0,
            done: false,
            max_pax: limits.max_pax_bytes,
            max_path: limits.max_path_bytes,
        }
    }

    /// The next entry, or `None` at the end of the archive (two zero blocks, or the end of the
    /// input on a block boundary).
    pub fn next_header(&mut self) -> Result<Option<TarHeader>, TarError> {
        if self.done {
            return Ok(None);
        }
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        let mut pax: Vec<PaxRecord> = Vec::new();
        loop {
            self.skip_pending()?;
            let header_at = self.pos;
            let mut block = [0u8; BLOCK as usize];
            if !self.read_block(&mut block)? {
                self.done = true;
                return Ok(None);
            }
            if block.iter().all(|&b| b == 0) {
                self.done = true;
                return Ok(None);
            }
            verify_checksum(&block).map_err(|m| TarError::Malformed(header_at, m))?;
            let size = parse_number(&block[124..136])
                .map_err(|m| TarError::Malformed(header_at, format!("size field: {m}")))?;
            let typeflag = block[156];
            self.pending = size
                .checked_add(BLOCK - 1)
                .map(|s| s / BLOCK * BLOCK)
                .ok_or_else(|| TarError::Malformed(header_at, "size field overflows".into()))?;
            match typeflag {
                b'L' | b'K' | b'x' => {
                    if size > self.max_pax {
                        return Err(TarError::Limit(format!(
                            "tar header at offset {header_at}: extended header of {size} bytes is \
                             larger than the limit of {} bytes",
                            self.max_pax
                        )));
                    }
                    let data = self.read_data(size)?;
                    match typeflag {
                        b'L' => long_name = Some(trim_nul(&data).to_vec()),
                        b'K' => long_link = Some(trim_nul(&data).to_vec()),
                        _ => {
                            pax = parse_pax(&data).map_err(|m| TarError::Malformed(header_at, m))?
                        }
                    }
                    continue;
                }
                b'g' => {
                    // Global PAX headers carry archive-wide defaults; none of their keys
                    // change what an image contains.
                    continue;
                }
                _ => {}
            }
            let ustar = &block[257..263] == b"ustar\0";
            let mut name = match long_name.take() {
                Some(n) => n,
                None => {
                    let base = trim_nul(&block[0..100]);
                    let prefix = if ustar {
                        trim_nul(&block[345..500])
                    } else {
                        &[]
                    };
                    if prefix.is_empty() {
                        base.to_vec()
                    } else {
                        let mut n = prefix.to_vec();
                        n.push(b'/');
                        n.extend_from_slice(base);
                        n
                    }
                }
            };
            let mut link = long_link
                .take()
                .unwrap_or_else(|| trim_nul(&block[157..257]).to_vec());
            let mut size = size;
            let mut uid = parse_number(&block[108..116]).unwrap_or(0);
            let mut gid = parse_number(&block[116..124]).unwrap_or(0);
            let mut mtime = parse_number(&block[136..148]).unwrap_or(0) as i64;
            for (key, value) in pax.drain(..) {
                match key.as_slice() {
                    b"path" => name = value,
                    b"linkpath" => link = value,
                    b"size" => {
                        size = parse_decimal(&value).ok_or_else(|| {
                            TarError::Malformed(header_at, "PAX size is not a number".into())
                        })?;
                        self.pending = size.div_ceil(BLOCK) * BLOCK;
                    }
                    b"uid" => uid = parse_decimal(&value).unwrap_or(uid),
                    b"gid" => gid = parse_decimal(&value).unwrap_or(gid),
                    b"mtime" => {
                        let whole = value.split(|&b| b == b'.').next().unwrap_or(&[]);
                        mtime = parse_decimal(whole).map_or(mtime, |v| v as i64);
                    }
                    _ => {}
                }
            }
            if name.len() > self.max_path || link.len() > self.max_path {
                return Err(TarError::Limit(format!(
                    "tar header at offset {header_at}: name longer than {} bytes",
                    self.max_path
                )));
            }
            let mode = parse_number(&block[100..108]).unwrap_or(0) as u32 & 0o7777;
            let kind = match typeflag {
                b'0' | b'\0' | b'7' if name.ends_with(b"/") => TarKind::Dir,
                b'0' | b'\0' | b'7' => TarKind::File,
                b'1' => TarKind::Hardlink,
                b'2' => TarKind::Symlink,
                b'3' => TarKind::CharDevice,
                b'4' => TarKind::BlockDevice,
                b'5' => TarKind::Dir,
                b'6' => TarKind::Fifo,
                other => TarKind::Other(other),
            };
            return Ok(Some(TarHeader {
                name,
                link,
                kind,
                mode,
                uid,
                gid,
                size: if kind == TarKind::File { size } else { 0 },
                mtime,
                data_offset: self.pos,
            }));
        }
    }

    fn skip_pending(&mut self) -> Result<(), TarError> {
        if self.pending > 0 {
            let n = self.pending;
            self.input.skip(n)?;
            self.pos += n;
            self.pending = 0;
        }
        Ok(())
    }

    /// Reads `size` bytes of data and the padding after them.
    fn read_data(&mut self, size: u64) -> Result<Vec<u8>, TarError> {
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        let got = (&mut self.input).take(size).read_to_end(&mut data)? as u64;
        if got < size {
            return Err(TarError::Io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "archive ends inside an entry",
            )));
        }
        self.pos += size;
        self.pending = size.div_ceil(BLOCK) * BLOCK - size;
        Ok(data)
    }

    /// Reads one block; `false` at a clean end of input.
    fn read_block(&mut self, block: &mut [u8; BLOCK as usize]) -> Result<bool, TarError> {
        let mut filled = 0;
        while filled < block.len() {
            match self.input.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.pos += filled as u64;
        match filled {
            0 => Ok(false),
            512 => Ok(true),
            _ => Err(TarError::Malformed(
                self.pos - filled as u64,
                "archive ends inside a header".into(),
            )),
        }
    }
}

fn trim_nul(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

fn verify_checksum(block: &[u8; BLOCK as usize]) -> Result<(), String> {
    let stored = parse_number(&block[148..156])
        .map_err(|_| "expected a tar header (checksum field is not a number)".to_string())?;
    let mut unsigned: u64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in block.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b as i8);
    }
    if stored == unsigned || stored as i64 == signed {
        Ok(())
    } else {
        Err(format!(
            "expected a tar header (checksum {stored} does not match {unsigned})"
        ))
    }
}

/// Octal (with spaces and NULs) or GNU base-256 numbers.
fn parse_number(field: &[u8]) -> Result<u64, String> {
    if let Some(&first) = field.first()
        && first & 0x80 != 0
    {
        if first == 0xff {
            return Err("negative base-256 number".into());
        }
        let mut v: u64 = u64::from(first & 0x7f);
        for &b in &field[1..] {
            v = v
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or("base-256 number overflows")?;
        }
        return Ok(v);
    }
    let digits = trim_nul(field);
    let digits = trim_spaces(digits);
    if digits.is_empty() {
        return Ok(0);
    }
    let mut v: u64 = 0;
    for &b in digits {
        if !(b'0'..=b'7').contains(&b) {
            return Err(format!(
                "expected octal digits, found {:?}",
                String::from_utf8_lossy(digits)
            ));
        }
        v = v
            .checked_mul(8)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or("octal number overflows")?;
    }
    Ok(v)
}

fn trim_spaces(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ').map_or(start, |i| i + 1);
    &b[start..end]
}

fn parse_decimal(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// PAX records: `LEN KEY=VALUE\n`, where LEN counts the whole record.
/// One PAX record: key and value.
type PaxRecord = (Vec<u8>, Vec<u8>);

fn parse_pax(mut data: &[u8]) -> Result<Vec<PaxRecord>, String> {
    let mut out = Vec::new();
    while !data.is_empty() {
        if data.iter().all(|&b| b == 0) {
            break;
        }
        let space = data
            .iter()
            .position(|&b| b == b' ')
            .ok_or("PAX record without a length")?;
        let len = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or("PAX record length is not a number")?;
        if len <= space + 1 || len > data.len() {
            return Err(format!("PAX record length {len} is out of range"));
        }
        let record = &data[space + 1..len];
        let record = record
            .strip_suffix(b"\n")
            .ok_or("PAX record does not end in a newline")?;
        let eq = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or("PAX record without `=`")?;
        out.push((record[..eq].to_vec(), record[eq + 1..].to_vec()));
        data = &data[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_octal_and_base256_numbers() {
        assert_eq!(parse_number(b"0000644\0").ok(), Some(0o644));
        assert_eq!(parse_number(b"   755 \0").ok(), Some(0o755));
        assert_eq!(parse_number(&[0x80, 0, 0, 0, 0, 0, 1, 0]).ok(), Some(256));
        assert!(parse_number(b"12a\0").is_err());
        assert!(parse_number(&[0xff; 8]).is_err());
    }

    #[test]
    fn parses_pax_records() {
        let recs = parse_pax(b"29 path=a/very/long/name.txt\n10 uid=12\n").ok();
        assert_eq!(
            recs,
            Some(vec![
                (b"path".to_vec(), b"a/very/long/name.txt".to_vec()),
                (b"uid".to_vec(), b"12".to_vec())
            ])
        );
        assert!(parse_pax(b"99 path=x\n").is_err());
        assert!(parse_pax(b"4 a=b\n").is_err());
    }
}
