//! Where an image's documents and blobs are stored: an OCI layout folder, or a tar archive
//! (OCI layout or `docker save`) indexed once by header so each blob is read in place, without
//! being copied out. Compressed archives (`.tar.zst`, `.tar.gz`) are decompressed once into a
//! spool file first.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::compress::Compression;
use crate::fs::{lexical_path, resolve_links};
use crate::layer::{LayerBudget, spool_decompressed, tar_error};
use crate::section::Section;
use crate::tar::{TarKind, TarReader};
use crate::{Error, Limits, Result};

/// A store of named files: a folder or an indexed tar archive.
pub(crate) enum Store {
    Dir(PathBuf),
    Archive(ArchiveIndex),
}

/// The regular files and links of a tar archive.
pub(crate) struct ArchiveIndex {
    label: String,
    files: HashMap<String, Section>,
    links: HashMap<String, String>,
    limits: Limits,
}

impl Store {
    /// Opens `path` as an archive (a plain or compressed tar).
    pub fn archive(path: &Path, budget: &LayerBudget<'_>) -> Result<Store> {
        let label = path.display().to_string();
        let file = fs_err::File::open(path).map_err(|e| Error::io(&label, e))?;
        let section =
            Section::whole(file.into_parts().0, label.clone()).map_err(|e| Error::io(&label, e))?;
        let compression = Compression::sniff(&section.head(4).map_err(|e| Error::io(&label, e))?);
        let section = if compression == Compression::None {
            section
        } else {
            spool_decompressed(&section, compression, &label, budget)?
        };
        Ok(Store::Archive(ArchiveIndex::read(
            section,
            label,
            *budget.limits,
        )?))
    }

    /// What this store is, for messages.
    pub fn label(&self) -> String {
        match self {
            Store::Dir(p) => p.display().to_string(),
            Store::Archive(a) => a.label.clone(),
        }
    }

    /// The file `name` (a `/`-separated path inside the store).
    pub fn file(&self, name: &str) -> Result<Section> {
        match self {
            Store::Dir(root) => {
                let rel = lexical_path(name).ok_or_else(|| Error::PathEscape {
                    what: root.display().to_string(),
                    entry: name.to_string(),
                })?;
                let full = root.join(&rel);
                let file = fs_err::File::open(&full)
                    .map_err(|e| Error::io(full.display().to_string(), e))?;
                Section::whole(file.into_parts().0, full.display().to_string())
                    .map_err(|e| Error::io(full.display().to_string(), e))
            }
            Store::Archive(a) => a.file(name),
        }
    }

    /// Whether the file `name` exists.
    pub fn has(&self, name: &str) -> bool {
        match self {
            Store::Dir(root) => lexical_path(name).is_some_and(|rel| root.join(rel).is_file()),
            Store::Archive(a) => a.file(name).is_ok(),
        }
    }

    /// Reads the small file `name` that a store of the kind `expected` must have.
    pub fn read_required(&self, name: &str, expected: &str, limits: &Limits) -> Result<Vec<u8>> {
        if !self.has(name) {
            return Err(Error::malformed(
                self.label(),
                format!("expected {expected}, found no `{name}`"),
            ));
        }
        self.read_small(name, limits)
    }

    /// The blob `digest` of an OCI layout (`blobs/<algorithm>/<hex>`).
    pub fn blob(&self, digest: &str) -> Result<Section> {
        let (alg, hex) = digest
            .split_once(':')
            .ok_or_else(|| Error::malformed(self.label(), format!("`{digest}` is not a digest")))?;
        self.file(&format!("blobs/{alg}/{hex}"))
    }

    /// Reads a small file whole (bounded by [`Limits::max_json_bytes`]).
    pub fn read_small(&self, name: &str, limits: &Limits) -> Result<Vec<u8>> {
        read_section(&self.file(name)?, limits)
    }
}

/// Reads a whole section that must be a small document.
pub(crate) fn read_section(section: &Section, limits: &Limits) -> Result<Vec<u8>> {
    if section.len() > limits.max_json_bytes {
        return Err(Error::limit(
            section.label(),
            format!(
                "document of {} bytes is larger than the limit of {} bytes",
                section.len(),
                limits.max_json_bytes
            ),
        ));
    }
    let mut out = Vec::with_capacity(section.len() as usize);
    section
        .reader()
        .read_to_end(&mut out)
        .map_err(|e| Error::io(section.label(), e))?;
    Ok(out)
}

impl ArchiveIndex {
    fn read(section: Section, label: String, limits: Limits) -> Result<ArchiveIndex> {
        let mut reader = TarReader::new(section.reader(), &limits);
        let mut files = HashMap::new();
        let mut links = HashMap::new();
        let mut count: u64 = 0;
        while let Some(h) = reader.next_header().map_err(|e| tar_error(&label, e))? {
            count += 1;
            if count > limits.max_entries {
                return Err(Error::limit(
                    &label,
                    format!("more than {} entries", limits.max_entries),
                ));
            }
            let raw = String::from_utf8_lossy(&h.name).into_owned();
            let name = lexical_path(&raw).ok_or_else(|| Error::PathEscape {
                what: label.clone(),
                entry: raw.clone(),
            })?;
            match h.kind {
                TarKind::File => {
                    if h.data_offset
                        .checked_add(h.size)
                        .is_none_or(|end| end > section.len())
                    {
                        return Err(Error::malformed(
                            &label,
                            format!("entry `{raw}` runs past the end of the archive"),
                        ));
                    }
                    let s = section.slice(h.data_offset, h.size, format!("{label}: {name}"));
                    links.remove(&name);
                    files.insert(name, s);
                }
                TarKind::Symlink | TarKind::Hardlink => {
                    let target = String::from_utf8_lossy(&h.link).into_owned();
                    let target = if h.kind == TarKind::Symlink {
                        let parent = name.rsplit_once('/').map_or("", |(p, _)| p);
                        if target.starts_with('/') {
                            target
                        } else {
                            format!("{parent}/{target}")
                        }
                    } else {
                        format!("/{target}") // hard link names are archive paths
                    };
                    files.remove(&name);
                    links.insert(name, target);
                }
                _ => {}
            }
        }
        Ok(ArchiveIndex {
            label,
            files,
            links,
            limits,
        })
    }

    fn file(&self, name: &str) -> Result<Section> {
        let resolved = resolve_links(name, true, self.limits.max_symlink_hops, |p| {
            self.links.get(p).map(String::as_str)
        })
        .map_err(|hops| {
            Error::limit(
                &self.label,
                format!("`{name}`: more than {hops} links to follow (a loop?)"),
            )
        })?;
        self.files.get(&resolved).cloned().ok_or_else(|| {
            Error::not_found(&self.label, format!("the archive has no file `{name}`"))
        })
    }
}
