//! Domain values that can only be built by parsing, with their rules next to them.

pub mod blocks;
pub mod dates;
pub mod qr;
pub mod search;
pub mod slug;
pub mod text;
pub mod title_terms;
