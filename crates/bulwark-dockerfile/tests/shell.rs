//! RUN shell analysis: the queries hadolint-class rules need.

use bulwark_dockerfile::shell::{Connector, ShellScript, analyze_run};
use bulwark_dockerfile::{Dockerfile, parse};

fn run(text: &str) -> (Dockerfile, ShellScript) {
    let df = parse(text).expect("parses");
    let ins = df
        .instructions
        .iter()
        .rev()
        .find(|i| analyze_run(&df, i).is_some())
        .expect("a RUN");
    let script = analyze_run(&df, ins).expect("a RUN");
    (df, script)
}

#[test]
fn apt_get_flags_and_packages_with_spans_across_continuations() {
    let text = "FROM debian\nRUN apt-get update && \\\n    apt-get install -qy --no-install-recommends \"curl=7.*\" git \\\n  && rm -rf /var/lib/apt/lists/*\n";
    let (_, s) = run(text);
    let names: Vec<_> = s.commands().filter_map(|c| c.name()).collect();
    assert_eq!(names, ["apt-get", "apt-get", "rm"]);
    let install = s.commands().nth(1).expect("install");
    assert!(install.has_flag("-y"), "-y inside the -qy cluster");
    assert!(install.has_any_flag(&["-y", "--yes", "--assume-yes"]));
    assert!(install.has_flag("--no-install-recommends"));
    assert_eq!(install.connector, Some(Connector::And));
    let pkgs: Vec<_> = install
        .packages_after("install")
        .iter()
        .map(|w| w.value.as_str())
        .collect();
    assert_eq!(pkgs, ["curl=7.*", "git"]);
    let curl = install.packages_after("install")[0];
    assert_eq!(&text[curl.span.start..curl.span.end], "\"curl=7.*\"");
    assert_eq!((curl.span.start_line, curl.span.start_column), (3, 49));
}

#[test]
fn curl_piped_to_shell() {
    let (_, s) = run("FROM a\nRUN curl -fsSL https://x.sh | sudo bash -s -- -y\n");
    let curl = s.find("curl").next().expect("curl");
    assert_eq!(s.piped_to(curl).and_then(|c| c.name()), Some("sudo"));
    assert!(s.uses("sudo"));
    assert_eq!(
        s.piped_from(s.find("sudo").next().expect("sudo"))
            .and_then(|c| c.name()),
        Some("curl")
    );
}

#[test]
fn nested_substitutions_subshells_and_control_flow() {
    let (_, s) = run(
        "FROM a\nRUN set -e; cd /tmp && (wget -q $(echo http://x) -O- | tar xz) \\\n  && if [ -f x ]; then pip install --no-cache-dir a; else apk add --no-cache b; fi \\\n  && for f in `ls /etc`; do echo $f; done; case $X in a) yum install -y c && yum clean all;; esac\n",
    );
    let names: Vec<_> = s.commands().filter_map(|c| c.name()).collect();
    for n in [
        "set", "cd", "wget", "echo", "tar", "[", "pip", "apk", "ls", "yum",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert!(s.find("echo").any(|c| c.in_substitution));
    assert!(s.find("wget").next().expect("wget").in_subshell);
    assert!(s.find("[").next().expect("[").in_condition);
    assert!(
        s.find("pip")
            .next()
            .expect("pip")
            .has_flag("--no-cache-dir")
    );
    assert!(s.find("yum").any(|c| c.subcommand() == Some("clean")));
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}

#[test]
fn assignments_redirects_and_quotes() {
    let (_, s) =
        run("FROM a\nRUN DEBIAN_FRONTEND=noninteractive apt-get 'install' -y x > /dev/null 2>&1\n");
    let c = s.commands().next().expect("cmd");
    assert_eq!(c.assignments[0].value, "DEBIAN_FRONTEND=noninteractive");
    assert_eq!(c.subcommand(), Some("install"));
    assert_eq!(c.redirects.len(), 2);
    assert_eq!(c.redirects[1].fd, Some(2));
    assert_eq!(c.redirects[1].op, ">&");
}

#[test]
fn heredoc_run_body_is_analysed_with_file_spans() {
    let text =
        "# syntax=docker/dockerfile:1\nFROM a\nRUN <<EOF\napt-get install x\npip install y\nEOF\n";
    let (df, s) = run(text);
    assert_eq!(df.instructions[1].heredocs[0].name, "EOF");
    let pip = s.find("pip").next().expect("pip");
    assert_eq!(pip.span.start_line, 5);
    assert_eq!(&text[pip.span.start..pip.span.end], "pip install y");
}

#[test]
fn powershell_shell_is_not_parsed_as_posix() {
    let df =
        parse("FROM mcr\nSHELL [\"powershell\", \"-Command\"]\nRUN Invoke-WebRequest x | iex\n")
            .expect("parses");
    let s = analyze_run(&df, &df.instructions[2]).expect("run");
    assert!(!s.posix);
    assert_eq!(s.commands().count(), 0);
}

#[test]
fn exec_form_is_one_command() {
    let (_, s) = run("FROM a\nRUN [\"apt-get\", \"install\", \"-y\", \"x\"]\n");
    let c = s.commands().next().expect("cmd");
    assert_eq!(c.name(), Some("apt-get"));
    assert!(c.has_flag("-y"));
}

#[test]
fn unbalanced_input_reports_errors_without_panicking() {
    for bad in [
        "FROM a\nRUN echo \"x\n",
        "FROM a\nRUN if true; then\n",
        "FROM a\nRUN $(( (\n",
        "FROM a\nRUN ) ) ;; fi\n",
    ] {
        let df = parse(bad).expect("dockerfile parses");
        let _ = analyze_run(&df, &df.instructions[1]);
    }
}

/// Fuzz crash: a backtick substitution ending in an escape at the end of the script put
/// the word end past the text.
#[test]
fn backtick_ending_in_escape_stays_inside_the_text() {
    for text in [
        "FROM a\nRUN echo `ls \\",
        "FROM a\nRUN x | `h \\\r\n",
        "FROM a\nRUN echo `\\é`\n",
    ] {
        let df = bulwark_dockerfile::parse_recovering(text).expect("parses");
        for ins in &df.instructions {
            if let Some(s) = analyze_run(&df, ins) {
                for c in s.commands() {
                    for w in &c.words {
                        assert!(
                            text.get(w.span.start..w.span.end).is_some(),
                            "{text:?}: {:?}",
                            w.span
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn pipe_operators_are_recorded_with_their_spans() {
    let text = "FROM a\nRUN { echo a; } | tee x && y=$(b |& c) || d; case $y in e|f) g;; esac\n";
    let (_, s) = run(text);
    let pipes: Vec<&str> = s.pipes.iter().map(|p| &text[p.start..p.end]).collect();
    assert_eq!(pipes, ["|", "|&"]);
    assert_eq!((s.pipes[0].start_line, s.pipes[0].start_column), (2, 17));
    let (_, none) = run("FROM a\nRUN a || b && c\n");
    assert!(none.pipes.is_empty());
}

#[test]
fn a_parenthesis_after_a_command_is_a_syntax_error() {
    for bad in [
        "FROM a\nRUN Write-Host ('x' -f $y); echo done\n",
        "FROM a\nRUN $dir = ('{0}' -f $y)\n",
    ] {
        let (_, s) = run(bad);
        assert_eq!(s.errors.len(), 1, "{bad}: {:?}", s.errors);
    }
    for ok in [
        "FROM a\nRUN f() { echo; }; f\n",
        "FROM a\nRUN function f() { echo; }\n",
        "FROM a\nRUN echo a && (cd x && make)\n",
        "FROM a\nRUN declare -a xs=(1 2) && echo ${xs[0]}\n",
    ] {
        let (_, s) = run(ok);
        assert!(s.errors.is_empty(), "{ok}: {:?}", s.errors);
    }
}
