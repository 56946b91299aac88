//! Locally issued tokens, verified as API Gateway's JWT authorizer would verify the identity
//! provider's: signature, issuer, audience, expiry. Local only; nothing of this is deployed.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const CITIZEN_ISSUER: &str = "https://idp.suishoupai.local/citizen";
/// Stands in for the staff Cognito user pool.
pub const STAFF_ISSUER: &str = "https://idp.suishoupai.local/staff";
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
    /// Staff only: the agency id, the region code and `handler` | `city` | `province`.
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub staff_role: Option<String>,
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

/// The staff pool's ID-token claims (custom attributes as Cognito names them).
#[derive(Debug, Serialize, Deserialize)]
struct StaffClaims {
    iss: String,
    aud: String,
    sub: String,
    name: String,
    #[serde(rename = "custom:agency")]
    agency: String,
    #[serde(rename = "custom:region")]
    region: String,
    #[serde(rename = "custom:role")]
    role: String,
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

fn field(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
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

    /// A token for the claims asked for, and when it expires (seconds since the epoch).
    pub fn issue(&self, request: &TokenRequest, now: i64) -> Result<(String, i64), TokenError> {
        match request.role.as_deref() {
            Some("citizen") => self.issue_citizen(request, now),
            Some("staff") => self.issue_staff(request, now),
            _ => Err(TokenError::Invalid("role", "role 只能是 citizen 或 staff")),
        }
    }

    fn sign<T: Serialize>(&self, claims: &T) -> Result<String, TokenError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| TokenError::Invalid("sub", "无法签发令牌"))
    }

    fn issue_staff(&self, request: &TokenRequest, now: i64) -> Result<(String, i64), TokenError> {
        let sub = field(&request.sub).ok_or(TokenError::Invalid("sub", "sub 不能为空"))?;
        let name = field(&request.name).ok_or(TokenError::Invalid("name", "name 不能为空"))?;
        let role = field(&request.staff_role)
            .filter(|r| matches!(r.as_str(), "handler" | "city" | "province"))
            .ok_or(TokenError::Invalid(
                "staff_role",
                "staff_role 只能是 handler、city 或 province",
            ))?;
        let region = field(&request.region).ok_or(TokenError::Invalid("region", "region 不能为空"))?;
        let agency = field(&request.agency).unwrap_or_default();
        let exp = now + LIFETIME_SECONDS;
        let claims = StaffClaims {
            iss: STAFF_ISSUER.into(),
            aud: AUDIENCE.into(),
            sub,
            name,
            agency,
            region,
            role,
            iat: now,
            exp,
        };
        Ok((self.sign(&claims)?, exp))
    }

    fn issue_citizen(&self, request: &TokenRequest, now: i64) -> Result<(String, i64), TokenError> {
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
        Ok((self.sign(&claims)?, exp))
    }

    /// The claims of a valid citizen token, as API Gateway passes them on: every value a string.
    pub fn verify_citizen(&self, token: &str) -> Option<HashMap<String, String>> {
        self.verify(token, CITIZEN_ISSUER)
    }

    /// The claims of a valid staff token (the staff pool's authorizer).
    pub fn verify_staff(&self, token: &str) -> Option<HashMap<String, String>> {
        self.verify(token, STAFF_ISSUER)
    }

    fn verify(&self, token: &str, issuer: &str) -> Option<HashMap<String, String>> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
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
            agency: None,
            region: None,
            staff_role: None,
        }
    }

    #[test]
    fn an_issued_citizen_token_verifies_to_its_claims() {
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
        assert_eq!(
            issuer.issue(&staff, 0).unwrap_err(),
            TokenError::Invalid("staff_role", "staff_role 只能是 handler、city 或 province")
        );
        assert!(
            issuer
                .issue(
                    &TokenRequest {
                        role: Some("admin".into()),
                        ..request()
                    },
                    0
                )
                .is_err()
        );
    }

    #[test]
    fn staff_tokens_carry_the_pools_custom_claims_and_only_pass_the_staff_authorizer() {
        let issuer = Issuer::new(b"secret");
        let request = TokenRequest {
            role: Some("staff".into()),
            agency: Some("420106-education".into()),
            region: Some("420106".into()),
            staff_role: Some("handler".into()),
            ..request()
        };
        let now = chrono::Utc::now().timestamp();
        let (token, _) = issuer.issue(&request, now).unwrap();
        let claims = issuer.verify_staff(&token).unwrap();
        assert_eq!(claims["custom:agency"], "420106-education");
        assert_eq!(claims["custom:role"], "handler");
        assert!(
            issuer.verify_citizen(&token).is_none(),
            "a staff token is no citizen token"
        );
        let (citizen, _) = issuer.issue(&self::request(), now).unwrap();
        assert!(issuer.verify_staff(&citizen).is_none());
    }
}
