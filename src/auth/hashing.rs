//! The hashing pool: a fixed number of threads (slots) that check and make Argon2 hashes, each
//! with one working memory area it keeps, and a short queue in front of them. A sign-in storm
//! then costs at most `slots` × 19 MiB and `slots` cores: beyond the queue a sign-in is answered
//! 503 `busy` with `Retry-After` at once, and the HTTP workers stay free for everyone else
//! (Tokio's blocking pool would start a thread, and keep an arena, per waiting sign-in).

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use argon2::Block;

use crate::http::ApiError;

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

pub struct HashingPool {
    queue: SyncSender<Job>,
}

impl HashingPool {
    /// `slots` threads (at least one) behind a queue of `queue` waiting jobs.
    pub fn new(slots: usize, queue: usize) -> HashingPool {
        let (tx, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..slots.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("prm-hash-{i}"))
                .spawn(move || slot(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a hashing slot");
            }
        }
        HashingPool { queue: tx }
    }

    /// One slot per core, and four waiting jobs per slot.
    pub fn for_this_machine() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingPool::new(cores, cores * 4)
    }

    /// Runs `work` on a slot with that slot's memory; `Busy` when every slot and the queue are
    /// taken.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = tx.send(work(memory));
        });
        self.queue.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => ApiError::Busy { retry_after: 1 },
            TrySendError::Disconnected(_) => ApiError::Internal("hashing pool stopped".into()),
        })?;
        rx.await
            .map_err(|_| ApiError::Internal("hashing slot failed".into()))
    }
}

fn slot(rx: &Mutex<Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        // The lock is held only while waiting for the next job, never while hashing.
        let job = match rx.lock() {
            Ok(r) => r.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        match job {
            Ok(job) => job(&mut memory),
            // The pool was dropped: the service is stopping.
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn runs_work_and_refuses_beyond_the_queue() {
        let pool = HashingPool::new(1, 1);
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
}
