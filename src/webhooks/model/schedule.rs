//! When a delivery is tried again, and when it is given up: after the first attempt fails the
//! next ones wait 5 s, 1 min, 10 min, 1 h, 6 h and 24 h (about 31 hours in all), each ±20%
//! at random so receivers coming back from an outage are not hit by every sender at once.

use std::time::Duration;

/// The waits between attempts; the delivery fails once they are used up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule(
            [5, 60, 600, 3600, 6 * 3600, 24 * 3600]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
        )
    }
}

impl RetrySchedule {
    /// `PRM_WEBHOOK_RETRY_SECONDS`: comma-separated waits in seconds (e.g. `1,2,4` in tests).
    pub fn parse(raw: &str) -> Result<RetrySchedule, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0 && *n <= 7.0 * 86_400.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| format!("`{s}` is not a number of seconds up to a week"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(RetrySchedule)
    }

    /// Attempts in all: the first and one per wait.
    pub fn attempts(&self) -> i32 {
        self.0.len() as i32 + 1
    }

    /// After `attempts_made` failed attempts: how long to wait before the next one (with
    /// `jitter` in [-1, 1] scaling ±20%), or `None` when the delivery has failed for good.
    pub fn next_wait(&self, attempts_made: i32, jitter: f64) -> Option<Duration> {
        let index = usize::try_from(attempts_made.checked_sub(1)?).ok()?;
        let base = *self.0.get(index)?;
        Some(base.mul_f64(1.0 + 0.2 * jitter.clamp(-1.0, 1.0)))
    }
}

/// How a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed; `retry` starts it again.
    Failed,
    /// Not sent: its subscription was disabled or deleted, or its owner lost access.
    Cancelled,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        Some(match s {
            "pending" => DeliveryStatus::Pending,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "cancelled" => DeliveryStatus::Cancelled,
            _ => return None,
        })
    }
}

/// Only a 2xx answer delivers; a redirect that was not followed does not.
pub fn is_delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The longest part of a receiver's answer kept in the delivery log.
pub const EXCERPT_BYTES: usize = 1024;

/// The first [`EXCERPT_BYTES`] of an answer as text, cut at a character boundary.
pub fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_BYTES)];
    let text = String::from_utf8_lossy(cut);
    // A multi-byte character cut in half shows as one replacement character at the end.
    text.into_owned()
}
