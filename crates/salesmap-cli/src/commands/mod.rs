//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (the exit code;
//! `demo`'s `run` also takes the function that runs one command line, from `main.rs`). What
//! several of them share sits below them: loading maps and histories in [`crate::inputs`],
//! writing results and text for terminals in [`crate::output`].

mod analysis_text;
pub mod analyze;
pub mod check;
pub mod demo;
pub mod discover;
pub mod export;
pub mod fmt;
pub mod generate;
pub mod import;
pub mod init;
pub mod plan;
pub mod render;
pub mod report;
pub mod serve;
pub mod user;
