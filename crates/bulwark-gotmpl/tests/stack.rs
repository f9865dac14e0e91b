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
