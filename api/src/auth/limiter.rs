//! Fixed-window counters that slow down password guessing: per client address (every
//! attempt) and per account (failed attempts), answered with 429 and `Retry-After`.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use moka::sync::Cache;

use crate::error::{AppError, AppResult};

struct Window {
    started: Instant,
    count: u32,
}

/// Counts events per key within a window of fixed length.
pub struct Limiter {
    limit: u32,
    window: Duration,
    windows: Cache<String, Arc<Mutex<Window>>>,
}

impl Limiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Limiter { limit, window, windows: Cache::builder().max_capacity(100_000).time_to_live(window).build() }
    }

    fn window(&self, key: &str) -> Arc<Mutex<Window>> {
        self.windows.get_with(key.to_owned(), || Arc::new(Mutex::new(Window { started: Instant::now(), count: 0 })))
    }

    fn retry_after(&self, window: &Window) -> u64 {
        self.window.saturating_sub(window.started.elapsed()).as_secs().max(1)
    }

    /// Refuses when the key has used up its window.
    pub fn check(&self, key: &str) -> AppResult<()> {
        let window = self.window(key);
        let guard = window.lock().map_err(|_| anyhow::anyhow!("rate limiter lock poisoned"))?;
        if guard.count >= self.limit && guard.started.elapsed() < self.window {
            return Err(AppError::TooManyRequests { retry_after: self.retry_after(&guard) });
        }
        Ok(())
    }

    /// Counts one event, refusing it when the window is already full.
    pub fn hit(&self, key: &str) -> AppResult<()> {
        let window = self.window(key);
        let mut guard = window.lock().map_err(|_| anyhow::anyhow!("rate limiter lock poisoned"))?;
        if guard.started.elapsed() >= self.window {
            *guard = Window { started: Instant::now(), count: 0 };
        }
        if guard.count >= self.limit {
            return Err(AppError::TooManyRequests { retry_after: self.retry_after(&guard) });
        }
        guard.count += 1;
        Ok(())
    }

    pub fn reset(&self, key: &str) {
        self.windows.invalidate(key);
    }
}

/// The two limits on `POST /auth/login`.
pub struct LoginLimits {
    pub per_address: Limiter,
    pub per_account: Limiter,
}

impl LoginLimits {
    pub fn new(per_address: u32, per_account: u32) -> Self {
        LoginLimits {
            per_address: Limiter::new(per_address, Duration::from_secs(60)),
            per_account: Limiter::new(per_account, Duration::from_secs(15 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_refuses_after_the_limit_and_names_a_wait() {
        let limiter = Limiter::new(2, Duration::from_secs(60));
        assert!(limiter.hit("a").is_ok());
        assert!(limiter.hit("a").is_ok());
        match limiter.hit("a") {
            Err(AppError::TooManyRequests { retry_after }) => assert!((1..=60).contains(&retry_after)),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limiter.check("a").is_err());
        assert!(limiter.hit("b").is_ok(), "keys are independent");
        limiter.reset("a");
        assert!(limiter.hit("a").is_ok());
    }
}
