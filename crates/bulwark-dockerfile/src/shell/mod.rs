//! POSIX shell analysis (placeholder)
pub fn analyze_run(_df: &crate::Dockerfile, _i: &crate::Instruction) -> Option<()> { None }
