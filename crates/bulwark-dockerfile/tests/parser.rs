//! Parser behaviour beyond BuildKit's own test files.

use bulwark_dockerfile::*;

#[test]
fn directives_escape_backtick_and_crlf() {
    let text = "# escape=`\r\n# syntax=docker/dockerfile:1\r\nFROM mcr/windows AS Build\r\nRUN dir `\r\n  c:\\ \r\nFROM b\r\nCOPY --from=build c:\\a c:\\b\r\n";
    let df = parse(text).expect("parses");
    assert_eq!(df.escape, '`');
    assert_eq!(df.directives.len(), 2);
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
    let run = &df.instructions[1];
    assert_eq!(run.args[0].value, "dir   c:\\");
    assert_eq!((run.start_line, run.end_line), (4, 5));
    assert_eq!(df.copy_from(&df.instructions[3]), Some(StageRef::Stage(0)));
}

#[test]
fn directive_after_comment_is_a_comment() {
    let df = parse("# hello\n# escape=`\nFROM a\nRUN a \\\n b\n").expect("parses");
    assert!(df.directives.is_empty());
    assert_eq!(df.instructions[1].args[0].value, "a  b");
}

#[test]
fn comments_and_blank_lines_inside_continuations() {
    let df = parse("FROM a\nRUN apt-get update \\\n# comment\n\n    && apt-get install x\n")
        .expect("parses");
    assert_eq!(
        df.instructions[1].args[0].value,
        "apt-get update     && apt-get install x"
    );
    assert_eq!(df.warnings.len(), 1);
}

#[test]
fn heredocs_several_chomp_and_quoted() {
    let text = "FROM a\nCOPY <<-\"A\" <<B /dst/\n\tx $V\n\tA\ny\nB\nRUN echo\n";
    let df = parse(text).expect("parses");
    let h = &df.instructions[1].heredocs;
    assert_eq!(h.len(), 2);
    assert!(!h[0].expand && h[0].chomp && h[1].expand);
    assert_eq!(h[0].body(), "x $V\n");
    assert_eq!(h[1].content, "y\n");
    assert_eq!(df.instructions[2].start_line, 7);
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let e = parse("FROM a\nRUN <<EOF\necho\n").expect_err("unterminated");
    assert_eq!(
        e.to_string(),
        "line 2, column 5: unterminated heredoc `EOF` started at line 2"
    );
}

#[test]
fn errors_name_what_was_expected() {
    assert_eq!(
        parse("FROM\n").expect_err("no image").kind,
        ParseErrorKind::FromRequiresImage
    );
    assert!(matches!(
        parse("FROM a\nFOO bar\n").expect_err("unknown").kind,
        ParseErrorKind::UnknownInstruction(_)
    ));
    let df = parse_recovering("FROM a\nFOO bar\nRUN x\n").expect("recovers");
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.instructions.len(), 3);
}

#[test]
fn arg_scoping_per_stage() {
    let df = parse("ARG V=1.0\nARG IMG=alpine:${V}\nFROM ${IMG} AS base\nRUN echo $V\nARG V\nENV P=/opt/$V\nFROM base\nRUN x\n").expect("parses");
    assert_eq!(df.global_args, vec![0, 1]);
    assert_eq!(df.stages[0].image_expanded, "alpine:1.0");
    assert_eq!(
        df.scope_at(3).get("V"),
        None,
        "global ARG not visible before re-declaration"
    );
    assert_eq!(df.scope_at(5).get("V"), Some("1.0"));
    assert_eq!(df.scope_at(6).get("P"), None);
    assert_eq!(df.stages[1].base, StageRef::Stage(0));
    assert_eq!(
        df.scope_at(7).get("P"),
        Some("/opt/1.0"),
        "ENV inherited from base stage"
    );
}

#[test]
fn expansion_modifiers() {
    let mut s = Scope::default();
    s.set("A", Some("hello.tar.gz".into()), VarKind::Env);
    s.set("E", Some(String::new()), VarKind::Env);
    let x = |w: &str| s.expand(w, '\\').expect("expands").value;
    assert_eq!(x("${A%%.*}"), "hello");
    assert_eq!(x("${A%.*}"), "hello.tar");
    assert_eq!(x("${A#*.}"), "tar.gz");
    assert_eq!(x("${A##*.}"), "gz");
    assert_eq!(x("${E:-d}|${E-d}|${U-d}|${A:+y}|${U+y}"), "d||d|y|");
    assert_eq!(x("${A/tar/zip}"), "hello.zip.gz");
    assert_eq!(x("'$A' \"$A\" \\$A"), "$A hello.tar.gz $A");
    assert!(s.expand("${U:?missing}", '\\').is_err());
    assert_eq!(
        s.expand("$U", '\\').expect("ok").unresolved,
        vec!["U".to_string()]
    );
}

#[test]
fn flags_mounts_and_onbuild() {
    let df = parse("FROM --platform=$BUILDPLATFORM golang AS b\nRUN --mount=type=cache,target=/root/.cache --network=none go build\nONBUILD RUN make\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"x\"]\nHEALTHCHECK NONE\n").expect("parses");
    let Detail::Run {
        mounts, network, ..
    } = &df.instructions[1].detail
    else {
        panic!("run")
    };
    assert_eq!(mounts[0].kind, "cache");
    assert_eq!(mounts[0].target.as_deref(), Some("/root/.cache"));
    assert_eq!(network.as_deref(), Some("none"));
    assert_eq!(
        df.instructions[2].trigger().map(|t| t.kind),
        Some(InstructionKind::Run)
    );
    assert!(matches!(
        df.instructions[3].detail,
        Detail::Healthcheck(Healthcheck::Cmd(CommandForm::Exec(_)))
    ));
    assert!(matches!(
        df.instructions[4].detail,
        Detail::Healthcheck(Healthcheck::None)
    ));
}

#[test]
fn env_label_forms() {
    let df =
        parse("FROM a\nENV A=1 B=\"2 3\"\nENV LEGACY some value\nLABEL k=v\n").expect("parses");
    let Detail::Env(kv) = &df.instructions[1].detail else {
        panic!()
    };
    assert_eq!(kv[1].value.value, "\"2 3\"");
    let Detail::Env(kv) = &df.instructions[2].detail else {
        panic!()
    };
    assert!(!kv[0].uses_equals);
    assert_eq!(kv[0].value.value, "some value");
}
