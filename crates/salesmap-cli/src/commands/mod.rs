//! One module per subcommand; each exposes `Args` (clap) and `run(Args) -> u8` (the exit code).

pub mod check;
pub mod fmt;
pub mod init;
