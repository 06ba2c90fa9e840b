//! The quarantine's single-process store: a directory, one file per entry (`{id}.http`, the
//! entry's bytes: an HTTP capture `hookguard validate DIR` and `survey DIR` read like any
//! other). For the Rust hosts (the command line, the tower layer); the npm and Python packages
//! write the same files with their own file APIs, and every host weighs evictions with
//! [`super::evictions`].
//!
//! An entry is written to a temporary name and linked into place, so a reader never sees half
//! an entry and two processes keeping the same entry at once keep it once. When an entry was
//! first seen is its file's modification time (set when it is written), so making room reads
//! the directory's listing, not every entry.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{ENTRY_EXTENSION, Entry, Held, Keep, QuarantinePolicy, evictions, file_name};

/// A quarantine directory.
#[derive(Debug, Clone)]
pub struct Directory {
    path: PathBuf,
}

/// Distinguishes temporary files written by one process at once.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

impl Directory {
    /// The directory at `path`, created when missing, and proven writable now (a host refuses
    /// to start on a directory it cannot write, rather than lose the first refused delivery).
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Directory> {
        let directory = Directory { path: path.into() };
        fs::create_dir_all(&directory.path)?;
        let probe = directory.temporary_path("probe");
        fs::File::create(&probe)?.write_all(b"")?;
        fs::remove_file(&probe)?;
        Ok(directory)
    }

    /// An existing directory, to read and to remove entries from (the command line).
    pub fn existing(path: impl Into<PathBuf>) -> io::Result<Directory> {
        let path = path.into();
        if !fs::metadata(&path)?.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(Directory { path })
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps `entry` (its head, then `body`) unless an entry of its id is there, making room
    /// first under `policy` at `now_unix_s`.
    pub fn keep(
        &self,
        entry: &Entry,
        body: &[u8],
        policy: &QuarantinePolicy,
        now_unix_s: i64,
    ) -> io::Result<Keep> {
        let target = self.path.join(entry.file_name());
        if target.exists() {
            return Ok(Keep::AlreadyKept);
        }
        let held = self.held()?;
        let evicted = evictions(&held, policy, entry.len(), now_unix_s);
        for index in &evicted {
            if let Some(old) = held.get(*index) {
                self.remove(&old.id)?;
            }
        }
        let temporary = self.temporary_path(&entry.id);
        let written = (|| {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(entry.head.as_bytes())?;
            file.write_all(body)?;
            file.sync_all()?;
            let first_seen = UNIX_EPOCH
                + Duration::from_secs(u64::try_from(entry.first_seen).unwrap_or_default());
            file.set_modified(first_seen)?;
            // A link fails when the name exists: of two processes keeping one entry at once,
            // one keeps it and the other finds it kept.
            fs::hard_link(&temporary, &target)
        })();
        let _ = fs::remove_file(&temporary);
        match written {
            Ok(()) => Ok(Keep::Kept {
                evicted: evicted.len(),
            }),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(Keep::AlreadyKept),
            Err(error) => Err(error),
        }
    }

    /// The entries held: id, first seen (the file's modification time), size. Files that are
    /// not entries (temporary files, anything else) are not counted.
    pub fn held(&self) -> io::Result<Vec<Held>> {
        let mut held = Vec::new();
        for item in fs::read_dir(&self.path)? {
            let item = item?;
            let name = item.file_name();
            let Some(id) = name
                .to_str()
                .and_then(|name| name.strip_suffix(&format!(".{ENTRY_EXTENSION}")))
            else {
                continue;
            };
            let Ok(metadata) = item.metadata() else {
                continue; // removed meanwhile
            };
            if !metadata.is_file() {
                continue;
            }
            let first_seen = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |since| {
                    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
                });
            held.push(Held {
                id: id.to_owned(),
                first_seen,
                bytes: metadata.len(),
            });
        }
        crate::order::sort_by(&mut held, |left, right| {
            (left.first_seen, &left.id).cmp(&(right.first_seen, &right.id))
        });
        Ok(held)
    }

    /// The path of entry `id`.
    pub fn entry_path(&self, id: &str) -> PathBuf {
        self.path.join(file_name(id))
    }

    /// Removes entry `id` (nothing happens when it is gone already).
    pub fn remove(&self, id: &str) -> io::Result<()> {
        match fs::remove_file(self.entry_path(id)) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn temporary_path(&self, id: &str) -> PathBuf {
        let serial = TEMPORARY.fetch_add(1, Ordering::Relaxed);
        self.path
            .join(format!(".{id}.{}.{serial}.tmp", std::process::id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::quarantine::entry_id;

    fn entry(request_id: &str, body: &[u8], first_seen: i64) -> Entry {
        let head = format!(
            "POST /hookguard/quarantine HTTP/1.1\r\ncontent-length: {}\r\nx-hookguard-first-seen: {first_seen}\r\n\r\n",
            body.len()
        );
        Entry {
            id: entry_id(Some(request_id.as_bytes()), body),
            first_seen,
            head,
            body_len: body.len() as u64,
        }
    }

    #[test]
    fn an_entry_is_kept_once_and_the_oldest_make_room() {
        let place =
            std::env::temp_dir().join(format!("hookguard-directory-{}", std::process::id()));
        let _ = fs::remove_dir_all(&place);
        let directory = Directory::open(&place).unwrap();
        let policy = QuarantinePolicy {
            max_entries: 2,
            ..QuarantinePolicy::default()
        };
        let first = entry("a", b"{}", 1_000);
        assert_eq!(
            directory.keep(&first, b"{}", &policy, 1_000).unwrap(),
            Keep::Kept { evicted: 0 }
        );
        assert_eq!(
            directory.keep(&first, b"{}", &policy, 1_001).unwrap(),
            Keep::AlreadyKept
        );
        let second = entry("b", b"[]", 1_002);
        directory.keep(&second, b"[]", &policy, 1_002).unwrap();
        let third = entry("c", b"{}", 1_003);
        assert_eq!(
            directory.keep(&third, b"{}", &policy, 1_003).unwrap(),
            Keep::Kept { evicted: 1 }
        );
        let ids: Vec<String> = directory
            .held()
            .unwrap()
            .into_iter()
            .map(|held| held.id)
            .collect();
        assert_eq!(ids, vec![second.id.clone(), third.id.clone()]);
        let bytes = fs::read(directory.entry_path(&third.id)).unwrap();
        assert_eq!(bytes, third.bytes(b"{}"));
        directory.remove(&third.id).unwrap();
        directory.remove(&third.id).unwrap();
        fs::remove_dir_all(&place).unwrap();
    }
}
