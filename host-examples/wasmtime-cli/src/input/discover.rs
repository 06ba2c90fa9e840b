//! Expands the command line's paths: `-` is stdin, directories are walked recursively (in
//! name order, so runs are reproducible), files are taken as given.

use std::path::{Path, PathBuf};

use super::{Format, io_message};

/// One input to read.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
    /// Bytes read already (an entry of a quarantine in Redis), in the HTTP capture format.
    Capture {
        /// Where they came from.
        label: String,
        /// The capture.
        bytes: Vec<u8>,
    },
    /// A path that could not be opened or walked; reported in order with the payloads.
    Unreadable {
        /// The path as given.
        label: String,
        /// Why.
        message: String,
    },
}

/// The format a file's extension names, if it names one.
pub fn format_by_extension(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "json" => Some(Format::Json),
        "ndjson" | "jsonl" => Some(Format::Ndjson),
        "http" => Some(Format::Http),
        "har" => Some(Format::Har),
        _ => None,
    }
}

/// The inputs the command line names. In directories, only files whose extension names a
/// format are taken (a capture folder's READMEs and scripts are not payloads).
pub fn discover(paths: &[PathBuf]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if let Some(url) = path
            .to_str()
            .filter(|text| super::redis::is_redis_source(text))
        {
            redis_entries(url, &mut inputs);
        } else if path.is_dir() {
            let walk = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name();
            for entry in walk {
                match entry {
                    Ok(entry) if entry.file_type().is_file() => {
                        if format_by_extension(entry.path()).is_some() {
                            inputs.push(Input::File(entry.into_path()));
                        }
                    }
                    Ok(_) => {}
                    Err(error) => inputs.push(Input::Unreadable {
                        label: error.path().unwrap_or(path).display().to_string(),
                        message: error
                            .io_error()
                            .map(io_message)
                            .unwrap_or_else(|| error.to_string()),
                    }),
                }
            }
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    inputs
}

/// The entries of the quarantine in Redis at `url` (its default key prefix), oldest first.
fn redis_entries(url: &str, inputs: &mut Vec<Input>) {
    let prefix = hookguard::gate::quarantine::redis::DEFAULT_QUARANTINE_PREFIX;
    let listed = super::redis::RedisQuarantine::connect(url, prefix)
        .and_then(|mut quarantine| Ok((quarantine.entries()?, quarantine)));
    match listed {
        Ok((entries, quarantine)) => {
            for entry in entries {
                // An entry that expired since the listing is gone, not unreadable.
                if let Some(bytes) = entry.bytes {
                    inputs.push(Input::Capture {
                        label: quarantine.label(&entry.id),
                        bytes,
                    });
                }
            }
        }
        Err(message) => inputs.push(Input::Unreadable {
            label: super::redis::without_password(url),
            message,
        }),
    }
}

/// The total size of the file inputs, for a progress bar; `None` when stdin is among them.
pub fn total_size(inputs: &[Input]) -> Option<u64> {
    inputs.iter().try_fold(0u64, |total, input| match input {
        Input::Stdin => None,
        Input::File(path) => Some(total + path.metadata().map(|meta| meta.len()).unwrap_or(0)),
        Input::Capture { bytes, .. } => Some(total + bytes.len() as u64),
        Input::Unreadable { .. } => Some(total),
    })
}
