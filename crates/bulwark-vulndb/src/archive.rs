//! Reading advisory inputs without unpacking them to disk: folders, `.tar.zst`, `.tar.gz`,
//! `.tar`, `.zip` and loose files. Archives are untrusted: entry sizes, the total
//! decompressed size and the number of entries are bounded, and only regular files are read
//! (names are used for classification only, never as paths to write).

use std::io::{Read, Seek};
use std::path::Path;

use crate::Error;

/// Largest single entry read (the biggest OSV or tracker file is a few MiB).
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total decompressed size of one input.
pub const MAX_TOTAL_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// Most entries of one input.
pub const MAX_ENTRIES: usize = 2_000_000;

/// One file of an input.
pub struct Entry<'a> {
    /// Path inside the input (`/`-separated).
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// What an input is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Dir,
    TarZst,
    TarGz,
    Tar,
    Zip,
    File,
}

impl InputKind {
    pub fn of(path: &Path) -> InputKind {
        if path.is_dir() {
            return InputKind::Dir;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".tar.zst") || name.ends_with(".tzst") {
            InputKind::TarZst
        } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            InputKind::TarGz
        } else if name.ends_with(".tar") {
            InputKind::Tar
        } else if name.ends_with(".zip") {
            InputKind::Zip
        } else {
            InputKind::File
        }
    }
}

/// The name a source gets from its input path: the file name without archive extensions.
pub fn source_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let lower = name.to_ascii_lowercase();
    for ext in [
        ".tar.zst", ".tzst", ".tar.gz", ".tgz", ".tar", ".zip", ".json", ".yaml", ".yml", ".md",
    ] {
        if lower.ends_with(ext) {
            return name[..name.len() - ext.len()].to_owned();
        }
    }
    name
}

/// Calls `visit` for every regular file of the input at `path`.
pub fn for_each_entry(
    path: &Path,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Io(format!("{}: {e}", path.display()));
    match InputKind::of(path) {
        InputKind::Dir => {
            let mut files = Vec::new();
            walk(path, &mut files).map_err(io)?;
            files.sort();
            for f in files {
                let rel = f
                    .strip_prefix(path)
                    .unwrap_or(&f)
                    .to_string_lossy()
                    .replace('\\', "/");
                match InputKind::of(&f) {
                    InputKind::File => {
                        let bytes = read_bounded(fs_err::File::open(&f).map_err(io)?, &rel)?;
                        visit(Entry {
                            path: &rel,
                            bytes: &bytes,
                        })?;
                    }
                    _ => for_each_entry(&f, visit)?,
                }
            }
            Ok(())
        }
        InputKind::TarZst => {
            let file = fs_err::File::open(path).map_err(io)?;
            let dec = bulwark_oci::compress::decompress(file, bulwark_oci::Compression::Zstd);
            for_each_tar_entry(dec, path, visit)
        }
        InputKind::TarGz => {
            let file = fs_err::File::open(path).map_err(io)?;
            for_each_tar_entry(flate2::read::GzDecoder::new(file), path, visit)
        }
        InputKind::Tar => {
            let file = fs_err::File::open(path).map_err(io)?;
            for_each_tar_entry(file, path, visit)
        }
        InputKind::Zip => {
            let file = fs_err::File::open(path).map_err(io)?;
            for_each_zip_entry(file, path, visit)
        }
        InputKind::File => {
            let bytes = read_bounded(
                fs_err::File::open(path).map_err(io)?,
                &path.display().to_string(),
            )?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            visit(Entry {
                path: &name,
                bytes: &bytes,
            })
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for e in fs_err::read_dir(dir)? {
        let e = e?;
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(&e.path(), out)?;
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

fn read_bounded(r: impl Read, name: &str) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    r.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::Io(format!("{name}: {e}")))?;
    if buf.len() as u64 > MAX_ENTRY_BYTES {
        return Err(Error::Limit(format!(
            "{name}: larger than the {MAX_ENTRY_BYTES}-byte limit for one file"
        )));
    }
    Ok(buf)
}

/// Streams a tar archive.
pub fn for_each_tar_entry(
    r: impl Read,
    archive: &Path,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let at = |e: std::io::Error| Error::Archive(format!("{}: {e}", archive.display()));
    let mut tar = tar::Archive::new(r);
    let mut total: u64 = 0;
    let mut count = 0usize;
    let mut buf = Vec::new();
    for entry in tar.entries().map_err(at)? {
        let mut entry = entry.map_err(at)?;
        count += 1;
        if count > MAX_ENTRIES {
            return Err(Error::Limit(format!(
                "{}: more than {MAX_ENTRIES} entries",
                archive.display()
            )));
        }
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let size = entry.header().size().map_err(at)?;
        let name = entry.path().map_err(at)?.to_string_lossy().into_owned();
        if size > MAX_ENTRY_BYTES {
            return Err(Error::Limit(format!(
                "{}: entry {name} is {size} bytes, more than the {MAX_ENTRY_BYTES}-byte limit",
                archive.display()
            )));
        }
        total += size;
        if total > MAX_TOTAL_BYTES {
            return Err(Error::Limit(format!(
                "{}: more than {MAX_TOTAL_BYTES} bytes when decompressed",
                archive.display()
            )));
        }
        buf.clear();
        (&mut entry)
            .take(MAX_ENTRY_BYTES)
            .read_to_end(&mut buf)
            .map_err(at)?;
        visit(Entry {
            path: &name,
            bytes: &buf,
        })?;
    }
    Ok(())
}

/// Reads a zip archive (OSV's `all.zip` exports).
pub fn for_each_zip_entry(
    r: impl Read + Seek,
    archive: &Path,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let at = |e: zip::result::ZipError| Error::Archive(format!("{}: {e}", archive.display()));
    let mut zip = zip::ZipArchive::new(r).map_err(at)?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::Limit(format!(
            "{}: more than {MAX_ENTRIES} entries",
            archive.display()
        )));
    }
    let mut total: u64 = 0;
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(at)?;
        if !f.is_file() {
            continue;
        }
        let name = f.name().to_owned();
        buf.clear();
        // The declared size can lie: bound what is actually inflated.
        (&mut f)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Archive(format!("{}: {name}: {e}", archive.display())))?;
        if buf.len() as u64 > MAX_ENTRY_BYTES {
            return Err(Error::Limit(format!(
                "{}: entry {name} inflates past the {MAX_ENTRY_BYTES}-byte limit",
                archive.display()
            )));
        }
        total += buf.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(Error::Limit(format!(
                "{}: more than {MAX_TOTAL_BYTES} bytes when decompressed",
                archive.display()
            )));
        }
        visit(Entry {
            path: &name,
            bytes: &buf,
        })?;
    }
    Ok(())
}
