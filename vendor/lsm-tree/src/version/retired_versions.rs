// Gannet patch (see vendor/README.md): not part of the published lsm-tree 3.1.10.

//! Deferred disposal of retired versions.
//!
//! Dropping a retired `SuperVersion` can free a whole sealed memtable and, as the last
//! reference to a compacted-away table, unlink that table's file; removing the version file is
//! one more unlink. `SuperVersions::maintenance` runs under the version-history write lock,
//! which every write (memtable insert) and every read needs, so doing that work inline stalls
//! them all for as long as the allocator and the filesystem take: tens of milliseconds per
//! flush on a filesystem mounted with online discard. Retired versions go to one background
//! thread instead. Nothing there is needed for correctness: recovery deletes version and table
//! files that a crash left behind.

use super::super_version::SuperVersion;
use std::path::PathBuf;
use std::sync::mpsc::{channel, SendError, Sender};
use std::sync::OnceLock;

struct Retired {
    version_file: PathBuf,
    version: SuperVersion,
}

/// The disposal thread's inbox; `None` if the thread could not be started.
static DISPOSER: OnceLock<Option<Sender<Retired>>> = OnceLock::new();

fn disposer() -> Option<&'static Sender<Retired>> {
    DISPOSER
        .get_or_init(|| {
            let (sender, inbox) = channel::<Retired>();
            std::thread::Builder::new()
                .name("lsm:retired".into())
                .spawn(move || {
                    while let Ok(retired) = inbox.recv() {
                        dispose(retired);
                    }
                })
                .ok()
                .map(|_| sender)
        })
        .as_ref()
}

fn dispose(retired: Retired) {
    let Retired {
        version_file,
        version,
    } = retired;
    if let Err(e) = std::fs::remove_file(&version_file) {
        if e.kind() != std::io::ErrorKind::NotFound {
            log::warn!("Failed to remove retired version file {version_file:?}: {e:?}");
        }
    }
    drop(version);
}

/// Removes `version_file` and drops `version` on the disposal thread (inline if it is gone).
pub(crate) fn retire(version_file: PathBuf, version: SuperVersion) {
    let retired = Retired {
        version_file,
        version,
    };
    match disposer() {
        Some(sender) => {
            if let Err(SendError(retired)) = sender.send(retired) {
                dispose(retired);
            }
        }
        None => dispose(retired),
    }
}
