//! The vocabulary and the algorithms of salesmap, with no IO, no clock and no async.
//!
//! - [`map::Map`]: the designed process (stages, transitions, goal, KPIs), resolved and indexed.
//! - [`history::History`]: the event log of stage entries and touches, columnar and interned.
//! - [`text::Text`]: user text in one or more languages.
//!
//! Everything here is a pure function of its inputs: "now" is always an argument, and output
//! order is always deterministic.

pub mod history;
pub mod map;
pub mod text;
