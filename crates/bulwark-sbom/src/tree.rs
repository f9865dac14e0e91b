//! The file tree as catalogers see it after one streaming pass: every path with its kind,
//! link and layer, and the content of the (small) files catalogers asked for.

use std::collections::HashMap;

use crate::model::{Evidence, Location};
use crate::source::EntryKind;

#[derive(Debug, Clone)]
struct Node {
    kind: EntryKind,
    link: Option<Box<str>>,
    layer: Option<u16>,
}

/// Paths, links, layers and the buffered content of wanted files.
#[derive(Debug, Default)]
pub struct Tree {
    nodes: HashMap<Box<str>, Node>,
    layers: Vec<Box<str>>,
    content: HashMap<Box<str>, Vec<u8>>,
}

/// Symlink hops followed before giving up (a loop, or a chain too long to be real).
const MAX_LINK_HOPS: usize = 32;

impl Tree {
    pub(crate) fn add(
        &mut self,
        path: &str,
        kind: EntryKind,
        link: Option<&str>,
        layer: Option<&str>,
    ) {
        let layer = layer.map(|l| match self.layers.iter().position(|x| &**x == l) {
            Some(i) => i as u16,
            None => {
                self.layers.push(l.into());
                (self.layers.len() - 1) as u16
            }
        });
        self.nodes.insert(
            normalize(path).into(),
            Node {
                kind,
                link: link.map(Into::into),
                layer,
            },
        );
    }

    pub(crate) fn put_content(&mut self, path: &str, data: Vec<u8>) {
        self.content.insert(normalize(path).into(), data);
    }

    /// Whether the path exists (without following a final symlink).
    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(normalize(path).as_str())
    }

    /// The content of a buffered file, following symlinks.
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        let real = self.resolve(path)?;
        self.content.get(real.as_str()).map(Vec::as_slice)
    }

    /// The content of a buffered file as text (invalid UTF-8 replaced).
    pub fn read_text(&self, path: &str) -> Option<String> {
        self.read(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The path a (possibly symlinked) path finally names, when it exists.
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut cur = normalize(path);
        for _ in 0..MAX_LINK_HOPS {
            let node = self.nodes.get(cur.as_str())?;
            match (&node.kind, &node.link) {
                (EntryKind::Symlink, Some(target)) => {
                    cur = if target.starts_with('/') {
                        normalize(target)
                    } else {
                        let parent = cur.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                        normalize(&format!("{parent}/{target}"))
                    };
                }
                _ => return Some(cur),
            }
        }
        None
    }

    /// The layer (diff id) a path comes from.
    pub fn layer(&self, path: &str) -> Option<&str> {
        let node = self.nodes.get(normalize(path).as_str())?;
        node.layer.map(|i| &*self.layers[i as usize])
    }

    /// A location for a path (its layer filled in).
    pub fn location(&self, path: &str, evidence: Evidence) -> Location {
        Location {
            path: normalize(path),
            layer: self.layer(path).map(str::to_string),
            evidence,
        }
    }

    /// Buffered files whose path satisfies `pred`, sorted.
    pub fn files_matching(&self, pred: impl Fn(&str) -> bool) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .content
            .keys()
            .map(|k| &**k)
            .filter(|p| pred(p))
            .collect();
        v.sort_unstable();
        v
    }

    /// Every path (any kind) whose path satisfies `pred`, sorted.
    pub fn paths_matching(&self, pred: impl Fn(&str) -> bool) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .nodes
            .keys()
            .map(|k| &**k)
            .filter(|p| pred(p))
            .collect();
        v.sort_unstable();
        v
    }
}

/// `/a/./b/../c//d` → `/a/c/d`; always absolute, never above `/`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut s = String::with_capacity(path.len() + 1);
    for p in parts {
        s.push('/');
        s.push_str(p);
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

/// The last path segment.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The parent folder (`/a/b/c` → `/a/b`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_relative_and_absolute_links_and_stops_on_loops() {
        let mut t = Tree::default();
        t.add(
            "/usr/lib/os-release",
            EntryKind::File,
            None,
            Some("sha256:a"),
        );
        t.put_content("/usr/lib/os-release", b"ID=debian\n".to_vec());
        t.add(
            "/etc/os-release",
            EntryKind::Symlink,
            Some("../usr/lib/os-release"),
            None,
        );
        t.add("/x", EntryKind::Symlink, Some("/etc/os-release"), None);
        t.add("/loop", EntryKind::Symlink, Some("loop"), None);
        assert_eq!(t.read("/x"), Some(&b"ID=debian\n"[..]));
        assert_eq!(t.layer("/usr/lib/os-release"), Some("sha256:a"));
        assert_eq!(t.read("/loop"), None);
        assert_eq!(normalize("a/../../b/./c"), "/b/c");
        assert_eq!(parent("/a"), "/");
    }
}
