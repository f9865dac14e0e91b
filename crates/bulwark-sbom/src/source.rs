//! Where catalogers read files from: anything that can visit a (squashed) file tree once,
//! streaming each file's content. A root filesystem or source folder is one
//! ([`DirSource`]); an image's squashed layers are another (bulwark-oci's visit API).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::SbomError;
use crate::model::SourceInfo;

/// The kind of a tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// Devices, fifos, sockets.
    Other,
}

/// One entry of a file tree, as a source visits it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Absolute path with `/` separators (`/usr/bin/env`).
    pub path: &'a str,
    pub kind: EntryKind,
    pub mode: u32,
    pub size: u64,
    /// A symlink's target, as written.
    pub link: Option<&'a str>,
    /// The image layer (diff id) the entry comes from, for image sources.
    pub layer: Option<&'a str>,
}

/// The callback a source calls for every entry; for regular files the reader yields the
/// content (reading it is optional).
pub type Visitor<'v> = dyn FnMut(&Entry<'_>, &mut dyn Read) -> Result<(), SbomError> + 'v;

/// A file tree catalogers can read: an image's squashed filesystem, a root filesystem
/// folder, a source tree.
pub trait FileSource {
    /// Calls `visitor` once for each entry of the tree (any order). Stops at the first
    /// error the visitor returns.
    fn visit(&mut self, visitor: &mut Visitor<'_>) -> Result<(), SbomError>;

    /// What this source is, for the SBOM's metadata.
    fn info(&self) -> SourceInfo;

    /// Whether this is a container image (Syft runs a different cataloger set on images
    /// than on folders).
    fn is_image(&self) -> bool {
        false
    }
}

/// A folder on disk: a root filesystem or a source tree. Symlinks are reported, never
/// followed, so a tree cannot lead the walk outside itself.
pub struct DirSource {
    root: PathBuf,
    name: String,
}

impl DirSource {
    pub fn new(root: impl Into<PathBuf>) -> DirSource {
        let root = root.into();
        DirSource {
            name: root.display().to_string(),
            root,
        }
    }
}

/// Opens the file on the first read, so unread files cost nothing.
struct LazyFile<'a> {
    path: &'a Path,
    file: Option<fs_err::File>,
}

impl Read for LazyFile<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            self.file = Some(fs_err::File::open(self.path)?);
        }
        match &mut self.file {
            Some(f) => f.read(buf),
            None => Ok(0),
        }
    }
}

impl FileSource for DirSource {
    fn visit(&mut self, visitor: &mut Visitor<'_>) -> Result<(), SbomError> {
        let meta = fs_err::metadata(&self.root).map_err(SbomError::Io)?;
        if !meta.is_dir() {
            return Err(SbomError::NotADirectory(self.root.clone()));
        }
        let mut stack = vec![(self.root.clone(), String::new())];
        while let Some((dir, rel)) = stack.pop() {
            let mut names: Vec<_> = match fs_err::read_dir(&dir) {
                Ok(rd) => rd.flatten().collect(),
                // an unreadable folder is skipped, as `find` would
                Err(_) => continue,
            };
            names.sort_by_key(|e| e.file_name());
            for e in names {
                let Some(name) = e.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                let path = e.path();
                let rel_path = format!("{rel}/{name}");
                let Ok(md) = fs_err::symlink_metadata(&path) else {
                    continue;
                };
                let ft = md.file_type();
                let mode = unix_mode(&md);
                if ft.is_symlink() {
                    let target = fs_err::read_link(&path)
                        .map(|t| t.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let entry = Entry {
                        path: &rel_path,
                        kind: EntryKind::Symlink,
                        mode,
                        size: 0,
                        link: Some(&target),
                        layer: None,
                    };
                    visitor(&entry, &mut std::io::empty())?;
                } else if ft.is_dir() {
                    let entry = Entry {
                        path: &rel_path,
                        kind: EntryKind::Dir,
                        mode,
                        size: 0,
                        link: None,
                        layer: None,
                    };
                    visitor(&entry, &mut std::io::empty())?;
                    stack.push((path, rel_path));
                } else {
                    let kind = if ft.is_file() {
                        EntryKind::File
                    } else {
                        EntryKind::Other
                    };
                    let entry = Entry {
                        path: &rel_path,
                        kind,
                        mode,
                        size: md.len(),
                        link: None,
                        layer: None,
                    };
                    let mut lazy = LazyFile {
                        path: &path,
                        file: None,
                    };
                    if kind == EntryKind::File {
                        visitor(&entry, &mut lazy)?;
                    } else {
                        visitor(&entry, &mut std::io::empty())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            kind: "directory".into(),
            digest: None,
            layers: Vec::new(),
        }
    }
}

/// Chosen files of a folder, each visited under the path given for it (lockfiles found while
/// walking a source tree: only they are catalogued, nothing else is read).
pub struct FileListSource {
    name: String,
    files: Vec<(PathBuf, String)>,
}

impl FileListSource {
    /// `files` pairs each file on disk with the absolute `/`-separated path catalogers see
    /// (`/app/package-lock.json`); `name` names the source in the SBOM.
    pub fn new(name: impl Into<String>, files: Vec<(PathBuf, String)>) -> FileListSource {
        FileListSource {
            name: name.into(),
            files,
        }
    }
}

impl FileSource for FileListSource {
    fn visit(&mut self, visitor: &mut Visitor<'_>) -> Result<(), SbomError> {
        for (disk, path) in &self.files {
            let md = fs_err::metadata(disk).map_err(SbomError::Io)?;
            let is_file = md.is_file();
            let entry = Entry {
                path,
                kind: if is_file {
                    EntryKind::File
                } else {
                    EntryKind::Other
                },
                mode: unix_mode(&md),
                size: md.len(),
                link: None,
                layer: None,
            };
            if is_file {
                let mut lazy = LazyFile {
                    path: disk,
                    file: None,
                };
                visitor(&entry, &mut lazy)?;
            } else {
                visitor(&entry, &mut std::io::empty())?;
            }
        }
        Ok(())
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            kind: "directory".into(),
            digest: None,
            layers: Vec::new(),
        }
    }
}

#[cfg(unix)]
fn unix_mode(md: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    md.permissions().mode()
}

#[cfg(not(unix))]
fn unix_mode(_md: &std::fs::Metadata) -> u32 {
    0o644
}

/// An image's squashed filesystem (or a folder) as bulwark-oci reads it.
pub struct ImageTreeSource<'a> {
    tree: &'a bulwark_oci::FileTree,
    info: SourceInfo,
    image: bool,
}

impl<'a> ImageTreeSource<'a> {
    /// The filesystem of an opened image.
    pub fn from_image(image: &'a bulwark_oci::Image) -> ImageTreeSource<'a> {
        ImageTreeSource {
            tree: image.fs(),
            info: SourceInfo {
                name: image.source.clone(),
                kind: "image".into(),
                digest: image
                    .manifest_digest
                    .clone()
                    .or_else(|| Some(image.config_digest.clone())),
                layers: image.layers().iter().map(|l| l.diff_id.clone()).collect(),
            },
            image: true,
        }
    }
}

impl FileSource for ImageTreeSource<'_> {
    fn visit(&mut self, visitor: &mut Visitor<'_>) -> Result<(), SbomError> {
        let layers = self.tree.layers();
        let layer_of = |e: &bulwark_oci::Entry| {
            e.layer
                .and_then(|i| layers.get(i as usize))
                .map(|l| l.diff_id.as_str())
        };
        let kind_of = |e: &bulwark_oci::Entry| match e.kind {
            bulwark_oci::EntryKind::File | bulwark_oci::EntryKind::Hardlink => EntryKind::File,
            bulwark_oci::EntryKind::Dir => EntryKind::Dir,
            bulwark_oci::EntryKind::Symlink => EntryKind::Symlink,
            _ => EntryKind::Other,
        };
        for e in self.tree.entries() {
            if e.is_file() {
                continue;
            }
            let path = format!("/{}", e.path);
            let kind = if e.kind == bulwark_oci::EntryKind::Hardlink {
                EntryKind::Other
            } else {
                kind_of(e)
            };
            let entry = Entry {
                path: &path,
                kind,
                mode: e.mode,
                size: 0,
                link: e.link_target.as_deref(),
                layer: layer_of(e),
            };
            visitor(&entry, &mut std::io::empty())?;
        }
        self.tree.for_each_file(
            |e| e.is_file(),
            |e, reader| {
                let path = format!("/{}", e.path);
                let entry = Entry {
                    path: &path,
                    kind: EntryKind::File,
                    mode: e.mode,
                    size: e.size,
                    link: None,
                    layer: layer_of(e),
                };
                visitor(&entry, reader)
            },
        )
    }

    fn info(&self) -> SourceInfo {
        self.info.clone()
    }

    fn is_image(&self) -> bool {
        self.image
    }
}
