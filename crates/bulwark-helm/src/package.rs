//! Packaging a chart folder into the `.tgz` Helm loads (`helm package`, Helm v4's
//! `pkg/action/package.go` and `pkg/chart/v2/util/save.go`), reproducibly.
//!
//! The archive holds `<name>/…` entries in Helm's order: `Chart.yaml` (the metadata written
//! back as `sigs.k8s.io/yaml` writes it: keys sorted, empty fields left out, `dependencies`
//! dropped for `apiVersion: v1`), `Chart.lock` (`apiVersion: v2` only, written back too),
//! `values.yaml` and `values.schema.json` as they are, templates and other files in load
//! order (folders walked in name order, `.helmignore` applied), then each subchart the same
//! way under `charts/<name>/` (subchart archives are unpacked into folders, as Helm does).
//!
//! Entries are written with Go's `archive/tar` conventions (USTAR, long ASCII names split
//! into prefix and name, PAX records for names USTAR cannot hold, mode `0644`, uid/gid 0, no
//! user or group names, no folder entries) and gzip with Helm's header (extra field and the
//! comment `Helm`). Unlike Helm, every entry gets one fixed modification time
//! ([`PackageOptions::mtime`], `SOURCE_DATE_EPOCH` in the CLI), so the same chart folder
//! always packs to the same bytes.

use std::io::Write;
use std::path::Path;

use crate::chart::Chart;
use crate::loader::{LoadError, LoadLimits, load_dir};
use crate::metadata::{ChartMetadata, Dependency, decode_dependency};
use crate::semver::Version;

/// How to package a chart.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Replaces `version` of `Chart.yaml` (`--version`); must be a semantic version.
    pub version: Option<String>,
    /// Replaces `appVersion` of `Chart.yaml` (`--app-version`).
    pub app_version: Option<String>,
    /// Modification time of every entry, in seconds since the Unix epoch.
    pub mtime: u64,
}

/// A packaged chart.
#[derive(Debug, Clone)]
pub struct ChartPackage {
    /// `<name>-<version>.tgz`.
    pub file_name: String,
    /// The gzip-compressed tar archive.
    pub bytes: Vec<u8>,
    /// The chart as packaged (with `--version`/`--app-version` applied).
    pub chart: Chart,
}

/// Why a chart could not be packaged.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("version {version:?} is not a semantic version (for example 1.2.3)")]
    InvalidVersion { version: String },
    #[error("found in Chart.yaml, but missing in charts/ directory: {}", missing.join(", "))]
    MissingDependencies { missing: Vec<String> },
    #[error("invalid JSON in {chart}/values.schema.json")]
    InvalidSchema { chart: String },
    #[error("{file}: {message}")]
    Lock { file: String, message: String },
    #[error("cannot write archive entry `{name}`: {message}")]
    Entry { name: String, message: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Loads the chart folder `dir` and packages it (`helm package DIR`).
pub fn package_dir(dir: &Path, options: &PackageOptions) -> Result<ChartPackage, PackageError> {
    let mut chart = load_dir(dir, &LoadLimits::default())?;
    if let Some(v) = &options.version {
        chart.metadata.version = v.clone();
    }
    if Version::parse(&chart.metadata.version).is_none() {
        return Err(PackageError::InvalidVersion {
            version: chart.metadata.version.clone(),
        });
    }
    if let Some(v) = &options.app_version {
        chart.metadata.app_version = v.clone();
    }
    check_dependencies(&chart)?;
    let bytes = write_chart_archive(&chart, options.mtime)?;
    Ok(ChartPackage {
        file_name: archive_file_name(&chart.metadata),
        bytes,
        chart,
    })
}

/// `<name>-<version>.tgz`, the name Helm gives a chart's archive.
pub fn archive_file_name(md: &ChartMetadata) -> String {
    format!("{}-{}.tgz", md.name, md.version)
}

/// Helm's `CheckDependencies`: every dependency of `Chart.yaml` must be in `charts/`.
fn check_dependencies(chart: &Chart) -> Result<(), PackageError> {
    let missing: Vec<String> = chart
        .metadata
        .dependency_list()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PackageError::MissingDependencies { missing })
    }
}

/// Writes a loaded chart as a gzip-compressed tar archive (Helm's `chartutil.Save`).
pub fn write_chart_archive(chart: &Chart, mtime: u64) -> Result<Vec<u8>, PackageError> {
    let mut entries = Vec::new();
    collect_entries(chart, "", &mut entries)?;
    let mut tar = GoTarWriter::new(mtime);
    for (name, data) in &entries {
        tar.append(name, data)?;
    }
    let tar = tar.finish();
    let mut gz = flate2::GzBuilder::new()
        .extra(HELM_GZIP_EXTRA.to_vec())
        .comment("Helm")
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)?;
    Ok(gz.finish()?)
}

/// The extra field of the gzip header of every archive Helm writes.
const HELM_GZIP_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

fn collect_entries(
    chart: &Chart,
    prefix: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), PackageError> {
    let md = &chart.metadata;
    let base = format!("{prefix}{}", md.name);
    out.push((format!("{base}/Chart.yaml"), metadata_yaml(md).into_bytes()));
    if md.api_version == "v2"
        && let Some(lock) = &chart.lock
    {
        out.push((
            format!("{base}/Chart.lock"),
            lock_yaml(&base, lock)?.into_bytes(),
        ));
    }
    if let Some(values) = &chart.raw_values {
        out.push((format!("{base}/values.yaml"), values.clone()));
    }
    if let Some(schema) = &chart.schema {
        if serde_json::from_slice::<serde_json::Value>(schema).is_err() {
            return Err(PackageError::InvalidSchema { chart: base });
        }
        out.push((format!("{base}/values.schema.json"), schema.clone()));
    }
    for f in chart.templates.iter().chain(&chart.files) {
        out.push((format!("{base}/{}", f.name), f.data.to_vec()));
    }
    for dep in &chart.dependencies {
        collect_entries(dep, &format!("{base}/charts/"), out)?;
    }
    Ok(())
}

/// `Chart.yaml` as Helm writes it back (`sigs.k8s.io/yaml.Marshal` of the metadata): the
/// text a provenance file signs, too.
pub fn metadata_yaml(md: &ChartMetadata) -> String {
    bulwark_yaml::emit::to_yaml(&metadata_json(md))
}

fn metadata_json(md: &ChartMetadata) -> serde_json::Value {
    use serde_json::{Map, Value};
    let mut m = Map::new();
    let mut s = |k: &str, v: &str| {
        if !v.is_empty() {
            m.insert(k.to_owned(), Value::from(v));
        }
    };
    s("name", &md.name);
    s("home", &md.home);
    s("version", &md.version);
    s("description", &md.description);
    s("icon", &md.icon);
    s("apiVersion", &md.api_version);
    s("condition", &md.condition);
    s("tags", &md.tags);
    s("appVersion", &md.app_version);
    s("kubeVersion", &md.kube_version);
    s("type", &md.chart_type);
    let strings = |v: &[String]| Value::from(v.to_vec());
    if !md.sources.is_empty() {
        m.insert("sources".into(), strings(&md.sources));
    }
    if !md.keywords.is_empty() {
        m.insert("keywords".into(), strings(&md.keywords));
    }
    if !md.maintainers.is_empty() {
        let list = md
            .maintainers
            .iter()
            .map(|mt| match mt {
                None => Value::Null,
                Some(mt) => {
                    let mut o = Map::new();
                    for (k, v) in [("name", &mt.name), ("email", &mt.email), ("url", &mt.url)] {
                        if !v.is_empty() {
                            o.insert(k.into(), Value::from(v.as_str()));
                        }
                    }
                    Value::Object(o)
                }
            })
            .collect();
        m.insert("maintainers".into(), Value::Array(list));
    }
    if md.deprecated {
        m.insert("deprecated".into(), Value::Bool(true));
    }
    if !md.annotations.is_empty() {
        let o = md
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        m.insert("annotations".into(), Value::Object(o));
    }
    // `apiVersion: v1` keeps its dependencies in requirements.yaml; Save leaves them out.
    if md.api_version != "v1"
        && let Some(deps) = md.dependencies.as_ref().filter(|d| !d.is_empty())
    {
        m.insert("dependencies".into(), dependencies_json(deps));
    }
    Value::Object(m)
}

fn dependencies_json(deps: &[Option<Dependency>]) -> serde_json::Value {
    use serde_json::{Map, Value};
    let list = deps
        .iter()
        .map(|d| {
            let Some(d) = d else {
                return Value::Null;
            };
            let mut o = Map::new();
            o.insert("name".into(), Value::from(d.name.as_str()));
            o.insert("repository".into(), Value::from(d.repository.as_str()));
            for (k, v) in [
                ("version", &d.version),
                ("condition", &d.condition),
                ("alias", &d.alias),
            ] {
                if !v.is_empty() {
                    o.insert(k.into(), Value::from(v.as_str()));
                }
            }
            if !d.tags.is_empty() {
                o.insert("tags".into(), Value::from(d.tags.clone()));
            }
            if d.enabled {
                o.insert("enabled".into(), Value::Bool(true));
            }
            if !d.import_values_raw.is_empty() {
                o.insert(
                    "import-values".into(),
                    Value::Array(d.import_values_raw.iter().map(|v| v.to_json()).collect()),
                );
            }
            if !d.depends_on.is_empty() {
                o.insert("depends-on".into(), Value::from(d.depends_on.clone()));
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(list)
}

/// `Chart.lock` as Helm writes it back: `generated` (RFC 3339 with nanoseconds), `digest`
/// and `dependencies`, always present.
fn lock_yaml(chart: &str, data: &[u8]) -> Result<String, PackageError> {
    use serde_json::{Map, Value};
    let file = format!("{chart}/Chart.lock");
    let fail = |message: String| PackageError::Lock {
        file: file.clone(),
        message,
    };
    let text = String::from_utf8_lossy(data);
    let docs = bulwark_yaml::load_str_with(&text, bulwark_yaml::LoadOptions::default())
        .map_err(|e| fail(format!("line {}: {}", e.line, e.message)))?;
    let root = docs.into_iter().next().map(|d| d.root);
    let field = |k: &str| {
        root.as_ref()
            .and_then(|r| r.get(k))
            .filter(|n| !n.is_null())
    };
    let generated = match field("generated") {
        Some(g) => go_rfc3339_nano(g.scalar_text().unwrap_or_default()).ok_or_else(|| {
            fail(format!(
                "`generated` is not an RFC 3339 time: {:?}",
                g.scalar_text()
            ))
        })?,
        None => "0001-01-01T00:00:00Z".to_owned(),
    };
    let digest = field("digest").map(|d| d.key_string()).unwrap_or_default();
    let deps = match field("dependencies") {
        Some(list) => {
            let decoded = list
                .items()
                .iter()
                .map(decode_dependency)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fail(e.to_string()))?;
            dependencies_json(&decoded)
        }
        None => Value::Null,
    };
    let mut m = Map::new();
    m.insert("generated".into(), Value::from(generated));
    m.insert("digest".into(), Value::from(digest));
    m.insert("dependencies".into(), deps);
    Ok(bulwark_yaml::emit::to_yaml(&Value::Object(m)))
}

/// Reformats an RFC 3339 time as Go's `time.RFC3339Nano` writes it (fraction without
/// trailing zeros, `Z` for a zero offset).
fn go_rfc3339_nano(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b.get(10), Some(b'T' | b't')) {
        return None;
    }
    let date_time = format!("{}T{}", s.get(..10)?, s.get(11..19)?);
    let digits_ok = date_time.bytes().enumerate().all(|(i, c)| match i {
        4 | 7 => c == b'-',
        10 => c == b'T',
        13 | 16 => c == b':',
        _ => c.is_ascii_digit(),
    });
    if !digits_ok {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut frac = "";
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        frac = &r[..n.min(9)];
        rest = &r[n..];
    }
    let frac = frac.trim_end_matches('0');
    let zone = match rest {
        "Z" | "z" | "+00:00" | "-00:00" => "Z".to_owned(),
        z if z.len() == 6
            && matches!(z.as_bytes()[0], b'+' | b'-')
            && z.as_bytes()[3] == b':'
            && z.bytes()
                .enumerate()
                .all(|(i, c)| i == 0 || i == 3 || c.is_ascii_digit()) =>
        {
            z.to_owned()
        }
        _ => return None,
    };
    let dot = if frac.is_empty() { "" } else { "." };
    Some(format!("{date_time}{dot}{frac}{zone}"))
}

/// A tar stream as Go's `archive/tar` writes Helm's entries (`Header{Name, Mode: 0644,
/// Size, ModTime}`, format chosen by the writer).
struct GoTarWriter {
    out: Vec<u8>,
    mtime: u64,
}

const BLOCK: usize = 512;
const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;

impl GoTarWriter {
    fn new(mtime: u64) -> GoTarWriter {
        GoTarWriter {
            out: Vec::new(),
            mtime,
        }
    }

    fn append(&mut self, name: &str, data: &[u8]) -> Result<(), PackageError> {
        let fail = |message: &str| PackageError::Entry {
            name: name.to_owned(),
            message: message.to_owned(),
        };
        if name.contains('\0') {
            return Err(fail("names cannot contain NUL"));
        }
        // Go's octal size field holds up to 8 GiB; the loader bounds files far below.
        if data.len() as u64 >= 8 << 30 || self.mtime >= 8 << 30 {
            return Err(fail("entry too large for a USTAR header"));
        }
        let fits_ustar = name.len() <= NAME_SIZE && name.is_ascii();
        if fits_ustar {
            let block = self.header(name, "", data.len() as u64, b'0');
            self.write_block(block, data);
        } else if let Some((prefix, suffix)) = split_ustar_path(name) {
            let block = self.header(suffix, prefix, data.len() as u64, b'0');
            self.write_block(block, data);
        } else {
            // PAX: a `x` entry with the path record, then the entry with a truncated name.
            let record = pax_record("path", name);
            let (dir, file) = match name.rfind('/') {
                Some(i) => (&name[..=i], &name[i + 1..]),
                None => ("", name),
            };
            let pax_name = format!("{dir}PaxHeaders.0/{file}");
            let pax_name = truncate(&ascii_only(&pax_name), NAME_SIZE)
                .trim_end_matches('/')
                .to_owned();
            let mut pax = [0u8; BLOCK];
            put_str(&mut pax[0..100], &pax_name);
            put_octal(&mut pax[100..108], 0);
            put_octal(&mut pax[108..116], 0);
            put_octal(&mut pax[116..124], 0);
            put_octal(&mut pax[124..136], record.len() as u64);
            put_octal(&mut pax[136..148], 0);
            pax[156] = b'x';
            finish_header(&mut pax);
            self.write_block(pax, record.as_bytes());
            let main_name = ascii_only(name);
            let mut block = self.header("", "", data.len() as u64, b'0');
            put_str_truncated(&mut block[0..100], &main_name);
            finish_header(&mut block);
            self.write_block(block, data);
        }
        Ok(())
    }

    /// A regular-file header (`templateV7Plus` plus USTAR magic and checksum).
    fn header(&self, name: &str, prefix: &str, size: u64, flag: u8) -> [u8; BLOCK] {
        let mut b = [0u8; BLOCK];
        put_str(&mut b[0..100], name);
        put_octal(&mut b[100..108], 0o644);
        put_octal(&mut b[108..116], 0);
        put_octal(&mut b[116..124], 0);
        put_octal(&mut b[124..136], size);
        put_octal(&mut b[136..148], self.mtime);
        b[156] = flag;
        put_octal(&mut b[329..337], 0);
        put_octal(&mut b[337..345], 0);
        put_str(&mut b[345..500], prefix);
        finish_header(&mut b);
        b
    }

    fn write_block(&mut self, header: [u8; BLOCK], data: &[u8]) {
        self.out.extend_from_slice(&header);
        self.out.extend_from_slice(data);
        let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
        self.out.resize(self.out.len() + pad, 0);
    }

    /// The stream with Go's end marker (two zero blocks, no padding to a record).
    fn finish(mut self) -> Vec<u8> {
        self.out.resize(self.out.len() + 2 * BLOCK, 0);
        self.out
    }
}

/// Go's `splitUSTARPath`: a long ASCII name split at a slash into prefix (≤155) and
/// name (≤100).
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    if name.len() <= NAME_SIZE || !name.is_ascii() {
        return None;
    }
    let mut length = name.len();
    if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let suffix_len = name.len() - i - 1;
    if i == 0 || suffix_len > NAME_SIZE || suffix_len == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

fn ascii_only(s: &str) -> String {
    s.chars().filter(char::is_ascii).collect()
}

fn truncate(s: &str, n: usize) -> &str {
    // ASCII only, so any byte index is a boundary.
    &s[..s.len().min(n)]
}

/// Go's `formatPAXRecord`: `"<len> key=value\n"`, the length counting itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len();
    loop {
        let total = len.to_string().len() + body.len();
        if total == len {
            return format!("{len}{body}");
        }
        len = total;
    }
}

/// Go's `formatString`: the bytes, NUL-terminated when shorter than the field.
fn put_str(field: &mut [u8], s: &str) {
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s.as_bytes()[..n]);
    if n < field.len() {
        field[n] = 0;
    }
}

/// Go's `formatString` for a value longer than the field: truncated, and a trailing slash
/// in the truncated name replaced by NUL.
fn put_str_truncated(field: &mut [u8], s: &str) {
    put_str(field, s);
    if s.len() > field.len() && field[field.len() - 1] == b'/' {
        let n = s[..field.len() - 1].trim_end_matches('/').len();
        field[n] = 0;
    }
}

/// Go's `formatOctal`: zero-padded octal leaving room for a NUL.
fn put_octal(field: &mut [u8], x: u64) {
    let s = format!("{x:o}");
    let padded = format!(
        "{}{s}",
        "0".repeat((field.len() - 1).saturating_sub(s.len()))
    );
    put_str(field, &padded);
}

/// USTAR magic and the checksum (six octal digits, NUL, space).
fn finish_header(b: &mut [u8; BLOCK]) {
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[148..156].fill(b' ');
    let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
    put_octal(&mut b[148..155], sum);
    b[155] = b' ';
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(pax_record("path", "a"), "9 path=a\n");
        assert_eq!(pax_record("path", &"y".repeat(92)).len(), 102);
        let long = "x".repeat(95);
        let r = pax_record("path", &long);
        assert_eq!(r.len().to_string(), r.split(' ').next().unwrap_or(""));
    }

    #[test]
    fn splits_long_ascii_paths_like_go() {
        let name = format!("{}/{}", "d".repeat(120), "f".repeat(20));
        let (p, n) = split_ustar_path(&name).expect("splits");
        assert_eq!((p.len(), n.len()), (120, 20));
        assert_eq!(split_ustar_path("short"), None);
        assert_eq!(split_ustar_path(&"x".repeat(101)), None);
        assert_eq!(split_ustar_path(&format!("a/{}", "é".repeat(60))), None);
    }

    #[test]
    fn rfc3339_nano_as_go_writes_it() {
        assert_eq!(
            go_rfc3339_nano("2019-10-01T12:30:00.120000Z").as_deref(),
            Some("2019-10-01T12:30:00.12Z")
        );
        assert_eq!(
            go_rfc3339_nano("2020-01-02T03:04:05+02:00").as_deref(),
            Some("2020-01-02T03:04:05+02:00")
        );
        assert_eq!(
            go_rfc3339_nano("2020-01-02T03:04:05.000-00:00").as_deref(),
            Some("2020-01-02T03:04:05Z")
        );
        assert_eq!(go_rfc3339_nano("yesterday"), None);
    }

    #[test]
    fn header_checksum_and_fields_as_go_writes_them() {
        let w = GoTarWriter::new(1_530_063_226);
        let h = w.header("frobnitz/Chart.yaml", "", 391, b'0');
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[124..136], b"00000000607\0");
        assert_eq!(&h[136..148], b"13314564572\0");
        assert_eq!(&h[257..265], b"ustar\x0000");
        let stored = std::str::from_utf8(&h[148..154]).expect("octal");
        let mut copy = h;
        copy[148..156].fill(b' ');
        let sum: u64 = copy.iter().map(|&x| u64::from(x)).sum();
        assert_eq!(u64::from_str_radix(stored, 8).ok(), Some(sum));
        assert_eq!(&h[154..156], b"\0 ");
    }
}
