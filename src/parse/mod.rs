//! Clean text to a structured [`Issue`]: pages, articles and typed blocks, with the damage of
//! text extraction repaired.

use crate::model::Issue;

/// Why a text could not be parsed as pages of the magazine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("no page header found")]
    NoPages,
}

/// Parses clean text (see [`crate::source::decode`]) into an issue.
pub fn parse(text: &str) -> Result<Issue, ParseError> {
    let _ = text;
    Err(ParseError::NoPages)
}
