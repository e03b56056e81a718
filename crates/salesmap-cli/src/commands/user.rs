//! `salesmap user …`: what an admin with shell access to the server needs, working directly
//! on the database as the console: add a user (printing the one-time password), list users,
//! set a role, reset a password, disable or enable an account. Each change is audited with the
//! actor `console`.

use clap::Subcommand;
use salesmap_store::{Actor, NewUser, Role, UserPatch};

use super::serve::{DEFAULT_DB, open_store, runtime};

#[derive(clap::Args)]
pub struct Args {
    /// The database (as for `serve`).
    #[arg(long, global = true, default_value = DEFAULT_DB)]
    db: String,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Add a user; prints a one-time password to hand over.
    Add {
        login: String,
        /// The name shown to others (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// admin, manager, rep or viewer.
        #[arg(long, default_value = "rep")]
        role: String,
    },
    /// List users.
    List,
    /// Change a user's role.
    SetRole { login: String, role: String },
    /// Give a user a new one-time password (and sign them out everywhere).
    ResetPassword { login: String },
    /// Disable an account (signs it out everywhere).
    Disable { login: String },
    /// Enable a disabled account.
    Enable { login: String },
}

pub fn run(args: Args) -> u8 {
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let store = match open_store(&args.db, 2).await {
            Ok(s) => s,
            Err(code) => return code,
        };
        let console = Actor::console();
        let result = match args.action {
            Action::Add { login, name, role } => match Role::parse(&role) {
                Err(e) => Err(e),
                Ok(role) => store
                    .add_user(
                        &console,
                        NewUser {
                            display_name: name.unwrap_or_else(|| login.clone()),
                            login,
                            role,
                            password: None,
                        },
                    )
                    .await
                    .map(|(user, password)| {
                        println!(
                            "added `{}` ({}) with the one-time password {}",
                            user.login,
                            user.role.name(),
                            password.unwrap_or_default()
                        );
                    }),
            },
            Action::List => store.list_users(&console).await.map(|users| {
                for u in users {
                    println!(
                        "{:<24} {:<8} {}{}",
                        u.login,
                        u.role.name(),
                        u.display_name,
                        if u.disabled { " (disabled)" } else { "" }
                    );
                }
            }),
            Action::SetRole { login, role } => match Role::parse(&role) {
                Err(e) => Err(e),
                Ok(role) => {
                    change(
                        &store,
                        &login,
                        UserPatch {
                            role: Some(role),
                            ..UserPatch::default()
                        },
                    )
                    .await
                }
            },
            Action::ResetPassword { login } => match store.user_by_login(&login).await {
                Err(e) => Err(e),
                Ok(user) => store.reset_password(&console, user.id).await.map(|p| {
                    println!("`{}` has the one-time password {p}", user.login);
                }),
            },
            Action::Disable { login } => {
                change(
                    &store,
                    &login,
                    UserPatch {
                        disabled: Some(true),
                        ..UserPatch::default()
                    },
                )
                .await
            }
            Action::Enable { login } => {
                change(
                    &store,
                    &login,
                    UserPatch {
                        disabled: Some(false),
                        ..UserPatch::default()
                    },
                )
                .await
            }
        };
        store.close().await;
        match result {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                match e {
                    salesmap_store::StoreError::Unavailable(_)
                    | salesmap_store::StoreError::Internal(_) => 2,
                    _ => 1,
                }
            }
        }
    })
}

async fn change(
    store: &salesmap_store::Store,
    login: &str,
    patch: UserPatch,
) -> Result<(), salesmap_store::StoreError> {
    let user = store.user_by_login(login).await?;
    let user = store.update_user(&Actor::console(), user.id, patch).await?;
    println!(
        "`{}` is {}{}",
        user.login,
        user.role.name(),
        if user.disabled { ", disabled" } else { "" }
    );
    Ok(())
}
