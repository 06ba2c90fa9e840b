//! The validator: a body read once and judged in one walk ([`crate::check::judge`]), with the
//! options and the overlay in force.

use crate::check::judge;
use crate::check::report::{Finding, Report};
use crate::contract::options::{ConfigError, Options};
use crate::contract::overlay::Overlay;

/// Validates and normalizes Ocrolus webhook deliveries. Cheap to build and to reconfigure:
/// the event schemas are compiled into the crate (`compiled`), not at start-up.
#[derive(Debug, Clone)]
pub struct Validator {
    options: Options,
    /// `options.overlay`, resolved against the catalog.
    overlay: Option<Overlay>,
}

impl Validator {
    /// Builds a validator applying `options`, once they pass [`Options::check`].
    pub fn new(options: Options) -> Result<Validator, ConfigError> {
        // `check`, with the overlay resolved once and kept.
        options.check_limits()?;
        let overlay = options.resolved_overlay()?;
        Ok(Validator { options, overlay })
    }

    /// The overlay in force, resolved; `None` when there is none.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    /// The options this validator applies.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Applies other options. Cheap: the compiled schemas do not depend on the options, so
    /// hosts reconfigure without rebuilding. On error the previous options stay in force.
    pub fn set_options(&mut self, options: Options) -> Result<(), ConfigError> {
        // `check`, resolving the overlay only when it changed (the one in force was checked).
        options.check_limits()?;
        if options.overlay != self.options.overlay {
            self.overlay = options.resolved_overlay()?;
        }
        self.options = options;
        Ok(())
    }

    /// Validates one delivery body.
    pub fn validate(&self, body: &[u8]) -> Report {
        self.check(body, false)
    }

    /// Validates one delivery body and, when it is valid, normalizes it
    /// ([`Report::normalized`]).
    pub fn normalize(&self, body: &[u8]) -> Report {
        self.check(body, true)
    }

    fn check(&self, body: &[u8], want_normalized: bool) -> Report {
        judge::report(body, &self.options, self.overlay.as_ref(), want_normalized)
            .unwrap_or_else(internal_error)
    }
}

/// The report when the walk could not finish a body it read: a defect of hookguard, never of
/// the body. Refused (nothing unjudged is let through), and said so; the fuzz targets and the
/// oracle tests look for it.
#[cold]
fn internal_error() -> Report {
    Report::refused(Finding::at(
        "internal_error",
        "",
        "hookguard could not finish judging this body (a defect of hookguard, not of the \
         body: please report it)",
    ))
}
