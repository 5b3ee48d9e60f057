//! Entry point: parse arguments, load the issue, hand over to the command line or the reader,
//! and turn failures into one line on stderr and an exit code (0 ok, 1 nothing found, 2 error,
//! 128 + n when signal n stopped the reader).

use std::process::ExitCode;

use broker_reader::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    let args = Cli::from_env();
    match cli::run(args) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Ok(Outcome::Stopped(signal)) => {
            ExitCode::from(u8::try_from(128 + signal).unwrap_or(u8::MAX))
        }
        Err(err) => {
            if cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("broker-reader: {}", cli::error_chain(&err));
            ExitCode::from(2)
        }
    }
}
