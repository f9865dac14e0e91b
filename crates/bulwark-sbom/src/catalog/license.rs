//! Licence declarations to SPDX identifiers, where a declaration names one.

/// SPDX ids recognised case-insensitively (the ones package metadata commonly declares).
const SPDX_IDS: &[&str] = &[
    "0BSD",
    "AFL-2.1",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-1.0-Perl",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "bzip2-1.0.6",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CPL-1.0",
    "curl",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "FTL",
    "GFDL-1.2-only",
    "GFDL-1.2-or-later",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "ISC",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "Libpng",
    "MIT",
    "MIT-0",
    "MPL-1.1",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "OFL-1.1",
    "OpenSSL",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Ruby",
    "Sleepycat",
    "TCL",
    "Unicode-DFS-2016",
    "Unicode-3.0",
    "Unlicense",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "ZPL-2.1",
];

/// The SPDX id for a declared licence name, when there is one: exact ids
/// (case-insensitive), Debian short names (`GPL-2`, `LGPL-2.1+`, `BSD-3-clause`) and the
/// deprecated bare GNU ids (`GPL-2.0`, `GPL-2.0+`).
pub fn spdx_id(name: &str) -> Option<&'static str> {
    let n = name.trim();
    if let Some(id) = SPDX_IDS.iter().find(|id| id.eq_ignore_ascii_case(n)) {
        return Some(id);
    }
    let (base, plus) = match n.strip_suffix('+') {
        Some(b) => (b, true),
        None => (
            n.strip_suffix("-or-later").unwrap_or(n),
            n.ends_with("-or-later"),
        ),
    };
    let base = base.strip_suffix("-only").unwrap_or(base);
    let family = ["AGPL", "GPL", "LGPL", "GFDL"].iter().find(|f| {
        base.len() > f.len()
            && base[..f.len()].eq_ignore_ascii_case(f)
            && base.as_bytes()[f.len()] == b'-'
    })?;
    let mut ver = base[family.len() + 1..].to_string();
    if !ver.contains('.') {
        ver.push_str(".0");
    }
    let want = format!("{family}-{ver}-{}", if plus { "or-later" } else { "only" });
    SPDX_IDS
        .iter()
        .find(|id| id.eq_ignore_ascii_case(&want))
        .copied()
}

/// Normalises a declared licence: the SPDX id when it names one, else the text as given.
pub fn normalize(name: &str) -> String {
    spdx_id(name)
        .map(str::to_string)
        .unwrap_or_else(|| name.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_short_names_map_to_spdx() {
        assert_eq!(spdx_id("GPL-2"), Some("GPL-2.0-only"));
        assert_eq!(spdx_id("GPL-2+"), Some("GPL-2.0-or-later"));
        assert_eq!(spdx_id("LGPL-2.1+"), Some("LGPL-2.1-or-later"));
        assert_eq!(spdx_id("bsd-3-clause"), Some("BSD-3-Clause"));
        assert_eq!(spdx_id("Expat"), None);
        assert_eq!(normalize(" Expat "), "Expat");
    }
}
