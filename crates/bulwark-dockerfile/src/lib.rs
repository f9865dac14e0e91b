//! `bulwark-dockerfile` owns the Dockerfile: a parser that follows BuildKit's behaviour
//! (parser directives, escape character, continuations with comments and blank lines,
//! heredocs, exec and shell forms, flags, stages, ARG/ENV scopes) and keeps a [`Span`] on
//! every instruction, flag and argument; and [`shell`], a POSIX shell parser for `RUN`
//! commands whose words point back into the Dockerfile.
//!
//! ```
//! let df = bulwark_dockerfile::parse("FROM alpine AS base\nRUN apk add curl\n").expect("parses");
//! assert_eq!(df.stages[0].name.as_deref(), Some("base"));
//! let script = bulwark_dockerfile::shell::analyze_run(&df, &df.instructions[1]).expect("a RUN");
//! let cmd = script.commands().next().expect("one command");
//! assert_eq!(cmd.name(), Some("apk"));
//! assert!(!cmd.has_flag("--no-cache"));
//! ```
//!
//! Nothing here knows about rules or findings.

mod error;
mod expand;
mod lines;
mod model;
mod parse;
mod raw;
pub mod shell;

pub use bulwark_core::Span;
pub use error::{ParseError, ParseErrorKind};
pub use expand::{ExpandError, Expanded, Scope, VarKind};
pub use model::*;

use bulwark_core::SourceFile;

use crate::parse::{Builder, parse_lines};

/// Parse a Dockerfile; any error BuildKit would refuse the file for is an error here.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let df = parse_recovering(text)?;
    match df.errors.first() {
        Some(e) => Err(e.clone()),
        None => Ok(df),
    }
}

/// Parse a Dockerfile, keeping going past instruction-level errors: they are listed in
/// [`Dockerfile::errors`] and the offending instruction is kept as far as understood (or
/// dropped when not even its arguments could be split). Only file-level problems (no
/// instructions, a bad or repeated parser directive) are an `Err`.
pub fn parse_recovering(text: &str) -> Result<Dockerfile, ParseError> {
    let file = SourceFile::new("Dockerfile", text);
    let lp = parse_lines(text, &file)?;
    let mut builder = Builder {
        file: &file,
        errors: Vec::new(),
    };
    let mut instructions = Vec::with_capacity(lp.instructions.len());
    for (i, raw) in lp.instructions.iter().enumerate() {
        instructions.push(builder.build(raw, i));
    }
    let mut errors = lp.errors;
    errors.extend(builder.errors);
    let mut df = Dockerfile {
        directives: lp.directives,
        escape: lp.escape,
        instructions,
        stages: Vec::new(),
        global_args: Vec::new(),
        errors,
        warnings: lp.warnings,
        source: file.clone(),
    };
    assign_stages(&mut df);
    df.errors.sort_by_key(|e| e.span.start);
    Ok(df)
}

fn assign_stages(df: &mut Dockerfile) {
    let mut current: Option<usize> = None;
    for i in 0..df.instructions.len() {
        let kind = df.instructions[i].kind;
        if kind == InstructionKind::From {
            let index = df.stages.len();
            let (image, name, platform) = match &df.instructions[i].detail {
                Detail::From {
                    image,
                    name,
                    platform,
                } => (
                    image.clone(),
                    name.as_ref().map(|n| n.value.to_ascii_lowercase()),
                    platform.clone(),
                ),
                _ => (
                    Spanned {
                        value: String::new(),
                        span: df.instructions[i].keyword_span,
                    },
                    None,
                    None,
                ),
            };
            df.instructions[i].stage = Some(index);
            let scope = df.scope_at(i);
            let image_expanded = scope.expand_lossy(&image.value, df.escape);
            let base = match df.resolve_stage(&image_expanded, index) {
                Some(s) if df.stages[s].name.is_some() => StageRef::Stage(s),
                _ => StageRef::Image(image_expanded.clone()),
            };
            df.stages.push(Stage {
                index,
                name,
                image,
                image_expanded,
                base,
                platform,
                from_instruction: i,
                instructions: vec![i],
            });
            current = Some(index);
            continue;
        }
        df.instructions[i].stage = current;
        match current {
            Some(s) => df.stages[s].instructions.push(i),
            None if kind == InstructionKind::Arg => df.global_args.push(i),
            None => {
                let span = df.instructions[i].keyword_span;
                df.errors.push(ParseError::new(
                    span,
                    ParseErrorKind::NoStage(kind.as_str()),
                ));
            }
        }
    }
}

/// BuildKit's AST dump (`parser.Node.Dump`) of a Dockerfile, one line per instruction, as
/// in BuildKit's parser test `result` files. Errors only for what BuildKit's line parser
/// refuses (not for instruction-level problems).
pub fn buildkit_ast_dump(text: &str) -> Result<String, ParseError> {
    let file = SourceFile::new("Dockerfile", text);
    let lp = parse_lines(text, &file)?;
    let line_errors: Vec<&ParseError> = lp
        .errors
        .iter()
        .filter(|e| !matches!(e.kind, ParseErrorKind::UnknownInstruction(_)))
        .collect();
    if let Some(e) = line_errors.first() {
        return Err((*e).clone());
    }
    let mut out = String::new();
    for raw in &lp.instructions {
        out.push_str(&raw.node.dump());
        out.push('\n');
    }
    Ok(out)
}
