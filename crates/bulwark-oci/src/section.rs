//! Byte ranges of files (a blob inside an archive, a spooled layer), read with positional
//! reads so many readers, on many threads, share one open file without seeking.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

use crate::tar::TarInput;

/// `len` bytes of `file` from `offset`; `label` names it in errors.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    file: Arc<File>,
    offset: u64,
    len: u64,
    label: Arc<str>,
}

impl Section {
    pub fn new(file: Arc<File>, offset: u64, len: u64, label: impl Into<Arc<str>>) -> Self {
        Section {
            file,
            offset,
            len,
            label: label.into(),
        }
    }

    /// A whole file.
    pub fn whole(file: File, label: impl Into<Arc<str>>) -> io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(Section::new(Arc::new(file), 0, len, label))
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// A part of this section (clamped to its end).
    pub fn slice(&self, offset: u64, len: u64, label: impl Into<Arc<str>>) -> Section {
        let offset = offset.min(self.len);
        let len = len.min(self.len - offset);
        Section::new(self.file.clone(), self.offset + offset, len, label)
    }

    pub fn reader(&self) -> SectionReader {
        SectionReader {
            section: self.clone(),
            pos: 0,
        }
    }

    /// The first bytes (for format sniffing).
    pub fn head(&self, n: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; n.min(self.len as usize)];
        read_exact_at(&self.file, &mut buf, self.offset)?;
        Ok(buf)
    }
}

/// A cursor over a [`Section`].
#[derive(Debug, Clone)]
pub(crate) struct SectionReader {
    section: Section,
    pos: u64,
}

impl Read for SectionReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.section.len - self.pos;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let got = read_at(
            &self.section.file,
            &mut buf[..n],
            self.section.offset + self.pos,
        )?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "file is shorter than expected (truncated or changed while reading)",
            ));
        }
        self.pos += got as u64;
        Ok(got)
    }
}

impl TarInput for SectionReader {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        if n > self.section.len - self.pos {
            self.pos = self.section.len;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "archive ends inside an entry",
            ));
        }
        self.pos += n;
        Ok(())
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buf, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    file.seek_read(buf, offset)
}

fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = read_at(file, buf, offset)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "file is shorter than expected",
            ));
        }
        buf = &mut buf[n..];
        offset += n as u64;
    }
    Ok(())
}
