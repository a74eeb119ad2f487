// Gannet patch (see vendor/README.md): not part of the published lsm-tree 3.1.10.

//! Deferred disposal of retired versions.
//!
//! Dropping a retired `SuperVersion` can free a whole sealed memtable and, as the last
//! reference to a compacted-away table, unlink that table's file; removing the version file is
//! one more unlink. `SuperVersions::maintenance` runs under the version-history write lock,
//! which every write (memtable insert) and every read needs, so doing that work inline stalls
//! them all for as long as the allocator and the filesystem take: tens of milliseconds per
//! flush on a filesystem mounted with online discard. Retired versions go to one background
//! thread instead.
//!
//! Recovery deletes version and table files that a crash left behind, so disposal may lag.
//! It must not outlive the tree, though: a tree reopened in the same process numbers new
//! tables from the highest id in its current version, so a late drop of a retired table could
//! unlink a new table that reuses its id. `drain` (called when a tree is dropped) waits until
//! everything retired so far is disposed of.

use super::super_version::SuperVersion;
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel, SendError, Sender, SyncSender};
use std::sync::OnceLock;
use std::thread::ThreadId;

struct Retired {
    version_file: PathBuf,
    version: SuperVersion,
}

enum Message {
    Retire(Retired),
    /// Answered once every message sent before it has been handled.
    Drain(SyncSender<()>),
}

struct Disposer {
    inbox: Sender<Message>,
    thread: ThreadId,
}

/// `None` if the thread could not be started; then disposal happens inline.
static DISPOSER: OnceLock<Option<Disposer>> = OnceLock::new();

fn disposer() -> Option<&'static Disposer> {
    DISPOSER
        .get_or_init(|| {
            let (inbox, messages) = channel::<Message>();
            let handle = std::thread::Builder::new()
                .name("lsm:retired".into())
                .spawn(move || {
                    while let Ok(message) = messages.recv() {
                        match message {
                            Message::Retire(retired) => dispose(retired),
                            Message::Drain(done) => {
                                let _ = done.send(());
                            }
                        }
                    }
                })
                .ok()?;
            Some(Disposer {
                inbox,
                thread: handle.thread().id(),
            })
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
        Some(disposer) => {
            if let Err(SendError(Message::Retire(retired))) =
                disposer.inbox.send(Message::Retire(retired))
            {
                dispose(retired);
            }
        }
        None => dispose(retired),
    }
}

/// Waits until everything retired before this call has been disposed of.
pub(crate) fn drain() {
    let Some(disposer) = DISPOSER.get().and_then(Option::as_ref) else {
        return; // nothing was ever retired
    };
    if std::thread::current().id() == disposer.thread {
        return; // the queue ahead of this point is already handled
    }
    let (done, wait) = sync_channel(1);
    if disposer.inbox.send(Message::Drain(done)).is_ok() {
        let _ = wait.recv();
    }
}
