//! Work a transaction does last, just before it commits.
//!
//! Appending to the event feed takes a lock every event-writing transaction waits for, held to
//! commit (numbers must become visible in order and without gaps). Whatever the transaction
//! still does after taking it — its audit entry, the idempotency record of its answer — is time
//! every other writer waits; so the feed's append is left here and runs after all of that. A
//! write opened by [`super::Db::write_blocking`] (and so [`super::Db::write`]) runs what was
//! left, in order, after its work succeeds; work that fails leaves nothing behind. Outside such
//! a write (a test's own transaction) [`defer`] hands the work back to run at once.

use std::cell::RefCell;

use super::{DbConnection, StoreError};

pub type Work = Box<dyn FnOnce(&mut DbConnection) -> Result<(), StoreError>>;

thread_local! {
    static LEFT: RefCell<Option<Vec<Work>>> = const { RefCell::new(None) };
}

/// Leaves `work` for the end of the write this thread is in; without one, hands it back.
pub fn defer(work: Work) -> Result<(), Work> {
    LEFT.with(|left| match left.borrow_mut().as_mut() {
        Some(list) => {
            list.push(work);
            Ok(())
        }
        None => Err(work),
    })
}

/// Runs `f` as a write's work, then what it left, in order. Nothing left over reaches the next
/// write on this thread, whatever happens.
pub(super) fn run<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StoreError>,
{
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            LEFT.with(|left| *left.borrow_mut() = None);
        }
    }
    let outer = LEFT.with(|left| left.borrow().is_some());
    if outer {
        // Already inside a write on this thread: its end runs everything.
        return f(conn);
    }
    LEFT.with(|left| *left.borrow_mut() = Some(Vec::new()));
    let _clear = Clear;
    let value = f(conn)?;
    let left = LEFT
        .with(|left| left.borrow_mut().take())
        .unwrap_or_default();
    for work in left {
        work(conn)?;
    }
    Ok(value)
}
