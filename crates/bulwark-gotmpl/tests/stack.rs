//! The depth limits hold on a caller thread with little stack: parsing and execution run
//! on their own big-stack thread.

use bulwark_gotmpl::{Limits, Options, TemplateSet, Value};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("no panic")
}

#[test]
fn recursive_template_errors_instead_of_overflowing_a_small_stack() {
    let err = on_small_stack(|| {
        let mut set = TemplateSet::with_builtins("root");
        set.parse("t", r#"{{define "r"}}{{if true}}{{with .}}{{template "r" .}}{{end}}{{end}}{{end}}{{template "r" 1}}"#)
            .expect("parses");
        set.execute("t", &Value::Nil).expect_err("depth limit")
    });
    assert!(err.to_string().contains("exceeded maximum"), "{err}");
}

#[test]
fn deep_parentheses_error_instead_of_overflowing_a_small_stack() {
    let err = on_small_stack(|| {
        let text = format!("{{{{{}1{}}}}}", "(".repeat(5000), ")".repeat(5000));
        let mut set = TemplateSet::with_builtins("root");
        set.parse("t", &text).expect_err("too deep")
    });
    assert_eq!(
        err.to_string(),
        "template: t:1: max expression depth exceeded"
    );
}

#[test]
fn deep_but_allowed_nesting_runs_on_a_small_stack() {
    let out = on_small_stack(|| {
        let text = format!("{}x{}", "{{if true}}".repeat(900), "{{end}}".repeat(900));
        let mut set = TemplateSet::with_builtins("root");
        set.parse("t", &text).expect("parses");
        set.execute("t", &Value::Nil).expect("runs")
    });
    assert_eq!(out, "x");
}

#[test]
fn nesting_limit_bounds_recursion_through_branches() {
    let mut set = TemplateSet::with_builtins("root");
    set.set_options(Options {
        limits: Limits {
            max_nesting: 100,
            ..Limits::default()
        },
        ..Options::default()
    });
    set.parse(
        "t",
        r#"{{define "r"}}{{if true}}{{template "r" .}}{{end}}{{end}}{{template "r" 1}}"#,
    )
    .expect("parses");
    let err = set.execute("t", &Value::Nil).expect_err("nesting limit");
    assert!(
        err.to_string()
            .contains("exceeded maximum nesting depth (100)"),
        "{err}"
    );
}

/// Texts big enough that `parse_all` splits them over two threads.
fn big_texts(bad: Option<usize>) -> Vec<(String, String)> {
    (0..40)
        .map(|i| {
            let mut text = format!(
                "{{{{define \"d{i}\"}}}}[{i}]{{{{end}}}}{{{{define \"shared\"}}}}{i}{{{{end}}}}"
            );
            text.push_str(&"{{ if true }}x{{ end }}".repeat(400));
            if bad == Some(i) {
                text.push_str("{{ nosuchfunction 1 }}");
            }
            (format!("t{i}"), text)
        })
        .collect()
}

#[test]
fn parse_all_matches_parsing_one_text_after_another() {
    let texts = big_texts(None);
    let mut one_by_one = TemplateSet::with_builtins("root");
    for (name, text) in &texts {
        one_by_one.parse(name, text).expect("parses");
    }
    let mut all = TemplateSet::with_builtins("root");
    all.parse_all(&texts).expect("parses");
    assert_eq!(
        all.names().collect::<Vec<_>>(),
        one_by_one.names().collect::<Vec<_>>()
    );
    // The last definition of a name wins, as when parsed in order.
    let run = |set: &TemplateSet| {
        let mut s = TemplateSet::clone(set);
        s.parse(
            "use",
            r#"{{template "shared"}}{{template "d3"}}{{template "d39"}}"#,
        )
        .expect("parses");
        s.execute("use", &Value::Nil).expect("runs")
    };
    assert_eq!(run(&all), "39[3][39]");
    assert_eq!(run(&all), run(&one_by_one));
}

#[test]
fn parse_all_reports_the_first_failing_text_in_order() {
    for (bad, want) in [(Some(35), 35), (Some(2), 2)] {
        let mut texts = big_texts(bad);
        // A second error later on must not win over the first one.
        texts[38].1.push_str("{{ end }}");
        let mut set = TemplateSet::with_builtins("root");
        let (index, err) = set.parse_all(&texts).expect_err("fails");
        assert_eq!(index, want, "{err}");
        assert!(err.to_string().contains(&format!("t{want}")), "{err}");
    }
}
