//! What to do about an error: every error the command line stops on is printed with one line
//! of advice after it. The advice is attached where the error is understood, not guessed from
//! its text afterwards.

use std::fmt;

/// An error with the one line that says what to do about it.
#[derive(Debug)]
pub struct Advised {
    error: anyhow::Error,
    advice: &'static str,
}

impl fmt::Display for Advised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The whole chain of what failed; the advice is printed apart.
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for Advised {}

/// Attaches advice to an error result.
pub trait Advise<T> {
    /// The error, if any, with `advice` for the user.
    fn advise(self, advice: &'static str) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Advise<T> for Result<T, E> {
    fn advise(self, advice: &'static str) -> anyhow::Result<T> {
        self.map_err(|error| {
            anyhow::Error::new(Advised {
                error: error.into(),
                advice,
            })
        })
    }
}

/// The advice for an error: its own, or where to look when none was attached.
pub fn advice_for(error: &anyhow::Error) -> &'static str {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Advised>())
        .map_or(
            "run the command with --help for its usage, or see host-examples/wasmtime-cli/README.md",
            |advised| advised.advice,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_travels_with_the_error_and_stays_out_of_its_message() {
        let failed: anyhow::Result<()> = Err(anyhow::anyhow!("inner")).advise("do this");
        let error = failed.unwrap_err().context("outer");
        assert_eq!(format!("{error:#}"), "outer: inner");
        assert_eq!(advice_for(&error), "do this");
        assert!(advice_for(&anyhow::anyhow!("plain")).contains("--help"));
    }
}
