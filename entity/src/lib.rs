//! sea-orm entities for Bantin's content model.
//!
//! These types mirror the tables one to one and carry no serde, GraphQL or OpenAPI derives:
//! the API crate maps them to its own wire types, so a column can change without silently
//! changing a public contract.

pub mod article;
pub mod article_author;
pub mod article_media;
pub mod article_related;
pub mod article_revision;
pub mod article_slug;
pub mod article_tag;
pub mod audit_entry;
pub mod author;
pub mod category;
pub mod media;
pub mod refresh_token;
pub mod site;
pub mod social_link;
pub mod tag;
pub mod user;
