//! A check that a request's first database work runs first, on the same connection and in the
//! same trip to the blocking pool: the account check of a read request (`GET`), which otherwise
//! crossed to the blocking pool on its own before the handler's read crossed again. Each
//! crossing is two thread wake-ups; on a single-record `GET` they were the largest cost left.
//!
//! The web layer opens a [`scope`] around each request; the principal extractor leaves its check
//! there with [`defer`]; [`crate::db::Db::read`] and [`crate::db::Db::write`] take it and run it
//! before their own work, whose error it becomes when it fails. A check still there when the
//! handler has answered (it never touched the database) is the web layer's to run: see
//! [`Pending::take`]. Work outside a request (background jobs, the CLI) has no scope and runs
//! no check.
//!
//! The same scope carries the two other things a request's database work and its answer share:
//! who is reading (for the read replica's read-your-writes rule, [`super::replica`]) and, when
//! a read replica served it, the moment its data is as of (the `X-Data-As-Of` header).

use std::cell::{Cell, RefCell};

use chrono::NaiveDateTime;
use std::future::Future;
use std::rc::Rc;

use super::{DbConnection, StoreError};

/// The check: passes (`Ok`) or gives the error the request must answer with.
pub type Check = Box<dyn FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send>;

/// One request's place for its check, its reader and how current its answer is.
#[derive(Default)]
pub struct Pending {
    check: RefCell<Option<Check>>,
    reader: RefCell<Option<String>>,
    as_of: Cell<Option<NaiveDateTime>>,
}

impl Pending {
    /// The check if no database work has taken it yet.
    pub fn take(&self) -> Option<Check> {
        self.check.borrow_mut().take()
    }

    /// When a read replica served this request: the moment (UTC) its data is as of. The
    /// oldest, when it served several reads.
    pub fn as_of(&self) -> Option<NaiveDateTime> {
        self.as_of.get()
    }
}

tokio::task_local! {
    static PENDING: Rc<Pending>;
}

/// Runs one request's future with `pending` as its place for a check.
pub async fn scope<F: Future>(pending: Rc<Pending>, request: F) -> F::Output {
    PENDING.scope(pending, request).await
}

/// Leaves `check` for the request's first database work. Outside a request's scope there is
/// none to leave it to: the check comes back, for the caller to run itself.
pub fn defer(check: Check) -> Result<(), Check> {
    let mut check = Some(check);
    let _ = PENDING.try_with(|pending| *pending.check.borrow_mut() = check.take());
    match check {
        None => Ok(()),
        Some(check) => Err(check),
    }
}

/// Names the principal reading, for the read replica's read-your-writes rule.
pub fn note_reader(id: &str) {
    let _ = PENDING.try_with(|pending| *pending.reader.borrow_mut() = Some(id.to_string()));
}

/// The principal this task's request reads for, if it named one.
pub(super) fn reader() -> Option<String> {
    PENDING
        .try_with(|pending| pending.reader.borrow().clone())
        .ok()
        .flatten()
}

/// Notes that a read replica served this request with data as of `at`.
pub(super) fn served_as_of(at: NaiveDateTime) {
    let _ = PENDING.try_with(|pending| {
        let oldest = pending.as_of.get().map_or(at, |seen| seen.min(at));
        pending.as_of.set(Some(oldest));
    });
}

/// The check this task's request left, if any: taken once, by the first database work.
pub(super) fn take() -> Option<Check> {
    PENDING.try_with(|pending| pending.take()).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passing() -> Check {
        Box::new(|_| Ok(()))
    }

    #[test]
    fn outside_a_request_the_check_comes_back() {
        assert!(defer(passing()).is_err());
        assert!(take().is_none());
    }

    #[test]
    fn inside_a_request_the_first_taker_has_it_and_no_one_after() {
        let pending = Rc::new(Pending::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let (deferred, first, second) = runtime.block_on(scope(pending.clone(), async {
            let deferred = defer(passing()).is_ok();
            (deferred, take().is_some(), take().is_some())
        }));
        assert!(deferred && first && !second);
        assert!(pending.take().is_none());
    }

    #[test]
    fn a_check_nobody_took_is_left_for_the_web_layer() {
        let pending = Rc::new(Pending::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(scope(pending.clone(), async {
            assert!(defer(passing()).is_ok());
        }));
        assert!(pending.take().is_some());
    }
}
