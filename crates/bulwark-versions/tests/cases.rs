//! Table-driven version comparisons: `tests/cases/<scheme>.txt`, one chain per line
//! (`a < b < c`, `a == b`, `a > b`), `! text` for a string the scheme must reject, `#`
//! comments. Every pair in a chain is checked in both directions.

#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;

use bulwark_versions::Scheme;

fn run(file: &str, scheme: Scheme) {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{file}:{}", n + 1);
        if let Some(bad) = line.strip_prefix("! ") {
            checked += 1;
            if scheme.validate(bad).is_ok() {
                failures.push(format!("{at}: `{bad}` was accepted"));
            }
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        assert!(
            tokens.len() >= 3 && tokens.len() % 2 == 1,
            "{at}: malformed line"
        );
        for i in (0..tokens.len() - 2).step_by(2) {
            let (a, op, b) = (tokens[i], tokens[i + 1], tokens[i + 2]);
            let want = match op {
                "<" => Ordering::Less,
                "==" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("{at}: unknown operator {op}"),
            };
            checked += 1;
            match (scheme.compare(a, b), scheme.compare(b, a)) {
                (Ok(got), Ok(back)) if got == want && back == want.reverse() => {}
                (Ok(got), Ok(back)) => failures.push(format!(
                    "{at}: {a} {op} {b}: got {got:?} (and {back:?} reversed)"
                )),
                (Err(e), _) | (_, Err(e)) => failures.push(format!("{at}: {e}")),
            }
        }
    }
    assert!(checked > 10, "{file}: too few cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn semver() {
    run("semver.txt", Scheme::SemVer);
}

#[test]
fn npm() {
    run("npm.txt", Scheme::Npm);
}

#[test]
fn pep440() {
    run("pep440.txt", Scheme::Pep440);
}

#[test]
fn maven() {
    run("maven.txt", Scheme::Maven);
}

#[test]
fn go() {
    run("go.txt", Scheme::Go);
}

#[test]
fn rubygems() {
    run("rubygems.txt", Scheme::RubyGems);
}

#[test]
fn nuget() {
    run("nuget.txt", Scheme::NuGet);
}

#[test]
fn dpkg() {
    run("dpkg.txt", Scheme::Dpkg);
}

#[test]
fn rpm() {
    run("rpm.txt", Scheme::Rpm);
}

#[test]
fn apk() {
    run("apk.txt", Scheme::Apk);
}
