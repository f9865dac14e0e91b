//! Every Dockerfile of the shared corpus parses (except the ones BuildKit refuses, listed
//! in `corpus-refused.txt` with the reason), without panics, with spans that point at the
//! text they describe.

mod common;

use std::collections::BTreeMap;

use bulwark_dockerfile::{CommandForm, Instruction};

fn check_spans(text: &str, ins: &Instruction, where_: &str) {
    let at = |s: bulwark_dockerfile::Span| {
        text.get(s.start..s.end)
            .unwrap_or_else(|| panic!("{where_}: span {s:?} not on char boundaries"))
    };
    let kw = at(ins.keyword_span);
    assert!(
        kw.eq_ignore_ascii_case(&ins.keyword),
        "{where_}: keyword span gives {kw:?}"
    );
    assert!(
        at(ins.span).starts_with(kw),
        "{where_}: instruction span starts {:?}",
        &at(ins.span)[..kw.len().min(at(ins.span).len())]
    );
    let line_start = text[..ins.span.start].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(
        ins.span.start_line as usize,
        text[..line_start].matches('\n').count() + 1,
        "{where_}: start line"
    );
    assert_eq!(
        ins.span.start_column as usize,
        text[line_start..ins.span.start].chars().count() + 1,
        "{where_}: start column"
    );
    for f in &ins.flags {
        let t = at(f.span);
        assert!(t.starts_with("--"), "{where_}: flag span gives {t:?}");
    }
    if let Some(CommandForm::Exec(words)) = ins.command() {
        for w in words {
            let t = at(w.span);
            assert!(
                t.starts_with('"') && t.ends_with('"'),
                "{where_}: exec word span gives {t:?}"
            );
        }
    }
    if let Some(t) = ins.trigger() {
        check_spans(text, t, where_);
    }
}

#[test]
fn corpus_parses_with_correct_spans() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let root = shared.join("corpus/dockerfiles");
    let refused: BTreeMap<String, String> = include_str!("corpus-refused.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (p, why) = l.split_once('\t').unwrap_or((l, ""));
            (p.to_string(), why.to_string())
        })
        .collect();
    let files = common::dockerfiles(&root);
    assert!(files.len() >= 290, "corpus has {} Dockerfiles", files.len());
    let mut problems = Vec::new();
    let mut parsed = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
        let result = bulwark_dockerfile::parse(&text);
        match (&result, refused.get(&rel)) {
            (Ok(df), None) => {
                parsed += 1;
                for ins in &df.instructions {
                    check_spans(&text, ins, &format!("{rel}:{}", ins.start_line));
                }
                for ins in &df.instructions {
                    let _ = bulwark_dockerfile::shell::analyze_run(df, ins);
                }
            }
            (Ok(_), Some(why)) => {
                problems.push(format!("{rel}: listed as refused ({why}) but parses"))
            }
            (Err(e), None) => problems.push(format!("{rel}: {e}")),
            (Err(_), Some(_)) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(parsed + refused.len(), files.len());
}
