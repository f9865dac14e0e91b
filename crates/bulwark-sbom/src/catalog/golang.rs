//! Go modules: the build information Go links into every module-mode binary
//! (`.go.buildinfo`), and `go.mod` files in source trees.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use object::{Object, ObjectSection};
use regex::bytes::Regex;

use super::binary::section;
use super::{Env, ends_with_segments};
use crate::error::Warning;
use crate::model::{Evidence, Location, Package, PackageType};
use crate::purl::Purl;
use crate::tree::Tree;

pub const BINARY_CATALOGER: &str = "go-module-binary-cataloger";
pub const MOD_CATALOGER: &str = "go-module-file-cataloger";
const MAGIC: &[u8] = b"\xff Go buildinf:";
const DEVEL: &str = "(devel)";

/// One module line of the build information.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Module {
    pub path: String,
    pub version: String,
    pub sum: String,
}

/// What `go version -m` prints for a binary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildInfo {
    /// `go1.19.8`.
    pub go_version: String,
    /// The main package's import path (`path` line).
    pub path: String,
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    pub settings: Vec<(String, String)>,
}

impl BuildInfo {
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the build information of a Go binary, or `None` when it has none.
pub fn read_build_info(data: &[u8], file: Option<&object::File<'_>>) -> Option<BuildInfo> {
    let sect = file.and_then(|f| section(f, &[".go.buildinfo", "__go_buildinfo"]));
    let blob = match sect {
        Some(s) if s.starts_with(MAGIC) => s,
        _ => {
            // no section headers (or PE, where it lives in .data): search for the
            // 16-byte-aligned header
            static RE: OnceLock<Regex> = OnceLock::new();
            let re =
                RE.get_or_init(|| Regex::new(r"(?-u)\xff Go buildinf:").expect("literal regex"));
            let mut found = None;
            for m in re.find_iter(data) {
                if m.start() % 16 == 0 {
                    found = Some(&data[m.start()..]);
                    break;
                }
            }
            found?
        }
    };
    if blob.len() < 32 {
        return None;
    }
    let ptr_size = blob[14] as usize;
    let flags = blob[15];
    let (version, modinfo) = if flags & 2 != 0 {
        let (v, rest) = read_varint_string(&blob[32..])?;
        let (m, _) = read_varint_string(rest)?;
        (v.to_vec(), m.to_vec())
    } else {
        let f = file?;
        let big = flags & 1 != 0;
        let read_ptr = |b: &[u8]| -> Option<u64> {
            match (ptr_size, big) {
                (4, false) => Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as u64),
                (4, true) => Some(u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as u64),
                (8, false) => Some(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)),
                (8, true) => Some(u64::from_be_bytes(b.get(..8)?.try_into().ok()?)),
                _ => None,
            }
        };
        let read_string = |addr: u64| -> Option<Vec<u8>> {
            let hdr = read_at(f, addr, 2 * ptr_size as u64)?;
            let ptr = read_ptr(&hdr)?;
            let len = read_ptr(&hdr[ptr_size..])?;
            if len > 1 << 24 {
                return None;
            }
            read_at(f, ptr, len)
        };
        let v = read_string(read_ptr(&blob[16..])?)?;
        let m = read_string(read_ptr(&blob[16 + ptr_size..])?)?;
        (v, m)
    };
    let version = String::from_utf8_lossy(&version).into_owned();
    // Go 1.18+ wraps the text in 16-byte sentinels (cut before decoding: they are not UTF-8)
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &modinfo[..]
    };
    let modinfo = String::from_utf8_lossy(modinfo);
    if version.is_empty() {
        return None;
    }
    let mut info = parse_modinfo(&modinfo);
    info.go_version = version;
    Some(info)
}

fn read_at(f: &object::File<'_>, addr: u64, len: u64) -> Option<Vec<u8>> {
    for s in f.sections() {
        let start = s.address();
        if addr >= start && addr.checked_add(len)? <= start + s.size() {
            let data = s.data().ok()?;
            let off = (addr - start) as usize;
            return data.get(off..off + len as usize).map(<[u8]>::to_vec);
        }
    }
    None
}

fn read_varint_string(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut n: u64 = 0;
    let mut shift = 0;
    let mut i = 0;
    loop {
        let byte = *b.get(i)?;
        n |= u64::from(byte & 0x7f) << shift;
        i += 1;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    let end = i.checked_add(usize::try_from(n).ok()?)?;
    Some((b.get(i..end)?, &b[end..]))
}

/// Parses the text of `runtime/debug.BuildInfo` (`path`, `mod`, `dep`, `=>`, `build`
/// lines, tab separated).
pub fn parse_modinfo(text: &str) -> BuildInfo {
    let mut info = BuildInfo::default();
    // which module a `=>` line replaces: None = main, Some(i) = deps[i]
    let mut last: Option<Option<usize>> = None;
    for line in text.lines() {
        let mut f = line.split('\t');
        let kind = f.next().unwrap_or("");
        let module = |f: &mut std::str::Split<'_, char>| Module {
            path: f.next().unwrap_or("").to_string(),
            version: f.next().unwrap_or("").to_string(),
            sum: f.next().unwrap_or("").to_string(),
        };
        match kind {
            "path" => info.path = f.next().unwrap_or("").to_string(),
            "mod" => {
                info.main = Some(module(&mut f));
                last = Some(None);
            }
            "dep" => {
                info.deps.push(module(&mut f));
                last = Some(Some(info.deps.len() - 1));
            }
            "=>" => {
                let r = module(&mut f);
                match last {
                    Some(None) => info.main = Some(r),
                    Some(Some(i)) => info.deps[i] = r,
                    None => {}
                }
                last = None;
            }
            "build" => {
                let kv = f.collect::<Vec<_>>().join("\t");
                if let Some((k, v)) = kv.split_once('=') {
                    info.settings
                        .push((k.to_string(), v.trim_matches('"').to_string()));
                }
            }
            _ => {}
        }
    }
    info
}

/// The purl Syft gives a Go module: the first two path segments are the namespace, the
/// third the name, the rest the subpath.
pub fn module_purl(path: &str, version: &str) -> Purl {
    let fields: Vec<&str> = path.split('/').collect();
    let (ns, name, sub) = match fields.len() {
        1 => (String::new(), fields[0], String::new()),
        2 => (fields[0].to_string(), fields[1], String::new()),
        _ => (fields[..2].join("/"), fields[2], fields[3..].join("/")),
    };
    Purl::build("golang", &ns, name, version, &[], &sub)
}

fn go_package(path: &str, version: &str, loc: &Location, found_by: &str) -> Package {
    let mut p = Package::new(
        PackageType::GoModule,
        path,
        version,
        "Go",
        module_purl(path, version),
        found_by,
    );
    p.locations.push(loc.clone());
    p
}

/// Catalogues a Go binary: its main module, dependencies and the standard library.
pub fn inspect_binary(
    data: &[u8],
    file: Option<&object::File<'_>>,
    loc: &Location,
    out: &mut Vec<Package>,
) {
    let Some(info) = read_build_info(data, file) else {
        return;
    };
    for dep in &info.deps {
        if !dep.path.is_empty() {
            out.push(go_package(&dep.path, &dep.version, loc, BINARY_CATALOGER));
        }
    }
    let main = info.main.clone().or_else(|| {
        (!info.path.is_empty()).then(|| Module {
            path: info.path.clone(),
            version: DEVEL.into(),
            sum: String::new(),
        })
    });
    if let Some(main) = main {
        let mut version = main.version.clone();
        if version == DEVEL || version.is_empty() {
            version = main_version(&info, &main.path, data).unwrap_or(version);
        }
        out.push(go_package(&main.path, &version, loc, BINARY_CATALOGER));
    }
    let go = info.go_version.split_whitespace().next().unwrap_or("");
    if let Some(v) = go.strip_prefix("go") {
        let mut p = Package::new(
            PackageType::GoModule,
            "stdlib",
            go,
            "Go",
            Purl::build("golang", "", "stdlib", v, &[], ""),
            BINARY_CATALOGER,
        );
        p.licenses.push("BSD-3-Clause".into());
        p.locations.push(loc.clone());
        out.push(p);
    }
}

/// A `(devel)` main module's version: a pseudo-version from the VCS stamp, a `-X …version=`
/// linker flag, or a semantic version string in the binary's data (as Syft does).
fn main_version(info: &BuildInfo, main_path: &str, data: &[u8]) -> Option<String> {
    if let (Some(rev), Some(time)) = (info.setting("vcs.revision"), info.setting("vcs.time")) {
        let ts: String = time.chars().filter(char::is_ascii_digit).take(14).collect();
        let rev: String = rev.chars().take(12).collect();
        return Some(format!("v0.0.0-{ts:0<14}-{rev}"));
    }
    if let Some(flags) = info.setting("-ldflags") {
        let mut toks = flags.split_whitespace().peekable();
        while let Some(t) = toks.next() {
            let assign = if t == "-X" {
                toks.next().unwrap_or("")
            } else if let Some(a) = t.strip_prefix("-X=") {
                a
            } else {
                continue;
            };
            let assign = assign.trim_matches(|c| c == '\'' || c == '"');
            let Some((var, val)) = assign.split_once('=') else {
                continue;
            };
            let (pkg, name) = var.rsplit_once('.').unwrap_or(("", var));
            let relevant = pkg == "main" || pkg.starts_with(main_path) || pkg.ends_with("/version");
            if relevant && name.to_ascii_lowercase().contains("version") && !val.is_empty() {
                return Some(v_prefixed(val));
            }
        }
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?-u)\x00(v?(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\x00")
            .expect("semver regex")
    });
    let caps = re.captures(data)?;
    let v = String::from_utf8_lossy(caps.get(1)?.as_bytes()).into_owned();
    Some(v_prefixed(&v))
}

fn v_prefixed(v: &str) -> String {
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        format!("v{v}")
    } else {
        v.to_string()
    }
}

pub(crate) fn wants(path: &str, image: bool) -> bool {
    !image && (ends_with_segments(path, "go.mod") || ends_with_segments(path, "go.sum"))
}

pub(crate) fn catalog(
    tree: &Tree,
    env: &Env,
    out: &mut Vec<Package>,
    _warnings: &mut Vec<Warning>,
) {
    if env.image {
        return;
    }
    for path in tree.files_matching(|p| ends_with_segments(p, "go.mod")) {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        let loc = tree.location(path, Evidence::Primary);
        for (name, version) in parse_go_mod(&text) {
            out.push(go_package(&name, &version, &loc, MOD_CATALOGER));
        }
    }
}

/// The required modules of a `go.mod` (replacements applied, exclusions removed), sorted.
pub fn parse_go_mod(text: &str) -> Vec<(String, String)> {
    let mut requires: BTreeMap<String, String> = BTreeMap::new();
    let mut replaces: Vec<(String, String, String, String)> = Vec::new();
    let mut excludes: Vec<(String, String)> = Vec::new();
    let mut block: Option<String> = None;
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line == ")" {
            block = None;
            continue;
        }
        let (verb, rest) = match &block {
            Some(b) => (b.clone(), line.to_string()),
            None => {
                let (v, r) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let r = r.trim();
                if r == "(" {
                    block = Some(v.to_string());
                    continue;
                }
                (v.to_string(), r.to_string())
            }
        };
        let toks: Vec<&str> = rest
            .split_whitespace()
            .map(|t| t.trim_matches('"'))
            .collect();
        match verb.as_str() {
            "require" if toks.len() >= 2 => {
                requires.insert(toks[0].to_string(), toks[1].to_string());
            }
            "exclude" if toks.len() >= 2 => {
                excludes.push((toks[0].to_string(), toks[1].to_string()))
            }
            "replace" => {
                if let Some(arrow) = toks.iter().position(|t| *t == "=>") {
                    let old = toks[..arrow].to_vec();
                    let new = toks[arrow + 1..].to_vec();
                    if let (Some(o), Some(n)) = (old.first(), new.first()) {
                        replaces.push((
                            o.to_string(),
                            old.get(1).unwrap_or(&"").to_string(),
                            n.to_string(),
                            new.get(1).unwrap_or(&"").to_string(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (name, version) in requires {
        if excludes.iter().any(|(n, v)| *n == name && *v == version) {
            continue;
        }
        let rep = replaces
            .iter()
            .find(|(o, ov, _, _)| *o == name && (ov.is_empty() || *ov == version));
        match rep {
            // a local-path replacement has no version: keep the required one
            Some((_, _, n, nv)) if !nv.is_empty() => out.push((n.clone(), nv.clone())),
            Some((_, _, n, _)) if !n.starts_with('.') && !n.starts_with('/') => {
                out.push((n.clone(), version))
            }
            _ => out.push((name, version)),
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modinfo_with_replacement() {
        let i = parse_modinfo(
            "path\tx/cmd\nmod\tx\t(devel)\t\ndep\ta/b\tv1.0.0\th1:x\n=>\tc/d\tv2.0.0\th1:y\nbuild\tGOOS=linux\n",
        );
        assert_eq!(
            i.deps,
            vec![Module {
                path: "c/d".into(),
                version: "v2.0.0".into(),
                sum: "h1:y".into()
            }]
        );
        assert_eq!(i.setting("GOOS"), Some("linux"));
        assert_eq!(
            module_purl("mvdan.cc/sh/v3/cmd/shfmt", "v3.6.0").as_str(),
            "pkg:golang/mvdan.cc/sh/v3@v3.6.0#cmd/shfmt"
        );
    }

    #[test]
    fn go_mod_requires_replaces_excludes() {
        let m = parse_go_mod(
            "module example.com/m\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.7.0 // indirect\n\tgithub.com/a/b v1.2.3\n\tgithub.com/c/d v0.1.0\n)\nrequire github.com/e/f v1.0.0\nreplace github.com/a/b => github.com/fork/b v1.2.4\nreplace github.com/e/f => ../local\nexclude github.com/c/d v0.1.0\n",
        );
        assert_eq!(
            m,
            vec![
                ("github.com/e/f".to_string(), "v1.0.0".to_string()),
                ("github.com/fork/b".to_string(), "v1.2.4".to_string()),
                ("golang.org/x/net".to_string(), "v0.7.0".to_string()),
            ]
        );
    }
}
