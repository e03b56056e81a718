//! Signing in and staying signed in: password sign-in with a rate limit kept in the database
//! (so it holds across app servers), sessions stored in the database by the SHA-256 of their
//! token, and per-user API tokens stored the same way. Every sign-in, failed sign-in,
//! refusal, sign-out and token change is audited.
//!
//! Rate limit: after [`MAX_FAILURES_PER_LOGIN`] failed sign-ins for one login, or
//! [`MAX_FAILURES_PER_REMOTE`] from one address, within [`FAILURE_WINDOW`], sign-ins are
//! refused (even with the right password) until the oldest of those failures leaves the window.

use serde_json::json;
use sqlx::Row;

use crate::actor::Actor;
use crate::db::{Store, now};
use crate::error::StoreError;
use crate::journal::audit;
use crate::model::{ApiToken, Role, User};
use crate::secret::{digest, new_token, verify_password};
use crate::users::{check_text, normalize_login};

/// Failed sign-ins allowed per login within the window.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failed sign-ins allowed per remote address within the window.
pub const MAX_FAILURES_PER_REMOTE: i64 = 30;
/// The window of the rate limit, in microseconds (15 minutes).
pub const FAILURE_WINDOW: i64 = 15 * 60 * 1_000_000;
/// A session ends this long after sign-in (7 days), like its cookie (`Max-Age`).
pub const SESSION_LIFETIME: i64 = 7 * 86_400 * 1_000_000;
/// A session's (or token's) last use is recorded at most this often (a write per hour, not per
/// request).
const SESSION_REFRESH: i64 = 3_600 * 1_000_000;

/// A new session: the secret token for the cookie (shown once) and the user.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub token: String,
    pub user: User,
}

/// A request's credentials, checked.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub user: User,
    pub actor: Actor,
    /// The digest of the session token (absent for API tokens).
    pub session: Option<String>,
}

async fn verify_off_thread(password: String, phc: String) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| StoreError::Internal(format!("password check: {e}")))
}

impl Store {
    /// Signs in with a login and password from `remote` (the client address, for the rate
    /// limit). Wrong login and wrong password give the same error.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        remote: &str,
    ) -> Result<SignedIn, StoreError> {
        let login = normalize_login(login).unwrap_or_else(|_| login.trim().to_lowercase());
        let login: String = login.chars().take(64).collect();
        let t = now();
        let since = t - FAILURE_WINDOW;
        let by_login = self.failures("login", &login, since).await?;
        let by_remote = self.failures("remote", remote, since).await?;
        let blocked = [
            (by_login, MAX_FAILURES_PER_LOGIN),
            (by_remote, MAX_FAILURES_PER_REMOTE),
        ]
        .into_iter()
        .filter(|(times, max)| times.len() as i64 >= *max)
        .map(|(times, max)| times[(max - 1) as usize] + FAILURE_WINDOW - t)
        .max();
        if let Some(wait) = blocked {
            let mut w = self.write().await?;
            audit(
                &mut w.tx,
                &anonymous(&login),
                "auth.rate_limited",
                None,
                None,
                json!({"login": login, "remote": remote}),
            )
            .await?;
            w.commit().await?;
            return Err(StoreError::RateLimited {
                retry_after_secs: (wait / 1_000_000).max(1) as u64,
            });
        }
        let row = sqlx::query(&format!(
            "SELECT {}, password_hash FROM users WHERE login = $1",
            User::COLUMNS
        ))
        .bind(&login)
        .fetch_optional(&self.pool)
        .await?;
        let user = match row {
            Some(row) => {
                let phc: String = row.try_get("password_hash")?;
                let user = User::from_row(&row)?;
                let ok = verify_off_thread(password.to_string(), phc).await?;
                (ok && !user.disabled).then_some(user)
            }
            None => {
                // Spend the same time as a real check, so timing does not reveal logins.
                verify_off_thread(password.to_string(), dummy_hash()?).await?;
                None
            }
        };
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO login_attempts (login, remote, at, succeeded) VALUES ($1, $2, $3, $4)",
        )
        .bind(&login)
        .bind(remote)
        .bind(t)
        .bind(i64::from(user.is_some()))
        .execute(&mut *w.tx)
        .await?;
        let Some(user) = user else {
            audit(
                &mut w.tx,
                &anonymous(&login),
                "auth.sign_in_failed",
                None,
                None,
                json!({"login": login, "remote": remote}),
            )
            .await?;
            w.commit().await?;
            return Err(StoreError::BadCredentials);
        };
        let token = new_token("sms_")?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(digest(&token))
        .bind(user.id)
        .bind(t)
        .bind(t + SESSION_LIFETIME)
        .execute(&mut *w.tx)
        .await?;
        audit(
            &mut w.tx,
            &Actor::user(&user),
            "auth.signed_in",
            None,
            None,
            json!({"remote": remote}),
        )
        .await?;
        w.commit().await?;
        Ok(SignedIn { token, user })
    }

    /// Times of recent failed sign-ins for a login or a remote address, newest first.
    async fn failures(
        &self,
        column: &str,
        value: &str,
        since: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let column = if column == "login" { "login" } else { "remote" };
        let rows = sqlx::query(&format!(
            "SELECT at FROM login_attempts WHERE {column} = $1 AND at > $2 AND succeeded = $3 \
             ORDER BY at DESC LIMIT 100"
        ))
        .bind(value)
        .bind(since)
        .bind(0i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>("at").map_err(StoreError::from))
            .collect()
    }

    /// The user behind a session token, if the session exists, has not expired and the user is
    /// not disabled.
    pub async fn authenticate_session(
        &self,
        token: &str,
    ) -> Result<Option<Authenticated>, StoreError> {
        let hash = digest(token);
        let row = sqlx::query(&format!(
            "SELECT {}, s.expires_at, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1",
            User::COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = User::from_row(&row)?;
        let expires: i64 = row.try_get("expires_at")?;
        let last_seen: i64 = row.try_get("last_seen_at")?;
        let t = now();
        if expires <= t || user.disabled {
            return Ok(None);
        }
        if t - last_seen > SESSION_REFRESH {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(t)
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(Authenticated {
            actor: Actor::user(&user),
            user,
            session: Some(hash),
        }))
    }

    /// Ends a session.
    pub async fn sign_out(&self, actor: &Actor, token_hash: &str) -> Result<(), StoreError> {
        let mut w = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *w.tx)
            .await?;
        audit(&mut w.tx, actor, "auth.signed_out", None, None, json!({})).await?;
        w.commit().await
    }

    /// Creates an API token for the actor; returns its record and the secret (shown once).
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<(ApiToken, String), StoreError> {
        let user_id = actor.user_id.ok_or_else(|| {
            StoreError::invalid("user", "API tokens belong to users; the console has none")
        })?;
        let name = check_text("name", name, 100)?;
        let secret = new_token("smt_")?;
        let mut w = self.write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(user_id)
        .bind(&name)
        .bind(digest(&secret))
        .bind(now())
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("id")?;
        audit(
            &mut w.tx,
            actor,
            "auth.token_created",
            None,
            None,
            json!({"token_id": id, "name": name}),
        )
        .await?;
        w.commit().await?;
        Ok((self.api_token(id).await?, secret))
    }

    async fn api_token(&self, id: i64) -> Result<ApiToken, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM api_tokens WHERE id = $1",
            ApiToken::COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("API token {id}")))?;
        Ok(ApiToken::from_row(&row)?)
    }

    /// The actor's own API tokens (admins: everyone's), newest first.
    pub async fn list_api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, StoreError> {
        let rows = if actor.role == Role::Admin {
            sqlx::query(&format!(
                "SELECT {} FROM api_tokens ORDER BY id DESC",
                ApiToken::COLUMNS
            ))
            .fetch_all(&self.pool)
            .await?
        } else {
            sqlx::query(&format!(
                "SELECT {} FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
                ApiToken::COLUMNS
            ))
            .bind(actor.user_id.unwrap_or(-1))
            .fetch_all(&self.pool)
            .await?
        };
        rows.iter()
            .map(ApiToken::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// Revokes a token: the owner may revoke their own, an admin anyone's.
    pub async fn revoke_api_token(&self, actor: &Actor, id: i64) -> Result<ApiToken, StoreError> {
        let token = self.api_token(id).await?;
        if actor.role != Role::Admin && Some(token.user_id) != actor.user_id {
            return Err(StoreError::not_found(format!("API token {id}")));
        }
        let mut w = self.write().await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        audit(
            &mut w.tx,
            actor,
            "auth.token_revoked",
            None,
            None,
            json!({"token_id": id, "user_id": token.user_id}),
        )
        .await?;
        w.commit().await?;
        self.api_token(id).await
    }

    /// The user behind an API token, if it exists, is not revoked and the user is active.
    pub async fn authenticate_token(
        &self,
        secret: &str,
    ) -> Result<Option<Authenticated>, StoreError> {
        let hash = digest(secret);
        let row = sqlx::query(&format!(
            "SELECT {}, t.id AS token_id, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            User::COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = User::from_row(&row)?;
        if user.disabled {
            return Ok(None);
        }
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        let t = now();
        if last_used.is_none_or(|l| t - l > SESSION_REFRESH) {
            let id: i64 = row.try_get("token_id")?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(t)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(Authenticated {
            actor: Actor::user(&user),
            user,
            session: None,
        }))
    }
}

/// A password hash no password matches quickly, computed once per process.
fn dummy_hash() -> Result<String, StoreError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h.clone());
    }
    let h = crate::secret::hash_password(&crate::secret::random_hex(16)?)?;
    Ok(DUMMY.get_or_init(|| h).clone())
}

/// The actor of a sign-in attempt before anyone is signed in.
fn anonymous(login: &str) -> Actor {
    Actor {
        user_id: None,
        role: Role::Viewer,
        label: login.to_string(),
    }
}
