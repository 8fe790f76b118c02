//! Signed access and preview tokens (JWT). One algorithm is configured and only that one is
//! accepted, with issuer, audience, expiry and not-before all checked.

use anyhow::Context;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::{config::Settings, error::AppError, secrets};

/// What a token lets its bearer do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everything the account's role allows.
    Access,
    /// Read one article, whatever its status, through the public endpoints.
    Preview,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The account id.
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub scope: Scope,
    /// The account's role when the token was issued (informative: roles are re-read per request).
    pub role: String,
    /// The article a preview token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<i64>,
}

pub struct TokenKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl TokenKeys {
    /// Key files (EdDSA or RS256) when configured, else an HS256 secret.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let (algorithm, encoding, decoding) = match (&settings.jwt_private_key, &settings.jwt_public_key) {
            (Some(private), Some(public)) => {
                let private_pem =
                    std::fs::read(private).with_context(|| format!("cannot read {}", private.display()))?;
                let public_pem = std::fs::read(public).with_context(|| format!("cannot read {}", public.display()))?;
                if let (Ok(enc), Ok(dec)) =
                    (EncodingKey::from_ed_pem(&private_pem), DecodingKey::from_ed_pem(&public_pem))
                {
                    (Algorithm::EdDSA, enc, dec)
                } else {
                    let enc = EncodingKey::from_rsa_pem(&private_pem)
                        .context("BANTIN_JWT_PRIVATE_KEY is neither an Ed25519 nor an RSA private key (PEM)")?;
                    let dec = DecodingKey::from_rsa_pem(&public_pem)
                        .context("BANTIN_JWT_PUBLIC_KEY is not an RSA public key (PEM)")?;
                    (Algorithm::RS256, enc, dec)
                }
            }
            _ => {
                let secret = secrets::jwt_secret(settings)?;
                (Algorithm::HS256, EncodingKey::from_secret(&secret), DecodingKey::from_secret(&secret))
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&settings.jwt_issuer]);
        validation.set_audience(&[&settings.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        // One second of clock skew between the servers that issue and check tokens.
        validation.leeway = 1;
        Ok(TokenKeys {
            algorithm,
            encoding,
            decoding,
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Signs a token for `user_id` valid for `ttl_secs` from now.
    pub fn issue(
        &self,
        user_id: i64,
        role: &str,
        scope: Scope,
        article: Option<i64>,
        ttl_secs: i64,
    ) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_string(),
            exp: now + ttl_secs,
            iat: now,
            nbf: now,
            scope,
            role: role.to_owned(),
            article,
        };
        encode(&Header::new(self.algorithm), &claims, &self.encoding).context("cannot sign a token")
    }

    /// The claims of a valid token; every failure is the same 401 with a short reason.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        use jsonwebtoken::errors::ErrorKind;
        decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|err| {
            AppError::Unauthenticated(match err.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet",
                ErrorKind::InvalidIssuer => "the token was issued by someone else",
                ErrorKind::InvalidAudience => "the token is for another audience",
                ErrorKind::InvalidAlgorithm => "the token is signed with an algorithm this server does not accept",
                ErrorKind::InvalidSignature => "the token's signature is invalid",
                _ => "the token is malformed",
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// A throw-away Ed25519 key pair made with `openssl genpkey -algorithm ed25519`.
    const PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKi2X4BjrfrfNv9sgLwHi2D/xIcrd2iaImX98LEwFpt7\n-----END PRIVATE KEY-----\n";
    const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA4w8WCUiwkiBkN44z4I/mMTpgJ/0rQbewV++2sLCWQu0=\n-----END PUBLIC KEY-----\n";

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        Command::parse_from(std::iter::once("bantin").chain(args.iter().copied())).settings
    }

    #[test]
    fn key_files_select_eddsa_and_refuse_algorithm_confusion() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (private, public) = (dir.path().join("jwt.pem"), dir.path().join("jwt.pub"));
        std::fs::write(&private, PRIVATE).expect("write key");
        std::fs::write(&public, PUBLIC).expect("write key");
        let keys = TokenKeys::from_settings(&settings(&[
            "--jwt-private-key",
            private.to_str().expect("path"),
            "--jwt-public-key",
            public.to_str().expect("path"),
        ]))
        .expect("keys");
        assert_eq!(keys.algorithm(), Algorithm::EdDSA);
        let token = keys.issue(7, "editor", Scope::Access, None, 60).expect("token");
        assert_eq!(keys.verify(&token).expect("valid").sub, "7");

        // The classic confusion: an HS256 token keyed with the public key's bytes.
        let claims = keys.verify(&token).expect("valid");
        let forged = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(PUBLIC.as_bytes()))
            .expect("forge");
        assert!(matches!(keys.verify(&forged), Err(AppError::Unauthenticated(_))));
    }

    #[test]
    fn a_generated_secret_is_kept_in_the_data_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let data = dir.path().to_str().expect("path");
        let first = TokenKeys::from_settings(&settings(&["--data-dir", data])).expect("keys");
        let token = first.issue(1, "admin", Scope::Access, None, 60).expect("token");
        let again = TokenKeys::from_settings(&settings(&["--data-dir", data])).expect("keys");
        assert_eq!(again.algorithm(), Algorithm::HS256);
        assert!(again.verify(&token).is_ok(), "a restart keeps accepting tokens");
        assert!(dir.path().join("jwt.key").exists());
    }
}
