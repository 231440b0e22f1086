//! What must be undone when migen is interrupted (Ctrl-C, SIGTERM, SIGHUP): the scratch
//! databases and files a verification made, the files a write had put in place. Each is a
//! `Cleanup` registered while its work is under way; on an interruption every registered one
//! runs, newest first, and migen exits with 130 (the shell's code for a SIGINT).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

type Action = Box<dyn FnOnce() + Send>;
type Slot = Arc<Mutex<Option<Action>>>;

static PENDING: Mutex<BTreeMap<u64, Slot>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(0);
static HANDLING: AtomicBool = AtomicBool::new(false);

/// The exit code after an interruption.
pub const INTERRUPTED: i32 = 130;

/// A lock that a panic elsewhere does not make unusable: what it guards stays consistent,
/// since every holder here only pushes to lists or takes an action out.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Undo work that is under way, once: when asked (`run`), or when migen is interrupted first.
pub struct Cleanup {
    id: u64,
    slot: Slot,
}

impl Cleanup {
    pub fn new(action: impl FnOnce() + Send + 'static) -> Cleanup {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let slot: Slot = Arc::new(Mutex::new(Some(Box::new(action))));
        lock(&PENDING).insert(id, Arc::clone(&slot));
        Cleanup { id, slot }
    }

    /// Undo now (if an interruption has not already).
    pub fn run(&self) {
        lock(&PENDING).remove(&self.id);
        let action = lock(&self.slot).take();
        if let Some(action) = action {
            action();
        }
    }

    /// The work is done and stays: nothing to undo any more.
    pub fn dismiss(self) {}
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        lock(&PENDING).remove(&self.id);
    }
}

/// Run every pending cleanup, newest first. An action a thread is running meanwhile is waited
/// for, through its slot's lock.
pub fn run_pending() {
    let slots: Vec<Slot> = lock(&PENDING).values().cloned().collect();
    for slot in slots.iter().rev() {
        let action = lock(slot).take();
        if let Some(action) = action {
            action();
        }
    }
}

/// Catch Ctrl-C, SIGTERM and SIGHUP for the rest of the run: undo what is pending, then exit.
pub fn install() {
    // Failing to install (a handler set already) leaves the default: the process just ends.
    let _ = ctrlc::set_handler(|| {
        HANDLING.store(true, Ordering::SeqCst);
        run_pending();
        std::process::exit(INTERRUPTED);
    });
}

/// Whether an interruption is being handled. The work it undoes fails under the main thread
/// (a dropped database, a removed file), which must then not report that failure or exit
/// with its code: the handler exits with 130 once everything is undone.
pub fn interrupted() -> bool {
    HANDLING.load(Ordering::SeqCst)
}

/// Exit with `code`, unless an interruption is being handled: then wait for its exit.
pub fn exit(code: i32) -> ! {
    while interrupted() {
        std::thread::park();
    }
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    // `run_pending` runs every cleanup of the process, other tests' scratch databases too, so
    // it is proven from the binary (tests/interrupt.rs); here the bookkeeping.
    #[test]
    fn a_cleanup_runs_once_and_leaves_the_pending_list() {
        let count = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&count);
        let cleanup = Cleanup::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        assert!(lock(&PENDING).contains_key(&cleanup.id));
        cleanup.run();
        cleanup.run();
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(!lock(&PENDING).contains_key(&cleanup.id));
        let dismissed = Cleanup::new(|| panic!("a dismissed cleanup never runs"));
        let id = dismissed.id;
        dismissed.dismiss();
        assert!(!lock(&PENDING).contains_key(&id));
    }
}
