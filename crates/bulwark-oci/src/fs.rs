//! The one filesystem view catalogers read: the squashed filesystem of an image, or a root
//! filesystem folder. Metadata of every entry is held (sorted by path); file contents stay in
//! the layers (or on disk) and are read on demand.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::compress::Compression;
use crate::section::{Section, SectionReader};
use crate::{Error, Limits, Result};

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link; [`Entry::link_target`] is the link's text.
    Symlink,
    /// A hard link to another file of the image; [`Entry::link_target`] is that file's path
    /// and the content is that file's.
    Hardlink,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A named pipe.
    Fifo,
    /// Anything else (GNU sparse files, sockets, unknown tar types): listed, not readable.
    Other,
}

/// Where the content of an entry lies: a layer's uncompressed tar and an offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataRef {
    pub layer: u32,
    pub offset: u64,
}

/// One entry of the final filesystem.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path from the root, without a leading `/` (`etc/os-release`), components separated
    /// by `/`, never `.` or `..`. Names that are not UTF-8 are converted lossily.
    pub path: String,
    /// What the entry is.
    pub kind: EntryKind,
    /// Permission bits (`0o7777` at most).
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Content size in bytes (files and hard links; 0 otherwise).
    pub size: u64,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// The text of a symbolic link, or the path of a hard link's target.
    pub link_target: Option<String>,
    /// Index (from 0, bottom first) of the layer the entry comes from; `None` for a folder.
    pub layer: Option<u32>,
    pub(crate) data: Option<DataRef>,
}

impl Entry {
    /// A regular file or a hard link whose content can be read.
    pub fn is_file(&self) -> bool {
        match self.kind {
            EntryKind::File => true,
            EntryKind::Hardlink => self.data.is_some(),
            _ => false,
        }
    }

    /// Any execute bit is set.
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }

    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A layer of an image as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    /// The blob digest (`sha256:…`) the manifest names; for a docker archive, the digest of the
    /// layer file as stored.
    pub digest: String,
    /// The digest of the uncompressed layer tar (`rootfs.diff_ids` of the config).
    pub diff_id: String,
    /// The media type from the manifest (`None` in docker archives).
    pub media_type: Option<String>,
    /// The compression found in the blob's first bytes.
    pub compression: Compression,
    /// Size of the blob as stored.
    pub size: u64,
    /// Size of the uncompressed tar.
    pub uncompressed_size: u64,
}

#[derive(Debug)]
enum Storage {
    /// Uncompressed layer tars, by layer index.
    Layers(Vec<Section>),
    /// A folder on disk.
    Dir(PathBuf),
}

/// A read-only filesystem: every entry's metadata, contents on demand.
///
/// Both an image's squashed layers ([`crate::Image::fs`]) and a root filesystem folder
/// ([`FileTree::from_dir`]) are read through this one type. It is `Sync`: contents can be
/// read from several threads at once.
#[derive(Debug)]
pub struct FileTree {
    entries: Vec<Entry>,
    storage: Storage,
    layers: Vec<LayerInfo>,
    limits: Limits,
}

impl FileTree {
    pub(crate) fn from_layers(
        entries: Vec<Entry>,
        data: Vec<Section>,
        layers: Vec<LayerInfo>,
        limits: Limits,
    ) -> Self {
        FileTree {
            entries,
            storage: Storage::Layers(data),
            layers,
            limits,
        }
    }

    /// Every entry, sorted by path (byte order).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The layers, bottom first (empty for a folder).
    pub fn layers(&self) -> &[LayerInfo] {
        &self.layers
    }

    /// The entry at `path` (leading `/` and `./` allowed), without following symbolic links.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        let path = lexical_path(path)?;
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(&path))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Every entry below the folder `dir` (all depths), in path order; `""` is the root.
    pub fn descendants(&self, dir: &str) -> &[Entry] {
        let Some(dir) = lexical_path(dir) else {
            return &[];
        };
        if dir.is_empty() {
            return &self.entries;
        }
        let lo = format!("{dir}/");
        let hi = format!("{dir}0"); // '0' follows '/' in byte order
        let start = self
            .entries
            .partition_point(|e| e.path.as_str() < lo.as_str());
        let end = self
            .entries
            .partition_point(|e| e.path.as_str() < hi.as_str());
        &self.entries[start..end.max(start)]
    }

    /// The direct children of the folder `dir`.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        let depth = lexical_path(dir).map_or(0, |d| {
            if d.is_empty() {
                0
            } else {
                d.split('/').count()
            }
        });
        self.descendants(dir)
            .iter()
            .filter(move |e| e.path.split('/').count() == depth + 1)
    }

    /// Follows symbolic links in every component of `path` (absolute links lead back to the
    /// root, `..` stops at the root, as inside a container) and returns the entry reached, or
    /// `None` when nothing is there.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] after [`Limits::max_symlink_hops`] links (a loop).
    pub fn resolve(&self, path: &str) -> Result<Option<&Entry>> {
        let resolved = resolve_links(path, true, self.limits.max_symlink_hops, |p| {
            self.get(p)
                .filter(|e| e.kind == EntryKind::Symlink)
                .and_then(|e| e.link_target.as_deref())
        })
        .map_err(|hops| {
            Error::limit(
                path.to_string(),
                format!("more than {hops} symbolic links to follow (a loop?)"),
            )
        })?;
        if resolved.is_empty() {
            return Ok(None);
        }
        Ok(self.get(&resolved))
    }

    /// Opens the content of a file, a hard link, or what a symbolic link leads to.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the entry has no content (a folder, a device, a dangling
    /// link); [`Error::Io`] when the backing file cannot be read.
    pub fn open(&self, entry: &Entry) -> Result<FileReader> {
        let entry = if entry.kind == EntryKind::Symlink {
            match self.resolve(&entry.path)? {
                Some(e) => e,
                None => {
                    return Err(Error::not_found(
                        &entry.path,
                        format!(
                            "symbolic link to `{}` leads nowhere",
                            entry.link_target.as_deref().unwrap_or("")
                        ),
                    ));
                }
            }
        } else {
            entry
        };
        if !entry.is_file() {
            return Err(Error::not_found(&entry.path, "not a regular file"));
        }
        match &self.storage {
            Storage::Layers(layers) => {
                let data = entry
                    .data
                    .ok_or_else(|| Error::not_found(&entry.path, "no content"))?;
                let layer = layers.get(data.layer as usize).ok_or_else(|| {
                    Error::not_found(&entry.path, format!("layer {} is missing", data.layer))
                })?;
                Ok(FileReader {
                    inner: ReaderKind::Section(
                        layer
                            .slice(data.offset, entry.size, entry.path.as_str())
                            .reader(),
                    ),
                    what: entry.path.clone(),
                    len: entry.size,
                })
            }
            Storage::Dir(root) => {
                let full = root.join(&entry.path);
                let file = fs_err::File::open(&full)
                    .map_err(|e| Error::io(full.display().to_string(), e))?;
                Ok(FileReader {
                    inner: ReaderKind::Disk(file.into_parts().0.take(entry.size)),
                    what: full.display().to_string(),
                    len: entry.size,
                })
            }
        }
    }

    /// Reads a whole file (following links like [`FileTree::open`]).
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] when the content is larger than `max` bytes; as `open`.
    pub fn read(&self, entry: &Entry, max: u64) -> Result<Vec<u8>> {
        let mut reader = self.open(entry)?;
        let size = reader.len();
        if size > max {
            return Err(Error::limit(
                &entry.path,
                format!("file of {size} bytes is larger than the limit of {max} bytes"),
            ));
        }
        let mut out = Vec::with_capacity(size as usize);
        reader
            .read_to_end(&mut out)
            .map_err(|e| Error::io(&entry.path, e))?;
        Ok(out)
    }

    /// Reads the file at `path` (following links), or `None` when there is none.
    ///
    /// # Errors
    /// As [`FileTree::read`].
    pub fn read_path(&self, path: &str, max: u64) -> Result<Option<Vec<u8>>> {
        match self.resolve(path)? {
            Some(e) if e.is_file() => self.read(e, max).map(Some),
            _ => Ok(None),
        }
    }

    /// Visits the content of every readable entry `select` accepts, in storage order (the
    /// fastest order to read). Symbolic links that `select` accepts are visited with the
    /// content they lead to (entries leading nowhere are skipped).
    ///
    /// # Errors
    /// The first error of `visit`, or of opening an entry.
    pub fn for_each_file<E: From<Error>>(
        &self,
        mut select: impl FnMut(&Entry) -> bool,
        mut visit: impl FnMut(&Entry, &mut FileReader) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut chosen: Vec<(&Entry, &Entry)> = Vec::new();
        for entry in &self.entries {
            let readable = entry.is_file() || entry.kind == EntryKind::Symlink;
            if !readable || !select(entry) {
                continue;
            }
            let target = if entry.kind == EntryKind::Symlink {
                match self.resolve(&entry.path)? {
                    Some(t) if t.is_file() => t,
                    _ => continue,
                }
            } else {
                entry
            };
            chosen.push((entry, target));
        }
        chosen.sort_by_key(|(_, t)| t.data.map(|d| (d.layer, d.offset)));
        for (entry, target) in chosen {
            let mut reader = self.open(target)?;
            visit(entry, &mut reader)?;
        }
        Ok(())
    }
}

/// The content of one file.
#[derive(Debug)]
pub struct FileReader {
    inner: ReaderKind,
    what: String,
    len: u64,
}

#[derive(Debug)]
enum ReaderKind {
    Section(SectionReader),
    Disk(io::Take<std::fs::File>),
}

impl FileReader {
    /// The path of the file read (for messages).
    pub fn path(&self) -> &str {
        &self.what
    }

    /// The size of the content.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The content is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Read for FileReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            ReaderKind::Section(r) => r.read(buf),
            ReaderKind::Disk(r) => r.read(buf),
        }
    }
}

/// Follows the symbolic links `link_of` reports for each path prefix of `path` (the last
/// component only when `follow_last`), as a container does: absolute targets start again at
/// the root, `..` never climbs above it. Returns the resolved path (which may not exist), or
/// `Err(max_hops)` when more links than that must be followed.
pub(crate) fn resolve_links<'a>(
    path: &str,
    follow_last: bool,
    max_hops: usize,
    link_of: impl Fn(&str) -> Option<&'a str>,
) -> std::result::Result<String, usize> {
    let mut hops = 0usize;
    let mut todo: Vec<String> = components(path).rev().map(str::to_string).collect();
    let mut current = String::new();
    while let Some(comp) = todo.pop() {
        if comp == ".." {
            current.truncate(current.rfind('/').unwrap_or(0));
            continue;
        }
        let parent_len = current.len();
        if !current.is_empty() {
            current.push('/');
        }
        current.push_str(&comp);
        if todo.is_empty() && !follow_last {
            break;
        }
        let Some(target) = link_of(&current) else {
            continue;
        };
        hops += 1;
        if hops > max_hops {
            return Err(max_hops);
        }
        current.truncate(parent_len);
        if target.starts_with('/') {
            current.clear();
        }
        todo.extend(
            components(target)
                .rev()
                .map(str::to_string)
                .collect::<Vec<_>>(),
        );
    }
    Ok(current)
}

/// Path components after removing empty ones and `.`; `..` kept.
fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// A path as stored in a tree: no leading `/`, no `.`; `..` resolved lexically (`None` when it
/// climbs above the root).
pub(crate) fn lexical_path(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in components(path) {
        if c == ".." {
            out.pop()?;
        } else {
            out.push(c);
        }
    }
    Some(out.join("/"))
}

impl FileTree {
    /// Reads a root filesystem folder: every entry's metadata (symbolic links are not
    /// followed; those leading outside the folder resolve inside it, as in a container).
    ///
    /// # Errors
    /// [`Error::Io`] when the folder cannot be read; [`Error::LimitExceeded`] past
    /// [`Limits::max_entries`].
    pub fn from_dir(root: &Path, limits: Limits) -> Result<FileTree> {
        let mut entries = Vec::new();
        let mut stack = vec![(root.to_path_buf(), String::new())];
        while let Some((dir, rel)) = stack.pop() {
            let read =
                fs_err::read_dir(&dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
            for item in read {
                let item = item.map_err(|e| Error::io(dir.display().to_string(), e))?;
                let name = item.file_name().to_string_lossy().into_owned();
                let path = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                let full = item.path();
                let meta = fs_err::symlink_metadata(&full)
                    .map_err(|e| Error::io(full.display().to_string(), e))?;
                let entry = dir_entry(&full, path, &meta)?;
                if entry.kind == EntryKind::Dir {
                    stack.push((full, entry.path.clone()));
                }
                entries.push(entry);
                if entries.len() as u64 > limits.max_entries {
                    return Err(Error::limit(
                        root.display().to_string(),
                        format!("more than {} entries", limits.max_entries),
                    ));
                }
            }
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(FileTree {
            entries,
            storage: Storage::Dir(root.to_path_buf()),
            layers: Vec::new(),
            limits,
        })
    }
}

fn dir_entry(full: &Path, path: String, meta: &std::fs::Metadata) -> Result<Entry> {
    let ft = meta.file_type();
    let mut link_target = None;
    let kind = if ft.is_dir() {
        EntryKind::Dir
    } else if ft.is_file() {
        EntryKind::File
    } else if ft.is_symlink() {
        let t = fs_err::read_link(full).map_err(|e| Error::io(full.display().to_string(), e))?;
        link_target = Some(t.to_string_lossy().into_owned());
        EntryKind::Symlink
    } else {
        special_kind(&ft)
    };
    let (mode, uid, gid, mtime) = unix_meta(meta);
    Ok(Entry {
        path,
        kind,
        mode,
        uid,
        gid,
        size: if kind == EntryKind::File {
            meta.len()
        } else {
            0
        },
        mtime,
        link_target,
        layer: None,
        data: None,
    })
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> EntryKind {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_char_device() {
        EntryKind::CharDevice
    } else if ft.is_block_device() {
        EntryKind::BlockDevice
    } else if ft.is_fifo() {
        EntryKind::Fifo
    } else {
        EntryKind::Other
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> EntryKind {
    EntryKind::Other
}

#[cfg(unix)]
fn unix_meta(meta: &std::fs::Metadata) -> (u32, u64, u64, i64) {
    use std::os::unix::fs::MetadataExt;
    (
        meta.mode() & 0o7777,
        u64::from(meta.uid()),
        u64::from(meta.gid()),
        meta.mtime(),
    )
}

#[cfg(not(unix))]
fn unix_meta(meta: &std::fs::Metadata) -> (u32, u64, u64, i64) {
    let mode = if meta.permissions().readonly() {
        0o444
    } else {
        0o644
    };
    (mode, 0, 0, 0)
}
