//! POSIX shell analysis (placeholder)
