//! What an instance keeps of a table read for a while (the calendar in force, a city's public
//! phones): read again only once `period` is over, so that a campaign's requests cost one read a
//! period and a change shows within it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values by key, each with when it was read.
#[derive(Debug)]
pub struct Fresh<K, T> {
    period: Duration,
    read: Mutex<HashMap<K, (Instant, T)>>,
}

impl<K: Eq + Hash, T: Clone> Fresh<K, T> {
    pub fn new(period: Duration) -> Fresh<K, T> {
        Fresh {
            period,
            read: Mutex::new(HashMap::new()),
        }
    }

    /// `key`'s value as read within the period, else `read` now (and kept if it succeeds).
    pub async fn get<E, F>(&self, key: K, read: impl FnOnce() -> F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        if let Ok(kept) = self.read.lock()
            && let Some((at, value)) = kept.get(&key)
            && at.elapsed() < self.period
        {
            return Ok(value.clone());
        }
        let value = read().await?;
        if let Ok(mut kept) = self.read.lock() {
            kept.insert(key, (Instant::now(), value.clone()));
        }
        Ok(value)
    }

    /// Drops `key`'s value: the next `get` reads.
    pub fn forget(&self, key: &K) {
        if let Ok(mut kept) = self.read.lock() {
            kept.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn a_value_is_read_once_a_period_and_again_once_forgotten() {
        let fresh: Fresh<&str, u32> = Fresh::new(Duration::from_secs(60));
        let reads = AtomicU32::new(0);
        let read = || async { Ok::<_, ()>(reads.fetch_add(1, Ordering::Relaxed) + 1) };
        assert_eq!(fresh.get("a", read).await, Ok(1));
        assert_eq!(fresh.get("a", read).await, Ok(1), "kept");
        assert_eq!(fresh.get("b", read).await, Ok(2), "by key");
        fresh.forget(&"a");
        assert_eq!(fresh.get("a", read).await, Ok(3));
        let failing: Fresh<&str, u32> = Fresh::new(Duration::ZERO);
        assert_eq!(failing.get("a", || async { Err::<u32, _>("down") }).await, Err("down"));
        assert_eq!(failing.get("a", read).await, Ok(4), "a failure is not kept");
    }
}
