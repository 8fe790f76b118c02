//! Password hashing with argon2id (the crate's default parameters: 19 MiB, 2 passes).

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::error::{AppError, AppResult, FieldError};

/// Shortest password accepted; NIST SP 800-63B asks for at least 8.
pub const MIN_LEN: usize = 10;
/// Longest password accepted, to bound hashing work.
pub const MAX_LEN: usize = 256;

/// A hash checked when the email is unknown, so a wrong email costs as much time as a wrong
/// password and the two cannot be told apart.
static DUMMY: LazyLock<Option<String>> = LazyLock::new(|| hash("not-a-real-password-0000").ok());

/// Checks the length rules; the field name is for the error.
pub fn validate(field: &str, password: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if (MIN_LEN..=MAX_LEN).contains(&chars) {
        Ok(())
    } else {
        Err(AppError::invalid_fields(vec![FieldError {
            field: field.to_owned(),
            message: format!("must be {MIN_LEN} to {MAX_LEN} characters long"),
        }]))
    }
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// Whether `password` matches `stored`; `None` runs a comparison against a dummy hash.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => Argon2::default().verify_password(password.as_bytes(), stored).is_ok(),
        None => {
            if let Some(dummy) = DUMMY.as_deref() {
                let _ = Argon2::default().verify_password(password.as_bytes(), dummy);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let stored = hash("mật khẩu đủ dài").expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("mật khẩu đủ dài", Some(&stored)));
        assert!(!verify("mật khẩu sai rồi", Some(&stored)));
        assert!(!verify("mật khẩu đủ dài", None));
    }

    #[test]
    fn length_rules_name_the_field() {
        assert!(validate("password", "ngắn").is_err());
        assert!(validate("password", "đủ mười ký tự").is_ok());
    }
}
