//! Reading chart archives (`.tgz`) as untrusted input: every entry must stay inside the
//! chart folder, sizes and entry counts are bounded, links are refused.

use std::io::Read;

/// Bounds on what an archive may unpack to.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveLimits {
    /// Most bytes of all entries together (Helm: 100 MiB).
    pub max_total_bytes: u64,
    /// Most bytes of one entry (Helm: 5 MiB).
    pub max_file_bytes: u64,
    /// Most entries.
    pub max_entries: usize,
    /// Deepest nesting of archives inside `charts/` of archives.
    pub max_nesting: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_total_bytes: 100 * 1024 * 1024,
            max_file_bytes: 5 * 1024 * 1024,
            max_entries: 10_000,
            max_nesting: 8,
        }
    }
}

/// A file read from a chart folder or archive, named relative to the chart root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{archive}: {}{message}", entry.as_ref().map(|e| format!("entry `{e}`: ")).unwrap_or_default())]
pub struct ArchiveError {
    /// The archive (a path, or `charts/x.tgz` inside a parent chart).
    pub archive: String,
    pub entry: Option<String>,
    pub message: String,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Strips a UTF-8 byte order mark, as Helm does for every chart file.
pub fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(UTF8_BOM) {
        data.drain(..3);
    }
    data
}

/// Unpacks a gzip-compressed tar chart archive into files named relative to the chart root
/// (the first path component, the chart folder, is dropped, as Helm does).
pub fn read_chart_archive(
    archive: &str,
    bytes: &[u8],
    limits: &ArchiveLimits,
) -> Result<Vec<BufferedFile>, ArchiveError> {
    let fail = |entry: Option<&str>, message: String| ArchiveError {
        archive: archive.to_owned(),
        entry: entry.map(str::to_owned),
        message,
    };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(fail(
            None,
            "does not appear to be a gzipped archive".to_owned(),
        ));
    }
    let gz = flate2::read::GzDecoder::new(bytes);
    // Bound decompression itself, not only what entries declare.
    let bounded = gz.take(limits.max_total_bytes.saturating_add(1024 * 1024));
    let mut tar = tar::Archive::new(bounded);
    let entries = tar
        .entries()
        .map_err(|e| fail(None, format!("cannot read archive: {e}")))?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    let mut count = 0usize;
    for entry in entries {
        let mut entry = entry.map_err(|e| fail(None, format!("cannot read archive: {e}")))?;
        count += 1;
        if count > limits.max_entries {
            return Err(fail(
                None,
                format!("archive has more than {} entries", limits.max_entries),
            ));
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(fail(
                Some(&raw_name),
                "links are not allowed in chart archives".to_owned(),
            ));
        }
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            return Err(fail(
                Some(&raw_name),
                "only regular files are allowed in chart archives".to_owned(),
            ));
        }
        let name = chart_relative_name(&raw_name).map_err(|m| fail(Some(&raw_name), m))?;
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > limits.max_file_bytes {
            return Err(fail(
                Some(&raw_name),
                format!(
                    "decompressed chart file is larger than the maximum file size {}",
                    limits.max_file_bytes
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(fail(
                Some(&raw_name),
                format!(
                    "decompressed chart is larger than the maximum size {}",
                    limits.max_total_bytes
                ),
            ));
        }
        let mut data = Vec::with_capacity(size.min(limits.max_file_bytes) as usize);
        (&mut entry)
            .take(limits.max_file_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| fail(Some(&raw_name), format!("cannot read entry: {e}")))?;
        if data.len() as u64 > limits.max_file_bytes {
            return Err(fail(
                Some(&raw_name),
                format!(
                    "decompressed chart file is larger than the maximum file size {}",
                    limits.max_file_bytes
                ),
            ));
        }
        files.push(BufferedFile {
            name,
            data: strip_bom(data),
        });
    }
    if files.is_empty() {
        return Err(fail(None, "no files in chart archive".to_owned()));
    }
    Ok(files)
}

/// Drops the chart folder from an entry name and refuses names that leave the chart.
fn chart_relative_name(raw: &str) -> Result<String, String> {
    let delimiter = if raw.contains('\\') { '\\' } else { '/' };
    let parts: Vec<&str> = raw.split(delimiter).collect();
    if parts.first() == Some(&"Chart.yaml") {
        return Err("chart yaml not in base directory".to_owned());
    }
    let rest = parts.get(1..).unwrap_or(&[]).join("/");
    if rest.starts_with('/') || raw.starts_with('/') {
        return Err("chart illegally contains absolute paths".to_owned());
    }
    let mut clean: Vec<&str> = Vec::new();
    for p in rest.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if clean.pop().is_none() {
                    return Err("chart illegally references parent directory".to_owned());
                }
            }
            p => clean.push(p),
        }
    }
    if parts.contains(&"..") {
        return Err("chart illegally references parent directory".to_owned());
    }
    if clean.is_empty() {
        return Err("chart illegally contains content outside the base directory".to_owned());
    }
    if clean.first().is_some_and(|p| {
        p.len() >= 2 && p.as_bytes()[1] == b':' && p.as_bytes()[0].is_ascii_alphabetic()
    }) {
        return Err("chart contains illegally named files".to_owned());
    }
    Ok(clean.join("/"))
}
