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

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use super::{DbConnection, StoreError};

/// The check: passes (`Ok`) or gives the error the request must answer with.
pub type Check = Box<dyn FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send>;

/// One request's place for its check.
#[derive(Default)]
pub struct Pending(RefCell<Option<Check>>);

impl Pending {
    /// The check if no database work has taken it yet.
    pub fn take(&self) -> Option<Check> {
        self.0.borrow_mut().take()
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
    let _ = PENDING.try_with(|pending| *pending.0.borrow_mut() = check.take());
    match check {
        None => Ok(()),
        Some(check) => Err(check),
    }
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
