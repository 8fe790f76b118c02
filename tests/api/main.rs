//! End-to-end tests: each boots the real server with a fresh database and speaks HTTP.
//! Modules mirror the API's resources.

mod articles;
mod auth;
mod caching;
mod editorial;
mod errors;
mod feeds;
mod graphql;
mod graphql_http;
mod media;
mod newsroom;
mod openapi;
mod pagination;
mod permissions;
mod print;
mod qr;
mod related;
mod search;
mod seeding;
mod startup;
mod taxonomy;
mod visibility;
mod workflow;
