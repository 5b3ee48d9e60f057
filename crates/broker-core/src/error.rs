//! The library's error type: every failure names the input and what is wrong with it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: is a directory, not a file")]
    IsDirectory { path: PathBuf },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path}: no page header found (expected a line like `19The Broker  issue 1  April 2007`)"
    )]
    NoPages { path: PathBuf },
    #[error("{path}: not a valid export: {message}")]
    BadExport { path: PathBuf, message: String },
    #[error("{path}: the file is too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
