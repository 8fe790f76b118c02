//! The service layer: every rule about what may be read or written lives here, once, and REST handlers
//! (and GraphQL resolvers) only adapt requests to these functions.

pub mod articles;
pub mod audit;
pub mod authors;
pub mod categories;
pub mod changes;
pub mod editorial;
pub mod feeds;
pub mod media;
pub mod permissions;
pub mod search;
pub mod site;
pub mod sitemaps;
pub mod tags;
pub mod users;
pub mod visibility;
