//! The hashing pool: a fixed number of threads (slots) that check and make Argon2 hashes, each
//! with one working memory area it keeps, and a short queue in front of them. A sign-in storm
//! then costs at most `slots` × 19 MiB and `slots` cores: beyond the queue a sign-in is answered
//! 503 `busy` with `Retry-After` at once, and the HTTP workers stay free for everyone else
//! (Tokio's blocking pool would start a thread, and keep an arena, per waiting sign-in).
//!
//! The areas are kept while sign-ins keep coming and given back to the system after
//! [`IDLE_RELEASE`] without one: kept for good, they were 38 of a resting service's 105 MiB
//! (BENCHMARKS.md, PERFORMANCE-2), held through every workload that signs nobody in.

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::Block;

use crate::http::ApiError;

type Job = Box<dyn FnOnce() + Send>;

/// How long the pool keeps its memory areas without a job before giving them back.
pub const IDLE_RELEASE: Duration = Duration::from_secs(10);

/// The memory areas no slot is using right now.
type Areas = Arc<Mutex<Vec<Vec<Block>>>>;

pub struct HashingPool {
    queue: SyncSender<Job>,
    idle_areas: Areas,
}

impl HashingPool {
    /// `slots` threads (at least one) behind a queue of `queue` waiting jobs, giving their
    /// memory back after `idle_release` without a job.
    pub fn new(slots: usize, queue: usize, idle_release: Duration) -> HashingPool {
        let (tx, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        let idle_areas = Areas::default();
        for i in 0..slots.max(1) {
            let rx = rx.clone();
            let areas = idle_areas.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("prm-hash-{i}"))
                .spawn(move || slot(&rx, &areas, idle_release));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a hashing slot");
            }
        }
        HashingPool {
            queue: tx,
            idle_areas,
        }
    }

    /// One slot per core, and four waiting jobs per slot.
    pub fn for_this_machine() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingPool::new(cores, cores * 4, IDLE_RELEASE)
    }

    /// How many memory areas the pool keeps for its next jobs.
    pub fn kept_areas(&self) -> usize {
        lock(&self.idle_areas).len()
    }

    /// Runs `work` on a slot with that slot's memory; `Busy` when every slot and the queue are
    /// taken.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let areas = self.idle_areas.clone();
        let job: Job = Box::new(move || {
            let mut memory = lock(&areas).pop().unwrap_or_default();
            let done = work(&mut memory);
            // Kept before the answer goes out, so the caller's next job finds it.
            lock(&areas).push(memory);
            let _ = tx.send(done);
        });
        self.queue.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => ApiError::Busy { retry_after: 1 },
            TrySendError::Disconnected(_) => ApiError::Internal("hashing pool stopped".into()),
        })?;
        rx.await
            .map_err(|_| ApiError::Internal("hashing slot failed".into()))
    }
}

fn slot(rx: &Mutex<Receiver<Job>>, areas: &Mutex<Vec<Vec<Block>>>, idle_release: Duration) {
    loop {
        // The lock is held only while waiting for the next job, never while hashing.
        let job = lock(rx).recv_timeout(idle_release);
        match job {
            Ok(job) => job(),
            // No job for a while: every area not in use now goes back to the system.
            Err(RecvTimeoutError::Timeout) => {
                let released = std::mem::take(&mut *lock(areas));
                if !released.is_empty() {
                    drop(released);
                    crate::ops::memory::return_freed_memory();
                }
            }
            // The pool was dropped: the service is stopping.
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// A job that panicked poisons nothing the pool relies on: the queue and the list of areas
/// stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn runs_work_and_refuses_beyond_the_queue() {
        let pool = HashingPool::new(1, 1, IDLE_RELEASE);
        assert_eq!(pool.run(|_| 2 + 2).await.unwrap(), 4);
        // Hold the one slot, fill the one queue place: the next is refused at once.
        let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
        let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
        let mut first = Box::pin(pool.run(move |_| {
            let _ = started_tx.send(());
            hold_rx.recv().is_ok()
        }));
        assert!(futures_util::poll!(&mut first).is_pending());
        started_rx.recv().unwrap();
        let mut second = Box::pin(pool.run(|_| true));
        assert!(futures_util::poll!(&mut second).is_pending());
        assert!(matches!(
            pool.run(|_| true).await,
            Err(ApiError::Busy { retry_after: 1 })
        ));
        hold_tx.send(()).unwrap();
        assert!(first.await.unwrap());
        assert!(second.await.unwrap());
    }

    #[actix_web::test]
    async fn keeps_areas_while_busy_and_gives_them_back_when_idle() {
        let pool = HashingPool::new(2, 4, Duration::from_millis(200));
        let grown = pool
            .run(|memory| {
                memory.resize(64, Block::default());
                memory.len()
            })
            .await
            .unwrap();
        assert_eq!(grown, 64);
        assert_eq!(pool.kept_areas(), 1, "kept for the next job");
        // The next job gets the kept area, not a new one.
        let reused = pool.run(|memory| memory.len()).await.unwrap();
        assert_eq!(reused, 64);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while pool.kept_areas() > 0 && std::time::Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(pool.kept_areas(), 0, "given back after the idle spell");
        // After that a job starts from an empty area and still runs.
        assert_eq!(pool.run(|memory| memory.len()).await.unwrap(), 0);
    }
}
