//! The service layer: every rule about what may be read lives here, once, and REST handlers
//! (and GraphQL resolvers) only adapt requests to these functions.

pub mod articles;
pub mod authors;
pub mod categories;
pub mod media;
pub mod site;
pub mod tags;
pub mod visibility;
