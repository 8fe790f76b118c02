//! Process counters exposed at `/metrics` in the Prometheus text format: enough to see how
//! many SQL statements requests cost and how well the response cache works.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Default)]
pub struct Metrics {
    pub db_statements: AtomicU64,
    pub db_micros: AtomicU64,
    pub cache_hits: AtomicU64,
    pub cache_misses: AtomicU64,
}

impl Metrics {
    pub fn record_statement(&self, elapsed: std::time::Duration) {
        self.db_statements.fetch_add(1, Relaxed);
        self.db_micros.fetch_add(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, value) in [
            ("bantin_db_statements_total", "SQL statements executed.", self.db_statements.load(Relaxed)),
            ("bantin_db_statement_microseconds_total", "Time spent in SQL statements.", self.db_micros.load(Relaxed)),
            ("bantin_cache_hits_total", "Public responses served from the cache.", self.cache_hits.load(Relaxed)),
            ("bantin_cache_misses_total", "Public responses computed.", self.cache_misses.load(Relaxed)),
        ] {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"));
        }
        out
    }
}
