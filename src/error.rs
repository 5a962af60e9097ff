//! Failures of the environment, and the one error type the library returns.
//!
//! Problems in the user's files are [`Diagnostic`]s, carried whole in
//! [`Error::Content`]; everything else (I/O, bad paths given on the command line) is a
//! variant that names the path it concerns.

use std::io;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// What can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's files have problems; every one of them is listed.
    #[error("the site has {} error(s)", count_errors(.0))]
    Content(Vec<Diagnostic>),
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// A command-line argument or the site layout makes the command impossible.
    #[error("{0}")]
    Usage(String),
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

impl Error {
    /// The process exit code: 1 for problems in the site's content, 2 for usage and
    /// environment problems.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) => 1,
            _ => 2,
        }
    }

    pub(crate) fn read(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Read { path, source }
    }

    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Write { path, source }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
