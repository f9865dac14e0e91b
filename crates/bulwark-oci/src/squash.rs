//! Layer squashing: applies layer tars bottom up as a container runtime extracts them
//! (whiteouts `.wh.NAME`, opaque folders `.wh..wh..opq`, a file replacing a folder and the
//! reverse, entries written through symbolic-link folders), keeping only metadata and where
//! each surviving file's bytes lie.

use std::collections::BTreeMap;

use crate::fs::{DataRef, Entry, EntryKind, lexical_path, resolve_links};
use crate::tar::{TarHeader, TarKind};
use crate::{Error, Limits, Result};

const WHITEOUT: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";

/// The filesystem as layers are applied.
pub(crate) struct Squasher {
    tree: BTreeMap<String, Entry>,
    limits: Limits,
}

impl Squasher {
    pub fn new(limits: Limits) -> Self {
        Squasher {
            tree: BTreeMap::new(),
            limits,
        }
    }

    /// Applies the headers of layer `layer` (`what` names it in errors).
    pub fn apply(&mut self, layer: u32, headers: Vec<TarHeader>, what: &str) -> Result<()> {
        for h in headers {
            let raw = String::from_utf8_lossy(&h.name).into_owned();
            let path = lexical_path(&raw).ok_or_else(|| Error::PathEscape {
                what: what.to_string(),
                entry: raw.clone(),
            })?;
            if path.is_empty() {
                continue; // the root folder itself
            }
            let (parent, name) = match path.rfind('/') {
                Some(i) => (&path[..i], &path[i + 1..]),
                None => ("", path.as_str()),
            };
            let parent = self.resolve_dir(parent, what)?;
            if let Some(hidden) = name.strip_prefix(WHITEOUT) {
                if name == OPAQUE {
                    self.remove_below(&parent, layer);
                } else if !hidden.starts_with(WHITEOUT) && !hidden.is_empty() {
                    let target = join(&parent, hidden);
                    if self
                        .tree
                        .get(&target)
                        .is_some_and(|e| e.layer < Some(layer))
                    {
                        self.tree.remove(&target);
                    }
                    self.remove_below(&target, layer);
                }
                // Other `.wh..wh.` names are aufs bookkeeping, not content.
                continue;
            }
            let full = join(&parent, name);
            self.replace_file_ancestors(&full, layer);
            let kind = match h.kind {
                TarKind::File => EntryKind::File,
                TarKind::Hardlink => EntryKind::Hardlink,
                TarKind::Symlink => EntryKind::Symlink,
                TarKind::CharDevice => EntryKind::CharDevice,
                TarKind::BlockDevice => EntryKind::BlockDevice,
                TarKind::Dir => EntryKind::Dir,
                TarKind::Fifo => EntryKind::Fifo,
                TarKind::Other(_) => EntryKind::Other,
            };
            if let Some(old) = self.tree.get(&full)
                && old.kind == EntryKind::Dir
                && kind != EntryKind::Dir
            {
                self.remove_below(&full, layer + 1);
            }
            let link = String::from_utf8_lossy(&h.link).into_owned();
            let mut entry = Entry {
                path: full.clone(),
                kind,
                mode: h.mode,
                uid: h.uid,
                gid: h.gid,
                size: h.size,
                mtime: h.mtime,
                link_target: None,
                layer: Some(layer),
                data: (kind == EntryKind::File).then_some(DataRef {
                    layer,
                    offset: h.data_offset,
                }),
            };
            match kind {
                EntryKind::Symlink => entry.link_target = Some(link),
                EntryKind::Hardlink => {
                    let target = lexical_path(&link).ok_or_else(|| Error::PathEscape {
                        what: what.to_string(),
                        entry: format!("{raw} (hard link to {link})"),
                    })?;
                    let target = match target.rfind('/') {
                        Some(i) => join(&self.resolve_dir(&target[..i], what)?, &target[i + 1..]),
                        None => target,
                    };
                    if let Some(t) = self.tree.get(&target)
                        && t.is_file()
                    {
                        entry.data = t.data;
                        entry.size = t.size;
                    }
                    entry.link_target = Some(target);
                }
                _ => {}
            }
            self.tree.insert(full, entry);
            if self.tree.len() as u64 > self.limits.max_entries {
                return Err(Error::limit(
                    what,
                    format!(
                        "more than {} entries in the filesystem",
                        self.limits.max_entries
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The squashed entries, sorted by path.
    pub fn finish(self) -> Vec<Entry> {
        self.tree.into_values().collect()
    }

    /// `dir` with the symbolic links among its prefixes followed (inside the root).
    fn resolve_dir(&self, dir: &str, what: &str) -> Result<String> {
        resolve_links(dir, true, self.limits.max_symlink_hops, |p| {
            self.tree
                .get(p)
                .filter(|e| e.kind == EntryKind::Symlink)
                .and_then(|e| e.link_target.as_deref())
        })
        .map_err(|hops| {
            Error::limit(
                what,
                format!("folder `{dir}`: more than {hops} symbolic links to follow (a loop?)"),
            )
        })
    }

    /// Removes what layers below `layer` hold under `dir` (not `dir` itself).
    fn remove_below(&mut self, dir: &str, layer: u32) {
        let doomed: Vec<String> = if dir.is_empty() {
            self.tree
                .iter()
                .filter(|(_, e)| e.layer < Some(layer))
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            let lo = format!("{dir}/");
            let hi = format!("{dir}0");
            self.tree
                .range(lo..hi)
                .filter(|(_, e)| e.layer < Some(layer))
                .map(|(k, _)| k.clone())
                .collect()
        };
        for k in doomed {
            self.tree.remove(&k);
        }
    }

    /// A lower layer's non-folder at an ancestor of `path` becomes an implied folder.
    fn replace_file_ancestors(&mut self, path: &str, layer: u32) {
        for (i, _) in path.match_indices('/') {
            let prefix = &path[..i];
            if let Some(e) = self.tree.get(prefix)
                && e.kind != EntryKind::Dir
                && e.layer < Some(layer)
            {
                self.tree.remove(prefix);
            }
        }
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}
