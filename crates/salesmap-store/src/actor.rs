//! [`Actor`]: who performs an operation, and the checks of role and ownership that every
//! domain operation makes with it. A role name from outside is read by [`Role::parse`].

use crate::error::StoreError;
use crate::model::{Deal, Role, User};

impl Role {
    /// Reads a role name given by a user (`admin`, `manager`, `rep`, `viewer`, any case).
    pub fn parse(name: &str) -> Result<Role, StoreError> {
        Role::from_name(name).ok_or_else(|| {
            StoreError::invalid(
                "role",
                &format!("`{name}` is not a role: use admin, manager, rep or viewer"),
            )
        })
    }
}

/// Who performs an operation: a signed-in user, or the console (the `salesmap` command run by
/// whoever holds the database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub role: Role,
    /// Shown in the audit log: the user's login, or `console`.
    pub label: String,
}

impl Actor {
    /// The operator at the command line: an admin without a user row.
    pub fn console() -> Actor {
        Actor {
            user_id: None,
            role: Role::Admin,
            label: "console".into(),
        }
    }

    pub fn user(user: &User) -> Actor {
        Actor {
            user_id: Some(user.id),
            role: user.role,
            label: user.login.clone(),
        }
    }

    /// Refuses unless the actor's role is at least `role`.
    pub fn require(&self, role: Role, doing: &str) -> Result<(), StoreError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(StoreError::forbidden(format!(
                "{doing} needs the {} role or higher; you are {}",
                role.name(),
                self.role.name()
            )))
        }
    }

    /// Refuses unless the actor may change a deal owned by `owner`: managers and admins any
    /// deal, reps their own, viewers none.
    pub fn require_deal_rights(&self, deal: &Deal, doing: &str) -> Result<(), StoreError> {
        match self.role {
            Role::Admin | Role::Manager => Ok(()),
            Role::Rep if deal.owner_id.is_some() && deal.owner_id == self.user_id => Ok(()),
            Role::Rep => Err(StoreError::forbidden(format!(
                "{doing}: deal {} belongs to {}; a rep may change only their own deals",
                deal.id,
                deal.owner_name.as_deref().unwrap_or("no one")
            ))),
            Role::Viewer => Err(StoreError::forbidden(format!(
                "{doing}: viewers have read-only access"
            ))),
        }
    }
}
