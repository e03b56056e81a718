//! [`StoreError`]: every way a domain operation can refuse or fail, as data the HTTP layer maps
//! onto a status code and the CLI onto a message.
//!
//! Refusals (a move the map does not allow, unticked exit items, a stale version, too few
//! rights) carry what the caller needs to fix the request: the missing items, the allowed
//! stages, the current state of the deal. Database failures are split into "unavailable"
//! (down, full, overloaded: try again later) and "internal" (a bug: logged, never shown).

use std::fmt;

use serde::Serialize;

use crate::model::Deal;

/// One exit checklist item that is not ticked.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MissingItem {
    /// The stage whose exit checklist holds the item.
    pub stage: String,
    /// Position of the item in the stage's checklist (0-based).
    pub index: usize,
    /// The item's text (in the map's language).
    pub item: String,
}

/// Why the rules of the map refuse an operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// The map has no transition between the two stages.
    TransitionNotAllowed {
        from: String,
        to: String,
        allowed: Vec<String>,
    },
    /// The stage's exit checklist has unticked items.
    ExitChecklist { missing: Vec<MissingItem> },
    /// A move to lost, disqualified, churned or along a "no" branch needs a reason.
    ReasonRequired { to: String },
    /// A map version with errors cannot be saved; the diagnostics say where.
    MapHasErrors { diagnostics: String },
    /// A new map version drops stages that open deals are in.
    StagesInUse { stages: Vec<(String, u64)> },
    /// The deal is in a terminal outcome; nothing leaves it.
    Closed { stage: String },
}

/// What went wrong in a store operation.
#[derive(Debug)]
pub enum StoreError {
    /// The database is down, full or not answering in time. Nothing was written.
    Unavailable(String),
    /// No such record (or not visible to the caller).
    NotFound(String),
    /// The caller's role or ownership does not allow this.
    Forbidden(String),
    /// The user must set a new password before doing anything else.
    PasswordChangeRequired,
    /// A request field is invalid: which field, and what is wrong with it.
    Invalid { field: String, message: String },
    /// A write carried a stale deal version; the deal as it is now.
    StaleVersion(Box<Deal>),
    /// A record with the same key exists.
    Duplicate(String),
    /// The map's rules refuse the operation.
    Refused(Refusal),
    /// Wrong login or password (deliberately not saying which).
    BadCredentials,
    /// Too many failed sign-ins; try again after this many seconds.
    RateLimited { retry_after_secs: u64 },
    /// A bug or an unexpected database error; logged, never shown to users in detail.
    Internal(String),
}

impl StoreError {
    pub fn invalid(field: &str, message: &str) -> StoreError {
        StoreError::Invalid {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> StoreError {
        StoreError::NotFound(what.into())
    }

    pub fn forbidden(why: impl Into<String>) -> StoreError {
        StoreError::Forbidden(why.into())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        use sqlx::Error as E;
        match &error {
            E::PoolTimedOut => StoreError::Unavailable(
                "the database did not answer in time (no free connection)".into(),
            ),
            E::PoolClosed => StoreError::Unavailable("the server is shutting down".into()),
            E::Io(e) => StoreError::Unavailable(format!("the database cannot be reached: {e}")),
            E::Tls(e) => StoreError::Unavailable(format!("the database cannot be reached: {e}")),
            E::WorkerCrashed => StoreError::Unavailable("the database connection was lost".into()),
            E::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                if let Some(message) = unavailable_code(&code) {
                    StoreError::Unavailable(message.into())
                } else {
                    StoreError::Internal(format!("database error {code}: {}", db.message()))
                }
            }
            _ => StoreError::Internal(error.to_string()),
        }
    }
}

/// The database error codes that mean "the database cannot take this now" rather than a bug:
/// SQLite's FULL, BUSY, LOCKED, IOERR, CANTOPEN, READONLY and PostgreSQL's classes 08
/// (connection), 53 (insufficient resources), 57P (shutdown).
fn unavailable_code(code: &str) -> Option<&'static str> {
    // PostgreSQL's SQLSTATE codes have five characters; SQLite's (extended) result codes are
    // numbers of at most four digits.
    if code.len() < 5
        && let Ok(n) = code.parse::<i64>()
    {
        // SQLite: the primary result code is the low byte of the extended one.
        return match n & 0xff {
            13 => Some("the database is full: free disk space, then try again"),
            5 | 6 => Some("the database is busy: try again"),
            10 | 14 => Some("the database file cannot be read or written"),
            8 => Some("the database file is read-only"),
            _ => None,
        };
    }
    if code == "53100" {
        Some("the database is full: free disk space, then try again")
    } else if code.starts_with("53") {
        Some("the database is out of resources: try again")
    } else if code.starts_with("08") || code.starts_with("57P") {
        Some("the database is down or restarting")
    } else {
        None
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Unavailable(m) => write!(f, "the database is unavailable: {m}"),
            StoreError::NotFound(what) => write!(f, "{what} not found"),
            StoreError::Forbidden(why) => write!(f, "not allowed: {why}"),
            StoreError::PasswordChangeRequired => {
                write!(f, "set a new password before anything else")
            }
            StoreError::Invalid { field, message } => write!(f, "{field}: {message}"),
            StoreError::StaleVersion(deal) => write!(
                f,
                "deal {} was changed by someone else (now version {}); reload it and try again",
                deal.id, deal.version
            ),
            StoreError::Duplicate(what) => write!(f, "{what} already exists"),
            StoreError::Refused(r) => write!(f, "{r}"),
            StoreError::BadCredentials => write!(f, "wrong login or password"),
            StoreError::RateLimited { retry_after_secs } => write!(
                f,
                "too many failed sign-ins: try again in {retry_after_secs} s"
            ),
            StoreError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::TransitionNotAllowed { from, to, allowed } => {
                write!(f, "the map has no move from `{from}` to `{to}`")?;
                if allowed.is_empty() {
                    write!(f, "; `{from}` has no moves out")
                } else {
                    write!(
                        f,
                        "; from `{from}` a deal may go to: {}",
                        allowed.join(", ")
                    )
                }
            }
            Refusal::ExitChecklist { missing } => {
                write!(
                    f,
                    "the exit checklist has {} unticked item(s): ",
                    missing.len()
                )?;
                let items: Vec<String> = missing
                    .iter()
                    .map(|m| format!("{} #{} \"{}\"", m.stage, m.index, m.item))
                    .collect();
                write!(
                    f,
                    "{}; tick them, or a manager may override with a reason",
                    items.join(", ")
                )
            }
            Refusal::ReasonRequired { to } => {
                write!(f, "a move to `{to}` needs a reason (why the buyer said no)")
            }
            Refusal::MapHasErrors { diagnostics } => {
                write!(
                    f,
                    "the map has errors; fix them and save again:\n{diagnostics}"
                )
            }
            Refusal::StagesInUse { stages } => {
                let list: Vec<String> = stages
                    .iter()
                    .map(|(s, n)| format!("`{s}` ({n} open deal(s))"))
                    .collect();
                write!(
                    f,
                    "the new version drops stages that open deals are in: {}; keep them or move the deals first",
                    list.join(", ")
                )
            }
            Refusal::Closed { stage } => write!(
                f,
                "the deal is closed in `{stage}`, an outcome: nothing leaves an outcome"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_down_databases_are_unavailable() {
        assert!(unavailable_code("13").unwrap().contains("full"));
        assert!(unavailable_code("53100").unwrap().contains("full"));
        assert!(unavailable_code("517").is_some(), "SQLITE_BUSY_SNAPSHOT");
        assert!(unavailable_code("57P01").is_some());
        assert!(unavailable_code("08006").is_some());
        assert_eq!(unavailable_code("23505"), None);
        assert_eq!(unavailable_code("2067"), None, "unique constraint");
    }
}
