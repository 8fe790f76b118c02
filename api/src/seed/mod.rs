//! Content loading: the demo site a newcomer sees on first start, and synthetic archives
//! for benchmarks. Both write through [`writer`], which prepares the read models.

pub mod demo;
pub mod images;
pub mod synthetic;
pub mod writer;
