//! Locally issued tokens, verified as API Gateway's JWT authorizer would verify the identity
//! provider's: signature, issuer, audience, expiry. Local only; nothing of this is deployed.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const CITIZEN_ISSUER: &str = "https://idp.suishoupai.local/citizen";
pub const AUDIENCE: &str = "suishoupai";
/// Tokens last a working day.
const LIFETIME_SECONDS: i64 = 12 * 3600;

/// `POST /dev/token`'s body.
#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    pub role: Option<String>,
    pub sub: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CitizenClaims {
    iss: String,
    aud: String,
    sub: String,
    name: String,
    phone_number: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks local tokens with one secret.
#[derive(Clone)]
pub struct Issuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Issuer(..)")
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    /// What is wrong with the request, in Chinese, and the field.
    Invalid(&'static str, &'static str),
}

impl Issuer {
    pub fn new(secret: &[u8]) -> Issuer {
        Issuer {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// A citizen token for the claims asked for, and when it expires (seconds since the epoch).
    pub fn issue(&self, request: &TokenRequest, now: i64) -> Result<(String, i64), TokenError> {
        let field = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        match request.role.as_deref() {
            Some("citizen") => {}
            _ => return Err(TokenError::Invalid("role", "role 目前仅支持 citizen")),
        }
        let sub = field(&request.sub).ok_or(TokenError::Invalid("sub", "sub 不能为空"))?;
        let name = field(&request.name).ok_or(TokenError::Invalid("name", "name 不能为空"))?;
        let phone = field(&request.phone).ok_or(TokenError::Invalid("phone", "phone 不能为空"))?;
        let exp = now + LIFETIME_SECONDS;
        let claims = CitizenClaims {
            iss: CITIZEN_ISSUER.into(),
            aud: AUDIENCE.into(),
            sub,
            name,
            phone_number: phone,
            iat: now,
            exp,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid("sub", "无法签发令牌"))?;
        Ok((token, exp))
    }

    /// The claims of a valid citizen token, as API Gateway passes them on: every value a string.
    pub fn verify_citizen(&self, token: &str) -> Option<HashMap<String, String>> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[CITIZEN_ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        let data = decode::<serde_json::Map<String, serde_json::Value>>(token, &self.decoding, &validation).ok()?;
        Some(
            data.claims
                .into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, text)
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TokenRequest {
        TokenRequest {
            role: Some("citizen".into()),
            sub: Some("c-1".into()),
            name: Some("张三".into()),
            phone: Some("13812341234".into()),
        }
    }

    #[test]
    fn an_issued_token_verifies_to_its_claims() {
        let issuer = Issuer::new(b"secret");
        let now = chrono::Utc::now().timestamp();
        let (token, exp) = issuer.issue(&request(), now).unwrap();
        let claims = issuer.verify_citizen(&token).unwrap();
        assert_eq!(claims["sub"], "c-1");
        assert_eq!(claims["phone_number"], "13812341234");
        assert_eq!(claims["exp"], exp.to_string());
    }

    #[test]
    fn forged_expired_or_garbage_tokens_fail() {
        let issuer = Issuer::new(b"secret");
        let now = chrono::Utc::now().timestamp();
        let (token, _) = Issuer::new(b"other").issue(&request(), now).unwrap();
        assert!(issuer.verify_citizen(&token).is_none());
        let (old, _) = issuer.issue(&request(), now - 2 * LIFETIME_SECONDS).unwrap();
        assert!(issuer.verify_citizen(&old).is_none());
        assert!(issuer.verify_citizen("not.a.token").is_none());
    }

    #[test]
    fn requests_without_identity_are_refused() {
        let issuer = Issuer::new(b"secret");
        let no_phone = TokenRequest {
            phone: None,
            ..request()
        };
        assert_eq!(
            issuer.issue(&no_phone, 0).unwrap_err(),
            TokenError::Invalid("phone", "phone 不能为空")
        );
        let staff = TokenRequest {
            role: Some("staff".into()),
            ..request()
        };
        assert!(issuer.issue(&staff, 0).is_err());
    }
}
