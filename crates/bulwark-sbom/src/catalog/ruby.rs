//! Ruby gems: installed gem specifications (`specifications/*.gemspec`) and, in source
//! trees, `Gemfile.lock`.

use std::sync::OnceLock;

use regex::Regex;

use super::{Env, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType};
use crate::purl::Purl;
use crate::tree::{Tree, file_name, parent};

pub const GEMSPEC_CATALOGER: &str = "ruby-installed-gemspec-cataloger";
pub const LOCK_CATALOGER: &str = "ruby-gemfile-cataloger";

fn is_gemspec(path: &str) -> bool {
    path.ends_with(".gemspec") && file_name(parent(path)) == "specifications"
}

pub(crate) fn wants(path: &str, image: bool) -> bool {
    is_gemspec(path) || (!image && file_name(path) == "Gemfile.lock")
}

fn gem(name: &str, version: &str, found_by: &str) -> Package {
    let purl = Purl::build("gem", "", name, version, &[], "");
    Package::new(PackageType::Gem, name, version, "RubyGems", purl, found_by)
}

pub(crate) fn catalog(
    tree: &Tree,
    env: &Env,
    out: &mut Vec<Package>,
    _warnings: &mut Vec<Warning>,
) {
    for path in tree.files_matching(is_gemspec) {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        if let Some((name, version, licenses)) = parse_gemspec(&text) {
            let mut p = gem(&name, &version, GEMSPEC_CATALOGER);
            p.licenses = licenses.iter().map(|l| license::normalize(l)).collect();
            p.locations.push(tree.location(path, Evidence::Primary));
            out.push(p);
        }
    }
    if env.image {
        return;
    }
    for path in tree.files_matching(|p| file_name(p) == "Gemfile.lock") {
        let Some(text) = tree.read_text(path) else {
            continue;
        };
        let loc = tree.location(path, Evidence::Primary);
        for (n, v) in parse_gemfile_lock(&text) {
            let mut p = gem(&n, &v, LOCK_CATALOGER);
            p.locations.push(loc.clone());
            out.push(p);
        }
    }
}

/// Name, version and licences of an installed gemspec (`s.name = "x".freeze`).
pub fn parse_gemspec(text: &str) -> Option<(String, String, Vec<String>)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?m)^\s*\w+\.(name|version|licenses?)\s*=\s*(.+)$"#).expect("gemspec regex")
    });
    let strings = |v: &str| -> Vec<String> {
        v.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let (mut name, mut version, mut licenses) = (String::new(), String::new(), Vec::new());
    for c in re.captures_iter(text) {
        let val = &c[2];
        match &c[1] {
            "name" => name = strings(val).into_iter().next().unwrap_or_default(),
            "version" => version = strings(val).into_iter().next().unwrap_or_default(),
            _ => licenses.extend(strings(val)),
        }
    }
    (!name.is_empty() && !version.is_empty()).then_some((name, version, licenses))
}

/// The gems of a `Gemfile.lock` (`specs:` entries indented four spaces under GEM, GIT or
/// PATH sections; platform suffixes dropped).
pub fn parse_gemfile_lock(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut in_specs = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if in_specs && line.starts_with("    ") && !line.starts_with("     ") {
            let t = line.trim();
            if let Some((name, rest)) = t.split_once(" (") {
                let v = rest.trim_end_matches(')');
                let v = v.split('-').next().unwrap_or(v);
                out.push((name.to_string(), v.to_string()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemspec_and_lock() {
        let g = parse_gemspec(
            "Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\n  s.licenses = [\"MIT\".freeze]\nend\n",
        );
        assert_eq!(
            g,
            Some(("rake".into(), "13.0.6".into(), vec!["MIT".into()]))
        );
        let l = parse_gemfile_lock(
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.3)\n      x (>= 1)\n    nokogiri (1.13.0-x86_64-linux)\n\nDEPENDENCIES\n  rack\n",
        );
        assert_eq!(
            l,
            vec![
                ("nokogiri".into(), "1.13.0".into()),
                ("rack".into(), "2.2.3".into())
            ]
        );
    }
}
