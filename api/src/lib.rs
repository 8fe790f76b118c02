//! Bantin: a headless content API for news portals.
//!
//! Requests enter through [`rest`] (HTTP adapters), which call [`services`] (every rule about
//! what may be read), which read [`read_model`] documents prepared at write time. [`startup`]
//! wires the server; [`cli`] is the `bantin` command.

pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub use bantin_imaging as imaging;
pub mod metrics;
pub mod pagination;
pub mod print;
pub mod read_model;
pub mod rest;
pub mod secrets;
pub mod seed;
pub mod services;
pub mod sql;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod views;
