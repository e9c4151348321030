//! Work a write leaves for right after it commits.
//!
//! The event feed is numbered after commit: a write puts its events in the feed's inbox, and
//! once it has committed, the feed's sequencer numbers them (see the events area's store). A
//! write opened by [`super::Db::write_blocking`] (and so [`super::Db::write`]) asks here for
//! that pass; it runs before the write's answer goes out — so whoever reads the feed after the
//! answer finds the write's events there. Work asked for by a write that fails does not run.
//! The write has committed whatever the work does: a failure is logged and left to the next
//! pass (every instance sweeps as well).
//!
//! A pass serves every write that committed before it started, so writes ending together share
//! one ([`Shared`]): a write waits for a run that starts after its commit, and runs it itself
//! (on its own connection) when none is under way. One pass at a time per instance, not one
//! per write, queue for the feed's lock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

use super::{DbConnection, StoreError};

/// Work to run after a commit.
pub type Work = fn(&mut DbConnection) -> Result<(), StoreError>;

thread_local! {
    static ASKED: RefCell<Option<Vec<(&'static str, Work)>>> = const { RefCell::new(None) };
}

/// Asks for `work` to run once after the write this thread is in commits; asking again under
/// the same `name` changes nothing. `false` when the thread is in no such write (start-up, a
/// test's own transaction): the caller then does its work some other way.
pub fn ask(name: &'static str, work: Work) -> bool {
    ASKED.with(|asked| match asked.borrow_mut().as_mut() {
        Some(list) => {
            if !list.iter().any(|(n, _)| *n == name) {
                list.push((name, work));
            }
            true
        }
        None => false,
    })
}

/// Runs `transaction`, then, if it succeeded, the work asked for during it, shared with the
/// other writes of this instance through `shared`. A write nested in another on the same
/// thread leaves its work to the outer one.
pub(super) fn write<T, E>(
    shared: &Shared,
    conn: &mut DbConnection,
    transaction: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            ASKED.with(|asked| *asked.borrow_mut() = None);
        }
    }
    if ASKED.with(|asked| asked.borrow().is_some()) {
        return transaction(conn);
    }
    ASKED.with(|asked| *asked.borrow_mut() = Some(Vec::new()));
    let _clear = Clear;
    let value = transaction(conn)?;
    let asked = ASKED
        .with(|asked| asked.borrow_mut().take())
        .unwrap_or_default();
    for (name, work) in asked {
        if let Err(e) = shared.run_after_now(name, || work(conn)) {
            tracing::warn!(work = name, error = %e, "work after a commit failed; the next pass does it");
        }
    }
    Ok(value)
}

/// Runs of after-commit work shared by the writes of one instance (one [`super::Db`]).
#[derive(Debug, Default)]
pub struct Shared {
    runs: Mutex<HashMap<&'static str, Runs>>,
    finished: Condvar,
}

/// How far one kind of work has got: runs are numbered as they start.
#[derive(Debug, Default, Clone, Copy)]
struct Runs {
    started: u64,
    finished: u64,
    under_way: bool,
}

impl Runs {
    /// The run that serves a caller arriving now: the next to start.
    fn needed(&self) -> u64 {
        self.started + 1
    }
}

impl Shared {
    /// Returns once a run of `name` that started after this call has finished: the caller's
    /// own `work` when no run is under way, else the one that starts when the current one ends
    /// (whoever runs it). An error is the caller's own run's.
    pub fn run_after_now(
        &self,
        name: &'static str,
        work: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // A poisoned lock only means a run panicked; the counters are still sound.
        let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        let needed = runs.entry(name).or_default().needed();
        loop {
            let state = *runs.entry(name).or_default();
            if state.finished >= needed {
                return Ok(());
            }
            if !state.under_way {
                let mine = state.started + 1;
                runs.insert(
                    name,
                    Runs {
                        started: mine,
                        under_way: true,
                        ..state
                    },
                );
                drop(runs);
                let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
                let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
                let entry = runs.entry(name).or_default();
                entry.finished = mine;
                entry.under_way = false;
                self.finished.notify_all();
                return match done {
                    Ok(result) => result,
                    Err(panic) => std::panic::resume_unwind(panic),
                };
            }
            runs = self.finished.wait(runs).unwrap_or_else(|p| p.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    #[test]
    fn callers_arriving_during_a_run_share_the_next_one() {
        let shared = Arc::new(Shared::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let first_started = Arc::new(Barrier::new(2));
        // The first caller's run is slow; eight callers arrive while it runs.
        let first = {
            let (shared, runs, started) = (shared.clone(), runs.clone(), first_started.clone());
            std::thread::spawn(move || {
                shared.run_after_now("pass", || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    started.wait();
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
            })
        };
        first_started.wait();
        let late: Vec<_> = (0..8)
            .map(|_| {
                let (shared, runs) = (shared.clone(), runs.clone());
                std::thread::spawn(move || {
                    shared.run_after_now("pass", || {
                        runs.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                })
            })
            .collect();
        first.join().unwrap().unwrap();
        for t in late {
            t.join().unwrap().unwrap();
        }
        // None of the eight could be served by the run under way when it arrived (it might
        // have read the database before their commits): one more run served them all.
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_caller_alone_runs_its_own_and_a_failure_is_its_own() {
        let shared = Shared::default();
        let mut ran = 0;
        shared
            .run_after_now("pass", || {
                ran += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(ran, 1);
        let failed = shared.run_after_now("pass", || Err(StoreError::Failed("down".into())));
        assert!(failed.is_err());
        // Another kind of work keeps its own count.
        shared.run_after_now("other", || Ok(())).unwrap();
        shared
            .run_after_now("pass", || {
                ran += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(ran, 2);
    }
}
