// Gannet patch (not in upstream lsm-tree).

//! Marks the long, lock-free stretch of a flush or compaction (writing its tables) so the
//! thread running it can lower its CPU priority for that stretch only. Everywhere else a flush
//! or compaction may hold a lock that request threads wait for, and a thread at low priority
//! holding such a lock would hold them up in turn.

use std::cell::RefCell;

type Hook = Box<dyn Fn(bool)>;

thread_local! {
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Installs `hook` on the calling thread: it is called with `true` when a flush or
/// compaction on this thread enters its table-writing stretch and with `false` when it leaves.
pub fn set_thread_hook(hook: Box<dyn Fn(bool)>) {
    HOOK.with(|slot| *slot.borrow_mut() = Some(hook));
}

/// Held for the table-writing stretch.
pub(crate) struct HeavyPhase(());

pub(crate) fn enter() -> HeavyPhase {
    call(true);
    HeavyPhase(())
}

impl Drop for HeavyPhase {
    fn drop(&mut self) {
        call(false);
    }
}

fn call(entering: bool) {
    HOOK.with(|slot| {
        if let Some(hook) = &*slot.borrow() {
            hook(entering);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AbstractTree, Config, SequenceNumberCounter};
    use std::rc::Rc;
    use std::sync::Arc;

    #[test]
    fn flushes_and_compactions_mark_their_table_writing() -> crate::Result<()> {
        let calls = Rc::new(RefCell::new(Vec::new()));
        let seen = calls.clone();
        set_thread_hook(Box::new(move |entering| seen.borrow_mut().push(entering)));

        let dir = tempfile::tempdir()?;
        let tree = Config::new(
            dir.path(),
            SequenceNumberCounter::default(),
            SequenceNumberCounter::default(),
        )
        .open()?;
        // Overlapping tables, so the compaction merges them instead of moving them.
        for seqno in 0..4u64 {
            for key in 0..4u8 {
                tree.insert([b'k', key].as_slice(), "v", seqno);
            }
            tree.flush_active_memtable(0)?;
        }
        assert_eq!(*calls.borrow(), [true, false].repeat(4));

        calls.borrow_mut().clear();
        tree.compact(Arc::new(crate::compaction::Leveled::default()), 0)?;
        assert_eq!(*calls.borrow(), [true, false]);
        assert_eq!(tree.table_count(), 1);
        Ok(())
    }
}
