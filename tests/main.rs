//! The integration tests: the whole API against a local AWS (DynamoDB Local for the table, moto
//! for S3 and SNS), one module per area, one binary. `scripts/test` starts the local AWS; by hand,
//! see `harness::dynamodb_endpoint` and `harness::moto_endpoint`. Run one area with
//! `cargo test -p suishoupai-tests -- staff::`.

mod harness;

mod access;
mod authorization;
mod calendar;
mod concurrency;
mod config;
mod contract;
mod custody;
mod events;
mod evidence;
mod exports;
mod faults;
mod institutions;
mod journey;
mod layers;
mod least_privilege;
mod logs;
mod notify;
mod open311;
mod package;
mod post_policy;
mod previews;
mod public_board;
mod round_trips;
mod seed_year;
mod sms_providers;
mod staff;
mod submission;
