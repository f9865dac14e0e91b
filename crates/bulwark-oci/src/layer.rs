//! Reading one layer blob: its compression is recognised by magic bytes, a compressed layer is
//! decompressed exactly once into an anonymous spool file (so its files can be read later by
//! offset), and its tar headers are collected on the way, within the bounds of [`Limits`].

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest as _, Sha256};

use crate::compress::{Compression, decompress};
use crate::section::Section;
use crate::tar::{Streamed, TarError, TarHeader, TarReader};
use crate::{Error, Limits, Result};

/// A layer after reading: its headers, its uncompressed tar, what was measured.
pub(crate) struct IndexedLayer {
    pub headers: Vec<TarHeader>,
    pub tar: Section,
    pub compression: Compression,
    pub uncompressed_size: u64,
    /// `sha256:` of the uncompressed tar, when verification was asked for.
    pub diff_id: Option<String>,
    /// `sha256:` of the blob as stored, when verification was asked for.
    pub blob_digest: Option<String>,
}

/// Shared state of the layers of one image: bounds and the running byte total.
pub(crate) struct LayerBudget<'a> {
    pub limits: &'a Limits,
    pub total_bytes: AtomicU64,
    pub spool_dir: Option<&'a Path>,
    pub verify: bool,
}

impl LayerBudget<'_> {
    fn add_bytes(&self, n: u64, what: &str) -> Result<()> {
        let total = self.total_bytes.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.limits.max_total_bytes {
            return Err(Error::limit(
                what,
                format!(
                    "image is larger than the limit of {} uncompressed bytes",
                    self.limits.max_total_bytes
                ),
            ));
        }
        Ok(())
    }
}

/// Reads the layer stored in `blob` (`what` names it in errors).
pub(crate) fn index_layer(
    blob: &Section,
    what: &str,
    budget: &LayerBudget<'_>,
) -> Result<IndexedLayer> {
    let compression = Compression::sniff(&blob.head(4).map_err(|e| Error::io(what, e))?);
    let blob_digest = if budget.verify {
        Some(sha256_of(blob.reader()).map_err(|e| Error::io(what, e))?)
    } else {
        None
    };
    if compression == Compression::None {
        budget.add_bytes(blob.len(), what)?;
        let mut reader = TarReader::new(blob.reader(), budget.limits);
        let headers = collect_headers(&mut reader, what, budget.limits)?;
        return Ok(IndexedLayer {
            headers,
            tar: blob.clone(),
            compression,
            uncompressed_size: blob.len(),
            diff_id: blob_digest.clone(),
            blob_digest,
        });
    }
    let spool =
        new_spool(budget.spool_dir).map_err(|e| Error::io(format!("{what}: spool file"), e))?;
    let mut tee = Tee {
        inner: decompress(blob.reader(), compression),
        out: BufWriter::with_capacity(1 << 18, spool),
        hasher: budget.verify.then(Sha256::new),
        written: 0,
        compressed: blob.len(),
        budget,
        what,
        failure: None,
    };
    let result = {
        let mut reader = TarReader::new(Streamed(&mut tee), budget.limits);
        collect_headers(&mut reader, what, budget.limits)
    };
    let headers = match result {
        Ok(h) => h,
        Err(e) => return Err(tee.failure.take().unwrap_or(e)),
    };
    // The rest of the stream (end-of-archive padding, trailing data): read so that the
    // decompressor checks its trailer and the digest covers everything.
    if let Err(e) = io::copy(&mut tee, &mut io::sink()) {
        return Err(tee.failure.take().unwrap_or_else(|| Error::io(what, e)));
    }
    let Tee {
        out,
        hasher,
        written,
        ..
    } = tee;
    let spool = out
        .into_inner()
        .map_err(|e| Error::io(format!("{what}: spool file"), e.into_error()))?;
    let tar = Section::new(std::sync::Arc::new(spool), 0, written, what.to_string());
    Ok(IndexedLayer {
        headers,
        tar,
        compression,
        uncompressed_size: written,
        diff_id: hasher.map(|h| format!("sha256:{}", hex(&h.finalize()))),
        blob_digest,
    })
}

/// Decompresses a whole compressed archive (`docker save … | zstd`) into a spool file.
pub(crate) fn spool_decompressed(
    file: &Section,
    compression: Compression,
    what: &str,
    budget: &LayerBudget<'_>,
) -> Result<Section> {
    let spool =
        new_spool(budget.spool_dir).map_err(|e| Error::io(format!("{what}: spool file"), e))?;
    let mut tee = Tee {
        inner: decompress(file.reader(), compression),
        out: BufWriter::with_capacity(1 << 18, spool),
        hasher: None,
        written: 0,
        compressed: file.len(),
        budget,
        what,
        failure: None,
    };
    if let Err(e) = io::copy(&mut tee, &mut io::sink()) {
        return Err(tee.failure.take().unwrap_or_else(|| Error::io(what, e)));
    }
    let written = tee.written;
    let spool = tee
        .out
        .into_inner()
        .map_err(|e| Error::io(format!("{what}: spool file"), e.into_error()))?;
    Ok(Section::new(
        std::sync::Arc::new(spool),
        0,
        written,
        what.to_string(),
    ))
}

fn new_spool(dir: Option<&Path>) -> io::Result<File> {
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
}

fn collect_headers<R: crate::tar::TarInput>(
    reader: &mut TarReader<R>,
    what: &str,
    limits: &Limits,
) -> Result<Vec<TarHeader>> {
    let mut headers = Vec::new();
    loop {
        match reader.next_header() {
            Ok(Some(h)) => {
                headers.push(h);
                if headers.len() as u64 > limits.max_entries {
                    return Err(Error::limit(
                        what,
                        format!("more than {} entries in one layer", limits.max_entries),
                    ));
                }
            }
            Ok(None) => return Ok(headers),
            Err(e) => return Err(tar_error(what, e)),
        }
    }
}

pub(crate) fn tar_error(what: &str, e: TarError) -> Error {
    match e {
        TarError::Io(e) => Error::io(what, e),
        TarError::Malformed(..) => Error::malformed(what, e.to_string()),
        TarError::Limit(m) => Error::limit(what, m),
    }
}

/// Passes decompressed bytes through to the tar reader while writing them to the spool,
/// hashing them and enforcing the size and ratio bounds.
struct Tee<'a, 'b, R> {
    inner: R,
    out: BufWriter<File>,
    hasher: Option<Sha256>,
    written: u64,
    compressed: u64,
    budget: &'a LayerBudget<'b>,
    what: &'a str,
    failure: Option<Error>,
}

impl<R: Read> Read for Tee<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            return Ok(0);
        }
        self.written += n as u64;
        let limits = self.budget.limits;
        if self.written > limits.ratio_floor
            && self.written / self.compressed.max(1) > limits.max_ratio
        {
            self.failure = Some(Error::limit(
                self.what,
                format!(
                    "decompresses to more than {} times its size of {} bytes",
                    limits.max_ratio, self.compressed
                ),
            ));
            return Err(io::Error::other("decompression bound exceeded"));
        }
        if let Err(e) = self.budget.add_bytes(n as u64, self.what) {
            self.failure = Some(e);
            return Err(io::Error::other("size bound exceeded"));
        }
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.out.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// `sha256:<hex>` of everything `r` yields.
pub(crate) fn sha256_of(mut r: impl Read) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("sha256:{}", hex(&h.finalize())))
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_bytes(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
