//! Request bodies: a JSON object of a known shape, or a 400 problem naming what is wrong.
//! (serde would also read a struct from a JSON array; a body must be an object.)

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// A JSON object body read into `T`.
pub struct JsonObject<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(AppError::bad_param("body", "must be a JSON object").into());
            }
            serde_json::from_value(value)
                .map(JsonObject)
                .map_err(|e| AppError::bad_param("body", format!("is not valid: {e}")).into())
        })
    }
}
