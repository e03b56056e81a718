//! Users and roles: adding accounts, listing them, changing roles, disabling, resetting and
//! changing passwords. Only admins manage users; everyone signed in may list them (to show
//! owners). New and reset accounts get a one-time password and must choose their own at first
//! sign-in. The last active admin cannot be demoted or disabled.

use serde_json::json;
use sqlx::Row;

use crate::actor::Actor;
use crate::db::{Store, now};
use crate::error::StoreError;
use crate::journal::audit;
use crate::model::{Role, User};
use crate::secret::{check_new_password, hash_password, one_time_password, verify_password};

/// A user to add.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// `None`: a one-time password is generated and returned.
    pub password: Option<String>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// A login: 1 to 64 characters of `a-z 0-9 . _ @ -`, stored in lowercase.
pub fn normalize_login(login: &str) -> Result<String, StoreError> {
    let login = login.trim().to_lowercase();
    let ok = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'));
    if ok {
        Ok(login)
    } else {
        Err(StoreError::invalid(
            "login",
            "a login has 1 to 64 characters: letters a-z, digits, `.`, `_`, `@`, `-`",
        ))
    }
}

/// Checks a free text field: trimmed, not empty when required, at most `max` characters.
pub(crate) fn check_text(field: &str, value: &str, max: usize) -> Result<String, StoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(StoreError::invalid(
            field,
            &format!("may have at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(StoreError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_string())
}

impl Store {
    /// Adds a user (admins only). Returns the user and, when no password was given, the
    /// one-time password to hand over (shown once, never stored in clear).
    pub async fn add_user(
        &self,
        actor: &Actor,
        new: NewUser,
    ) -> Result<(User, Option<String>), StoreError> {
        actor.require(Role::Admin, "adding a user")?;
        let login = normalize_login(&new.login)?;
        let display_name = check_text("display_name", &new.display_name, 200)?;
        let (password, one_time) = match new.password {
            Some(p) => {
                check_new_password(&p)?;
                (p, None)
            }
            None => {
                let p = one_time_password()?;
                (p.clone(), Some(p))
            }
        };
        let hash = hash_password(&password)?;
        let mut w = self.write().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE login = $1")
            .bind(&login)
            .fetch_optional(&mut *w.tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Duplicate(format!(
                "a user with login `{login}`"
            )));
        }
        let t = now();
        let row = sqlx::query(
            "INSERT INTO users (login, display_name, role, password_hash, must_change_password, \
             disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(&login)
        .bind(&display_name)
        .bind(new.role.name())
        .bind(&hash)
        .bind(i64::from(one_time.is_some()))
        .bind(0i64)
        .bind(t)
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        audit(
            &mut w.tx,
            actor,
            "user.added",
            None,
            None,
            json!({"user_id": id, "login": login, "role": new.role.name()}),
        )
        .await?;
        w.commit().await?;
        Ok((self.user_by_id(id).await?, one_time))
    }

    /// Every user, by login.
    pub async fn list_users(&self, _actor: &Actor) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM users ORDER BY login",
            User::COLUMNS
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(User::from_row)
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    pub async fn user(&self, _actor: &Actor, id: i64) -> Result<User, StoreError> {
        self.user_by_id(id).await
    }

    pub(crate) async fn user_by_id(&self, id: i64) -> Result<User, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM users WHERE id = $1",
            User::COLUMNS
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user {id}")))?;
        Ok(User::from_row(&row)?)
    }

    /// The user with this login (for the command line).
    pub async fn user_by_login(&self, login: &str) -> Result<User, StoreError> {
        let login = normalize_login(login)?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM users WHERE login = $1",
            User::COLUMNS
        ))
        .bind(&login)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user `{login}`")))?;
        Ok(User::from_row(&row)?)
    }

    /// Changes a user's display name, role or disabled flag (admins only).
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: i64,
        patch: UserPatch,
    ) -> Result<User, StoreError> {
        actor.require(Role::Admin, "changing a user")?;
        let display_name = patch
            .display_name
            .as_deref()
            .map(|n| check_text("display_name", n, 200))
            .transpose()?;
        let mut w = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT {} FROM users WHERE id = $1",
            User::COLUMNS
        ))
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user {id}")))?;
        let before = User::from_row(&row)?;
        let role = patch.role.unwrap_or(before.role);
        let disabled = patch.disabled.unwrap_or(before.disabled);
        let stays_admin = role == Role::Admin && !disabled;
        if before.role == Role::Admin && !before.disabled && !stays_admin {
            let admins: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = $1",
            )
            .bind(0i64)
            .fetch_one(&mut *w.tx)
            .await?
            .try_get("n")?;
            if admins <= 1 {
                return Err(StoreError::invalid(
                    "role",
                    "this is the last active admin: make another user admin first",
                ));
            }
        }
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, disabled = $3, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(display_name.as_deref().unwrap_or(&before.display_name))
        .bind(role.name())
        .bind(i64::from(disabled))
        .bind(now())
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if disabled {
            // A disabled user is signed out everywhere.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
        }
        audit(
            &mut w.tx,
            actor,
            "user.changed",
            None,
            None,
            json!({
                "user_id": id,
                "login": before.login,
                "role": [before.role.name(), role.name()],
                "disabled": [before.disabled, disabled],
                "display_name": [before.display_name, display_name.as_deref().unwrap_or(&before.display_name)],
            }),
        )
        .await?;
        w.commit().await?;
        self.user_by_id(id).await
    }

    /// Sets a new one-time password (admins only) and signs the user out everywhere; returns
    /// the password to hand over.
    pub async fn reset_password(&self, actor: &Actor, id: i64) -> Result<String, StoreError> {
        actor.require(Role::Admin, "resetting a password")?;
        let password = one_time_password()?;
        let hash = hash_password(&password)?;
        let mut w = self.write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(&hash)
        .bind(1i64)
        .bind(now())
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(format!("user {id}")));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        audit(
            &mut w.tx,
            actor,
            "user.password_reset",
            None,
            None,
            json!({"user_id": id}),
        )
        .await?;
        w.commit().await?;
        Ok(password)
    }

    /// A user changes their own password, proving the current one. Other sessions of the user
    /// are signed out; `keep_session` (the token digest of the session making the change)
    /// stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let id = actor
            .user_id
            .ok_or_else(|| StoreError::invalid("user", "the console has no password"))?;
        check_new_password(new)?;
        if current == new {
            return Err(StoreError::invalid(
                "password",
                "the new password must differ from the current one",
            ));
        }
        let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("user {id}")))?
            .try_get("password_hash")?;
        if !verify_password(current, &stored) {
            return Err(StoreError::invalid(
                "current_password",
                "the current password is wrong",
            ));
        }
        let hash = hash_password(new)?;
        let mut w = self.write().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(&hash)
        .bind(0i64)
        .bind(now())
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *w.tx)
            .await?;
        audit(
            &mut w.tx,
            actor,
            "auth.password_changed",
            None,
            None,
            json!({"user_id": id}),
        )
        .await?;
        w.commit().await
    }

    /// Whether the database has no users yet (a first start).
    pub async fn has_users(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n > 0)
    }
}
