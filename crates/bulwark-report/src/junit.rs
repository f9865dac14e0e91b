use std::fmt::Write as _;

use bulwark_core::{Finding, Report, TargetReport};

use crate::table::{input_error_text, suppression_text};

/// Renders `report` as JUnit XML: one `<testsuite>` per target, one `<testcase>` per finding
/// (a `<failure>`, or `<skipped>` when suppressed), one `<testcase>` with an `<error>` per
/// input error, and a passing `<testcase>` for a target with neither, so CI lists every
/// scanned file.
pub fn render_junit(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    let mut suites = String::new();
    for target in &report.targets {
        let counts = write_suite(&mut suites, target);
        tests += counts.tests;
        failures += counts.failures;
        errors += counts.errors;
        skipped += counts.skipped;
    }
    let _ = writeln!(
        out,
        "<testsuites name=\"bulwark\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn write_suite(out: &mut String, target: &TargetReport) -> Counts {
    let mut cases = String::new();
    let mut c = Counts::default();
    let class = attr(&target.path);
    for f in &target.findings {
        c.tests += 1;
        let _ = write!(
            cases,
            "    <testcase classname=\"{class}\" name=\"{}\" file=\"{}\" line=\"{}\">",
            attr(&case_name(f)),
            attr(&f.location.path),
            f.location.start_line,
        );
        match &f.suppressed {
            Some(s) => {
                c.skipped += 1;
                let _ = write!(
                    cases,
                    "\n      <skipped message=\"{}\"/>\n",
                    attr(&format!("suppressed {}", suppression_text(s)))
                );
            }
            None => {
                c.failures += 1;
                let _ = write!(
                    cases,
                    "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    attr(&f.message),
                    attr(&f.rule),
                    text(&failure_body(f)),
                );
            }
        }
        cases.push_str("    </testcase>\n");
    }
    for e in &target.errors {
        c.tests += 1;
        c.errors += 1;
        let _ = write!(
            cases,
            "    <testcase classname=\"{class}\" name=\"input error\" file=\"{}\"",
            attr(&e.path)
        );
        if let Some(line) = e.line {
            let _ = write!(cases, " line=\"{line}\"");
        }
        let _ = writeln!(
            cases,
            ">\n      <error message=\"{}\" type=\"input-error\">{}</error>\n    </testcase>",
            attr(&e.message),
            text(&input_error_text(e)),
        );
    }
    if c.tests == 0 {
        c.tests = 1;
        let _ = writeln!(
            cases,
            "    <testcase classname=\"{class}\" name=\"bulwark scan\" file=\"{class}\"/>"
        );
    }
    let _ = writeln!(
        out,
        "  <testsuite name=\"{class}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        c.tests, c.failures, c.errors, c.skipped
    );
    out.push_str(&cases);
    out.push_str("  </testsuite>\n");
    c
}

/// `KUB012 run-as-non-root at 14:9 (Deployment/default/web)`.
fn case_name(f: &Finding) -> String {
    let mut s = format!(
        "{} {} at {}:{}",
        f.rule, f.name, f.location.start_line, f.location.start_column
    );
    if let Some(r) = &f.resource {
        let _ = write!(s, " ({}", r.display());
        if let Some(c) = &r.container {
            let _ = write!(s, ", container {c}");
        }
        s.push(')');
    }
    s
}

fn failure_body(f: &Finding) -> String {
    let l = &f.location;
    let mut s = format!(
        "{}[{}] {}: {}\n  at {}:{}:{}\n",
        f.severity, f.rule, f.name, f.message, l.path, l.start_line, l.start_column
    );
    if let Some(r) = &f.resource {
        let _ = write!(s, "  resource: {}", r.display());
        if let Some(c) = &r.container {
            let _ = write!(s, ", container {c}");
        }
        s.push('\n');
    }
    for label in &f.labels {
        let _ = writeln!(
            s,
            "  related: {}:{}:{}: {}",
            label.location.path,
            label.location.start_line,
            label.location.start_column,
            label.message
        );
    }
    if let Some(help) = &f.help {
        let _ = writeln!(s, "  help: {help}");
    }
    let _ = writeln!(s, "  see: bulwark rules {}", f.rule);
    s
}

/// Escapes character data. Characters XML 1.0 cannot hold become U+FFFD.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value, keeping line breaks and tabs as character references so that
/// parsers do not normalise them away.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(ch),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0 `Char`, less the white space handled by the caller.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            attr("a<b & \"c\"\n'd'"),
            "a&lt;b &amp; &quot;c&quot;&#10;&apos;d&apos;"
        );
        assert_eq!(text("x\u{1b}[0m <y>\n"), "x\u{FFFD}[0m &lt;y&gt;\n");
    }
}
