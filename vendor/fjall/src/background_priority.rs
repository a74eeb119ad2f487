// Gannet patch (not in upstream fjall): flushes and compactions at idle CPU priority.

//! Flushes and compactions at idle CPU priority, raised back when writes wait for them.
//!
//! On a machine with as few cores as busy threads, a flush competes with the threads that
//! serve requests, and a request's round trip is a chain of wake-ups that each wait for a
//! core. Under `SCHED_IDLE` the workers run on the time those threads leave idle, and any of
//! them that wakes takes the core at once.
//!
//! Only the stretch of a flush or compaction that writes tables runs at idle priority
//! (`lsm_tree::heavy_phase`): it holds no lock that other threads wait for, so a worker
//! starved there holds nobody else up. A worker at idle priority can starve while the CPU is
//! busy with other work, so the workers go back to normal priority whenever work is piling
//! up: the writer raises every worker, including one in the middle of a flush, as soon as it
//! sees the backlog (`Keyspace::local_backpressure`), and a worker lowers itself again only
//! when it enters that stretch with the backlog small. Linux lets an unprivileged thread
//! lower its priority but not raise it again (without `CAP_SYS_NICE` or an `RLIMIT_NICE` of
//! 20), so idle priority is used only where raising is allowed, which is checked once when
//! the database opens.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

pub struct BackgroundPriority {
    /// Whether workers may run at idle priority at all.
    enabled: bool,
    /// Set while some worker may be at idle priority, so the writer's check costs one load.
    some_idle: AtomicBool,
    workers: Mutex<Vec<Worker>>,
}

struct Worker {
    thread: os::Thread,
    idle: bool,
}

impl BackgroundPriority {
    pub fn new(wanted: bool) -> Self {
        Self {
            enabled: wanted && os::can_raise_from_idle(),
            some_idle: AtomicBool::new(false),
            workers: Mutex::default(),
        }
    }

    /// Whether workers run at idle priority when the backlog is small.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    fn workers(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        // The list stays valid whatever panicked while holding it.
        self.workers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds the calling worker thread; it must call `deregister` before it exits.
    pub fn register(&self) {
        if self.enabled {
            self.workers().push(Worker {
                thread: os::current(),
                idle: false,
            });
        }
    }

    pub fn deregister(&self) {
        if self.enabled {
            let current = os::current();
            let mut workers = self.workers();
            if let Some(at) = workers.iter().position(|w| os::same(w.thread, current)) {
                let worker = workers.swap_remove(at);
                if worker.idle {
                    os::set_idle(worker.thread, false);
                }
            }
        }
    }

    /// Called by a worker on itself: idle priority unless `backlog` says work is piling up.
    pub fn settle_current(&self, backlog: impl FnOnce() -> bool) {
        if !self.enabled {
            return;
        }
        let current = os::current();
        // Deciding under the lock orders this against `raise_all`.
        let mut workers = self.workers();
        let idle = !backlog();
        if let Some(worker) = workers.iter_mut().find(|w| os::same(w.thread, current)) {
            if worker.idle != idle && os::set_idle(current, idle) {
                worker.idle = idle;
            }
        }
        if workers.iter().any(|w| w.idle) {
            self.some_idle.store(true, Ordering::Release);
        }
    }

    /// Called by a worker on itself: normal priority.
    pub fn raise_current(&self) {
        self.settle_current(|| true);
    }

    /// Puts every worker back at normal priority.
    pub fn raise_all(&self) {
        if !self.some_idle.load(Ordering::Acquire) {
            return;
        }
        let mut workers = self.workers();
        for worker in workers.iter_mut().filter(|w| w.idle) {
            if os::set_idle(worker.thread, false) {
                worker.idle = false;
            }
        }
        let still_idle = workers.iter().any(|w| w.idle);
        self.some_idle.store(still_idle, Ordering::Release);
    }
}

// The only FFI in this crate: pthread calls, each with its safety argument.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod os {
    pub type Thread = libc::pthread_t;

    pub fn current() -> Thread {
        // SAFETY: pthread_self has no preconditions and always succeeds.
        unsafe { libc::pthread_self() }
    }

    pub fn same(a: Thread, b: Thread) -> bool {
        // SAFETY: pthread_equal only compares two thread ids; it has no preconditions.
        unsafe { libc::pthread_equal(a, b) != 0 }
    }

    /// Sets `thread`'s policy to SCHED_IDLE or SCHED_OTHER; false if the kernel refused.
    pub fn set_idle(thread: Thread, idle: bool) -> bool {
        let policy = if idle {
            libc::SCHED_IDLE
        } else {
            libc::SCHED_OTHER
        };
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `thread` names a live thread: the caller's own, or a registered worker's,
        // and a worker leaves the registry (under the lock every caller holds) before it
        // exits. `param` is a valid `sched_param` that outlives the call.
        let result = unsafe { libc::pthread_setschedparam(thread, policy, &raw const param) };
        if result != 0 {
            log::warn!("cannot set a worker's CPU priority: error {result}");
        }
        result == 0
    }

    /// Whether this process may raise a thread from SCHED_IDLE back to normal priority,
    /// tried on a thread of its own so no other thread's priority ever changes. Probed once
    /// per process rather than at every database open.
    pub fn can_raise_from_idle() -> bool {
        static CAN_RAISE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *CAN_RAISE.get_or_init(|| {
            std::thread::Builder::new()
                .name("fjall:probe".into())
                .spawn(|| {
                    let current = current();
                    set_idle(current, true) && set_idle(current, false)
                })
                .ok()
                .and_then(|probe| probe.join().ok())
                .unwrap_or(false)
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    pub type Thread = ();

    pub fn current() -> Thread {}

    pub fn same(_: Thread, _: Thread) -> bool {
        true
    }

    pub fn set_idle(_: Thread, _: bool) -> bool {
        false
    }

    pub fn can_raise_from_idle() -> bool {
        false
    }
}

#[cfg(all(test, target_os = "linux"))]
#[allow(unsafe_code, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn policy_of_current() -> i32 {
        // SAFETY: sched_getscheduler(0) reads the calling thread's policy; no preconditions.
        unsafe { libc::sched_getscheduler(0) }
    }

    #[test]
    fn workers_go_idle_and_are_raised_back() {
        let priority = std::sync::Arc::new(BackgroundPriority::new(true));
        if !priority.is_enabled() {
            // Not allowed to raise priority here (unprivileged): nothing may change.
            return;
        }
        let worker = std::thread::spawn({
            let priority = priority.clone();
            move || {
                priority.register();
                priority.settle_current(|| false);
                let idle = policy_of_current();
                priority.raise_all();
                let raised = policy_of_current();
                priority.settle_current(|| false);
                let idle_again = policy_of_current();
                priority.settle_current(|| true);
                let busy = policy_of_current();
                priority.deregister();
                (idle, raised, idle_again, busy)
            }
        });
        let (idle, raised, idle_again, busy) = worker.join().unwrap();
        assert_eq!(idle, libc::SCHED_IDLE);
        assert_eq!(raised, libc::SCHED_OTHER);
        assert_eq!(idle_again, libc::SCHED_IDLE);
        assert_eq!(busy, libc::SCHED_OTHER);
        assert!(priority.workers().is_empty());
    }

    #[test]
    fn disabled_changes_nothing() {
        let priority = BackgroundPriority::new(false);
        priority.register();
        priority.settle_current(|| false);
        assert_eq!(policy_of_current(), libc::SCHED_OTHER);
        priority.deregister();
    }
}
