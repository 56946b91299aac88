//! The staff user pool (Cognito, global regions). 人员管理 creates a person's user here (the
//! pool's username is the mobile; Cognito assigns the subject the roster keys on), disables and
//! re-enables it with the roster entry, and resets their authenticator (MFA) so that the next
//! sign-in registers a new one. With a province's own issuer (China) there is no pool, and the
//! roster alone decides who may sign in.

use super::StoreError;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType, SoftwareTokenMfaSettingsType};
use std::sync::{Arc, OnceLock};

const SERVICE: &str = "cognito-idp";

#[derive(Debug, Clone)]
pub struct StaffPool {
    /// Built on first use: only 人员管理's writes touch the pool.
    client: Arc<OnceLock<Client>>,
    config: aws_sdk_cognitoidentityprovider::Config,
    pool_id: String,
}

/// A user created, or found already there under that mobile (a retry after a failure between the
/// pool and the roster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUser {
    pub sub: String,
    /// The one-time password to hand over, when this call created the user.
    pub temporary_password: Option<String>,
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, StoreError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| StoreError::Service {
            service: SERVICE,
            operation: "attribute",
            detail: e.to_string(),
        })
}

impl StaffPool {
    pub fn new(config: aws_sdk_cognitoidentityprovider::Config, pool_id: impl Into<String>) -> StaffPool {
        StaffPool {
            client: Arc::default(),
            config,
            pool_id: pool_id.into(),
        }
    }

    fn client(&self) -> &Client {
        self.client.get_or_init(|| Client::from_conf(self.config.clone()))
    }

    /// Creates the user of `phone` (E.164) named `name`, with a temporary password the pool asks
    /// them to change at first sign-in (no message is sent: the pool has no SMS configuration).
    pub async fn create(&self, phone: &str, name: &str) -> Result<PoolUser, StoreError> {
        let password = temporary_password();
        let created = self
            .client()
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(phone)
            .message_action(MessageActionType::Suppress)
            .temporary_password(&password)
            .user_attributes(attribute("name", name)?)
            .user_attributes(attribute("phone_number", phone)?)
            .user_attributes(attribute("phone_number_verified", "true")?)
            .send()
            .await;
        match created {
            Ok(output) => {
                let sub = output
                    .user()
                    .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
                    .and_then(|a| a.value())
                    .ok_or_else(|| StoreError::Service {
                        service: SERVICE,
                        operation: "admin_create_user",
                        detail: "the pool answered no sub".into(),
                    })?;
                Ok(PoolUser {
                    sub: sub.to_owned(),
                    temporary_password: Some(password),
                })
            }
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_username_exists_exception()) =>
            {
                Ok(PoolUser {
                    sub: self.sub_of(phone).await?,
                    temporary_password: None,
                })
            }
            Err(error) => Err(StoreError::call(SERVICE, "admin_create_user", error)),
        }
    }

    async fn sub_of(&self, phone: &str) -> Result<String, StoreError> {
        let user = self
            .client()
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(phone)
            .send()
            .await
            .map_err(|e| StoreError::call(SERVICE, "admin_get_user", e))?;
        user.user_attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .map(str::to_owned)
            .ok_or_else(|| StoreError::Service {
                service: SERVICE,
                operation: "admin_get_user",
                detail: "the pool answered no sub".into(),
            })
    }

    /// Disables or re-enables the user whose subject is `sub` (a local user's sub names it);
    /// disabling also revokes their tokens.
    pub async fn set_enabled(&self, sub: &str, enabled: bool) -> Result<(), StoreError> {
        let client = self.client();
        if enabled {
            client
                .admin_enable_user()
                .user_pool_id(&self.pool_id)
                .username(sub)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| StoreError::call(SERVICE, "admin_enable_user", e))
        } else {
            client
                .admin_disable_user()
                .user_pool_id(&self.pool_id)
                .username(sub)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| StoreError::call(SERVICE, "admin_disable_user", e))
        }
    }

    /// Removes the user's authenticator app: the pool requires MFA, so their next sign-in
    /// registers a new one (a lost phone).
    pub async fn reset_mfa(&self, sub: &str) -> Result<(), StoreError> {
        let off = SoftwareTokenMfaSettingsType::builder()
            .enabled(false)
            .preferred_mfa(false)
            .build();
        self.client()
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(sub)
            .software_token_mfa_settings(off)
            .send()
            .await
            .map_err(|e| StoreError::call(SERVICE, "admin_set_user_mfa_preference", e))?;
        Ok(())
    }
}

/// A temporary password the pool's policy takes (12 characters or more, upper and lower case,
/// digits, symbols), random from a v4 UUID.
fn temporary_password() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("Sp-{}-a1!", &random[..12])
}

#[cfg(test)]
mod tests {
    #[test]
    fn temporary_passwords_meet_the_pools_policy() {
        let password = super::temporary_password();
        assert!(password.len() >= 12);
        assert!(password.chars().any(|c| c.is_ascii_uppercase()));
        assert!(password.chars().any(|c| c.is_ascii_lowercase()));
        assert!(password.chars().any(|c| c.is_ascii_digit()));
        assert!(password.chars().any(|c| !c.is_ascii_alphanumeric()));
        assert_ne!(password, super::temporary_password());
    }
}
