//! The whole platform on one machine: every function's handler in-process behind the API's
//! routes, a local authorizer for locally issued tokens, and a local AWS (moto) underneath.
//! Nothing here is deployed; `/dev/` routes exist only in this server.

pub mod aws;
pub mod demo_registry;
pub mod demo_staff;
pub mod gateway;
pub mod host_sign_in;
pub mod provision;
pub mod seed;
pub mod setup;
pub mod site;
pub mod sms;
pub mod stream;
pub mod tencent_sms;
pub mod tokens;
pub mod year;

pub use gateway::router;
