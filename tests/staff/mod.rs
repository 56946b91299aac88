//! The agencies' side, by area: actions on a report, the queue, statistics, the audit trail and
//! retention, repeat reports. Who may call which route is `authorization`'s; races between staff
//! are `concurrency`'s; exports are `exports`'.

mod actions;
mod audit;
mod measures;
mod queue;
mod repeats;
mod rounds;
mod stats;
