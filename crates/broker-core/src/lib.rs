//! The domain of broker-reader, with no terminal code: bytes ([`source`]) → clean text →
//! parsed [`model::Issue`] ([`parse`], with the damage of text extraction repaired) →
//! [`entities`] and a [`search`] index. The dictionary the repairs and the name finder consult
//! is [`lexicon`].
//!
//! It is a crate of its own so the reader's build can parse the embedded issue ahead of time
//! with exactly the code that parses any other file at run time.

#![forbid(unsafe_code)]

pub mod entities;
pub mod error;
pub mod lexicon;
pub mod model;
pub mod parse;
pub mod search;
pub mod source;
mod two_threads;

pub use error::{Error, Result};
