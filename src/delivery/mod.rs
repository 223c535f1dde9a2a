//! Delivery: the one HTTP client (`http`), the transports (`kdocs`, the relay; `dingtalk`, straight
//! to the robot), and `hints`, the only place that words a failed call for people.

pub mod dingtalk;
pub mod hints;
pub mod http;
pub mod kdocs;
