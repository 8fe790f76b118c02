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
