//! `aims user|workspace|member|token`: instance and workspace administration
//! from the command line, working on the database directly.

use crate::app_error;
use aims_app::{App, Principal};
use clap::Subcommand;
use std::io::Read;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user; the password is read from standard input
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the user an instance administrator
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (required; never pass it as an argument)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users
    List,
}

#[derive(Subcommand)]
pub enum WorkspaceCmd {
    /// Create a workspace
    Create {
        #[arg(long)]
        name: String,
        /// Short name used in URLs: a-z, 0-9 and '-'
        #[arg(long)]
        slug: String,
    },
    /// List workspaces
    List,
}

#[derive(Subcommand)]
pub enum MemberCmd {
    /// Add a user to a workspace, or change their role
    Add {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        email: String,
        /// manager, contributor or auditor
        #[arg(long)]
        role: String,
    },
    /// Take a user's access to a workspace away
    Remove {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        email: String,
    },
    /// List a workspace's members
    List {
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand)]
pub enum TokenCmd {
    /// Create an API token; it is printed once, alone on the last line
    Create {
        #[arg(long)]
        workspace: String,
        /// manager, contributor or auditor
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
    },
    /// List a workspace's API tokens
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Revoke an API token by id
    Revoke {
        #[arg(long)]
        workspace: String,
        id: String,
    },
}

pub async fn user(app: &App, op: &Principal, cmd: UserCmd) -> Result<ExitCode, String> {
    match cmd {
        UserCmd::Add {
            email,
            name,
            admin,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']);
            let user = app
                .add_user(op, &email, &name, password, admin, false)
                .await
                .map_err(app_error)?;
            outln!(
                "added user {} ({}){}",
                user.email,
                user.id,
                if admin { " as administrator" } else { "" }
            );
        }
        UserCmd::List => {
            for u in app.users(op).await.map_err(app_error)? {
                outln!(
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.name,
                    if u.is_admin { "admin" } else { "" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn workspace(app: &App, op: &Principal, cmd: WorkspaceCmd) -> Result<ExitCode, String> {
    match cmd {
        WorkspaceCmd::Create { name, slug } => {
            let w = app
                .create_workspace(op, &name, &slug)
                .await
                .map_err(app_error)?;
            outln!("created workspace {} ({})", w.slug, w.name);
        }
        WorkspaceCmd::List => {
            for (w, _) in app.workspaces(op).await.map_err(app_error)? {
                outln!("{}\t{}", w.slug, w.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn member(app: &App, op: &Principal, cmd: MemberCmd) -> Result<ExitCode, String> {
    match cmd {
        MemberCmd::Add {
            workspace,
            email,
            role,
        } => {
            let m = app
                .set_member(
                    &app.enter(op, &workspace).await.map_err(app_error)?,
                    &email,
                    &role,
                )
                .await
                .map_err(app_error)?;
            outln!("{} is now {} in {}", m.email, m.role, workspace);
        }
        MemberCmd::Remove { workspace, email } => {
            let wanted = email.trim().to_lowercase();
            let members = app
                .members(&app.enter(op, &workspace).await.map_err(app_error)?)
                .await
                .map_err(app_error)?;
            let Some(m) = members.iter().find(|m| m.email == wanted) else {
                return Err(format!("{email} is not a member of {workspace}"));
            };
            app.remove_member(
                &app.enter(op, &workspace).await.map_err(app_error)?,
                &m.user_id,
            )
            .await
            .map_err(app_error)?;
            outln!("{} no longer has access to {workspace}", m.email);
        }
        MemberCmd::List { workspace } => {
            for m in app
                .members(&app.enter(op, &workspace).await.map_err(app_error)?)
                .await
                .map_err(app_error)?
            {
                outln!("{}\t{}\t{}", m.email, m.role, m.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn token(app: &App, op: &Principal, cmd: TokenCmd) -> Result<ExitCode, String> {
    match cmd {
        TokenCmd::Create {
            workspace,
            role,
            name,
        } => {
            let t = app
                .create_token(
                    &app.enter(op, &workspace).await.map_err(app_error)?,
                    &name,
                    &role,
                )
                .await
                .map_err(app_error)?;
            outln!(
                "created API token '{}' ({}) with role {} in workspace {}",
                t.row.name,
                t.row.id,
                t.row.role,
                workspace
            );
            outln!("store it now; it will not be shown again:");
            outln!("{}", t.secret);
        }
        TokenCmd::List { workspace } => {
            outln!("id\tname\trole\tprefix\tcreated_at\tlast_used_at\tstatus");
            for t in app
                .tokens(&app.enter(op, &workspace).await.map_err(app_error)?)
                .await
                .map_err(app_error)?
            {
                outln!(
                    "{}\t{}\t{}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.name,
                    t.role,
                    t.prefix,
                    t.created_at,
                    t.last_used_at.as_deref().unwrap_or("never"),
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
        }
        TokenCmd::Revoke { workspace, id } => {
            app.revoke_token(&app.enter(op, &workspace).await.map_err(app_error)?, &id)
                .await
                .map_err(app_error)?;
            outln!("revoked API token {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
