//! `aims`: the AI management system for ISO/IEC 42001 — server, administration
//! and automation in one binary.

mod config;

use aims_app::store::Store;
use aims_app::{App, AppConfig, AppError, Principal};
use clap::{Args, Parser, Subcommand};
use config::{redact_url, FileConfig};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aims",
    version,
    about = "aims — an AI management system for ISO/IEC 42001",
    long_about = "aims runs an AI management system (ISO/IEC 42001): inventory, risks, controls, evidence, audits and a tamper-evident history.\n\n\
Configuration comes from, in order of precedence: command-line flags, AIMS_* environment variables, the TOML file given by --config (keys: listen, data_dir, database_url, log_format, secure_cookies), and defaults.\n\n\
Storage is an embedded SQLite database in --data-dir unless --database-url postgres://… is given. Administration commands work directly on that storage, also while the server runs."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Directory for the embedded SQLite database [default: ./aims-data]
    #[arg(long, env = "AIMS_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:pass@host/db); overrides --data-dir
    #[arg(long, env = "AIMS_DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// TOML configuration file
    #[arg(long, env = "AIMS_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Log format: text or json [default: text]
    #[arg(long, env = "AIMS_LOG_FORMAT", global = true)]
    log_format: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web UI and the REST API
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "AIMS_LISTEN")]
        listen: Option<String>,
        /// Mark session cookies Secure (set when users reach aims over https)
        #[arg(long, env = "AIMS_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
    },
    /// Manage users
    #[command(subcommand)]
    User(UserCmd),
    /// Manage workspaces
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Manage workspace members
    #[command(subcommand)]
    Member(MemberCmd),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenCmd),
    /// The tamper-evident history
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Browse and extend the framework catalogue (built-in frameworks work without a database)
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Load the sample organisation into the workspace `demo` (idempotent)
    Demo,
    /// Print the effective configuration, secrets redacted
    CheckConfig,
    /// Print the OpenAPI document of the REST API
    Openapi,
}

#[derive(Subcommand)]
enum UserCmd {
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
enum WorkspaceCmd {
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
enum MemberCmd {
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
enum TokenCmd {
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

#[derive(Subcommand)]
enum CatalogCmd {
    /// List frameworks and crosswalks
    List,
    /// Show one item: title, guidance, expected evidence and mappings (e.g. A.6.2.6 or iso27001:A.5.1)
    Show {
        /// Item id, optionally prefixed with the framework id and ':'
        reference: String,
    },
    /// Search every framework
    Search {
        /// Words to find
        text: Vec<String>,
        #[arg(long, default_value_t = 25)]
        limit: usize,
    },
    /// Import a framework (aims TOML or OSCAL catalog JSON) or a mapping set (aims TOML)
    Import {
        file: PathBuf,
        /// Framework id to use for an OSCAL catalog
        #[arg(long)]
        id: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain; exits 1 naming the first bad event
    Verify,
}

/// The effective settings after layering.
struct Settings {
    data_dir: PathBuf,
    database_url: Option<String>,
    log_format: String,
    file: FileConfig,
}

fn settings(g: &Global) -> Result<Settings, String> {
    let file = FileConfig::load(g.config.as_deref())?;
    let log_format = g
        .log_format
        .clone()
        .or(file.log_format.clone())
        .unwrap_or_else(|| "text".into());
    if log_format != "text" && log_format != "json" {
        return Err(format!(
            "--log-format must be text or json, not '{log_format}'"
        ));
    }
    Ok(Settings {
        data_dir: g
            .data_dir
            .clone()
            .or(file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("aims-data")),
        database_url: g
            .database_url
            .clone()
            .or(file.database_url.clone())
            .filter(|u| !u.is_empty()),
        log_format,
        file,
    })
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AIMS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

async fn open_store(s: &Settings) -> Result<Store, String> {
    let store = match &s.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Store::open_postgres(url)
                .await
                .map_err(|e| format!("cannot connect to {}: {e}", redact_url(url)))?
        }
        Some(url) => {
            return Err(format!(
                "--database-url must start with postgres:// (got {})",
                redact_url(url)
            ))
        }
        None => Store::open_sqlite(&s.data_dir)
            .await
            .map_err(|e| format!("cannot open the database in {}: {e}", s.data_dir.display()))?,
    };
    store.migrate().await.map_err(|e| e.to_string())?;
    Ok(store)
}

fn app_error(e: AppError) -> String {
    match e {
        AppError::Validation(fields) => fields
            .iter()
            .map(|(f, msgs)| format!("--{f} {}", msgs.join("; ")))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let s = settings(&cli.global)?;
    match cli.command {
        Command::Openapi => {
            println!("{}", aims_web::openapi_json());
            return Ok(ExitCode::SUCCESS);
        }
        Command::CheckConfig => {
            println!("data_dir = {:?}", s.data_dir.display().to_string());
            println!(
                "database_url = {:?}",
                s.database_url
                    .as_deref()
                    .map(redact_url)
                    .unwrap_or_default()
            );
            println!("log_format = {:?}", s.log_format);
            println!(
                "backend = {:?}",
                if s.database_url.is_some() {
                    "postgres"
                } else {
                    "sqlite"
                }
            );
            return Ok(ExitCode::SUCCESS);
        }
        Command::Serve {
            listen,
            secure_cookies,
        } => {
            init_logging(&s.log_format);
            let listen = listen
                .or(s.file.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let secure_cookies = secure_cookies.or(s.file.secure_cookies).unwrap_or(false);
            return serve(&s, &listen, secure_cookies)
                .await
                .map(|_| ExitCode::SUCCESS);
        }
        Command::Catalog(cmd) if !matches!(cmd, CatalogCmd::Import { .. }) => {
            // Built-in frameworks need no database; imported ones are included
            // when a data dir or database was named explicitly.
            let explicit = cli.global.data_dir.is_some()
                || s.database_url.is_some()
                || s.file.data_dir.is_some();
            let catalog = if explicit {
                let store = open_store(&s).await?;
                let c = App::new(store.clone(), AppConfig::default())
                    .catalog()
                    .await
                    .map_err(app_error);
                store.close().await;
                c?
            } else {
                aims_app::builtin_catalog().map_err(app_error)?
            };
            return catalog_cmd(&catalog, cmd);
        }
        _ => {}
    }
    let store = open_store(&s).await?;
    let app = App::new(store.clone(), AppConfig::default());
    let op = Principal::operator();
    let result = admin(&app, &op, cli.command).await;
    store.close().await;
    result
}

async fn admin(app: &App, op: &Principal, command: Command) -> Result<ExitCode, String> {
    match command {
        Command::User(UserCmd::Add {
            email,
            name,
            admin,
            password_stdin: _,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']);
            let user = app
                .add_user(op, &email, &name, password, admin, false)
                .await
                .map_err(app_error)?;
            println!(
                "added user {} ({}){}",
                user.email,
                user.id,
                if admin { " as administrator" } else { "" }
            );
        }
        Command::User(UserCmd::List) => {
            for u in app.users(op).await.map_err(app_error)? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.name,
                    if u.is_admin { "admin" } else { "" }
                );
            }
        }
        Command::Workspace(WorkspaceCmd::Create { name, slug }) => {
            let w = app
                .create_workspace(op, &name, &slug)
                .await
                .map_err(app_error)?;
            println!("created workspace {} ({})", w.slug, w.name);
        }
        Command::Workspace(WorkspaceCmd::List) => {
            for (w, _) in app.workspaces(op).await.map_err(app_error)? {
                println!("{}\t{}", w.slug, w.name);
            }
        }
        Command::Member(MemberCmd::Add {
            workspace,
            email,
            role,
        }) => {
            let m = app
                .set_member(op, &workspace, &email, &role)
                .await
                .map_err(app_error)?;
            println!("{} is now {} in {}", m.email, m.role, workspace);
        }
        Command::Member(MemberCmd::Remove { workspace, email }) => {
            let wanted = email.trim().to_lowercase();
            let members = app.members(op, &workspace).await.map_err(app_error)?;
            let Some(m) = members.iter().find(|m| m.email == wanted) else {
                return Err(format!("{email} is not a member of {workspace}"));
            };
            app.remove_member(op, &workspace, &m.user_id)
                .await
                .map_err(app_error)?;
            println!("{} no longer has access to {workspace}", m.email);
        }
        Command::Member(MemberCmd::List { workspace }) => {
            for m in app.members(op, &workspace).await.map_err(app_error)? {
                println!("{}\t{}\t{}", m.email, m.role, m.name);
            }
        }
        Command::Token(TokenCmd::Create {
            workspace,
            role,
            name,
        }) => {
            let t = app
                .create_token(op, &workspace, &name, &role)
                .await
                .map_err(app_error)?;
            println!(
                "created API token '{}' ({}) with role {} in workspace {}",
                t.row.name, t.row.id, t.row.role, workspace
            );
            println!("store it now; it will not be shown again:");
            println!("{}", t.secret);
        }
        Command::Token(TokenCmd::List { workspace }) => {
            println!("id\tname\trole\tprefix\tcreated_at\tlast_used_at\tstatus");
            for t in app.tokens(op, &workspace).await.map_err(app_error)? {
                println!(
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
        Command::Token(TokenCmd::Revoke { workspace, id }) => {
            app.revoke_token(op, &workspace, &id)
                .await
                .map_err(app_error)?;
            println!("revoked API token {id}");
        }
        Command::Audit(AuditCmd::Verify) => {
            let report = app.verify_history().await.map_err(app_error)?;
            return Ok(match report.error {
                None => {
                    println!(
                        "history intact: {} events, head {}",
                        report.events, report.head_hash
                    );
                    ExitCode::SUCCESS
                }
                Some(err) => {
                    println!("HISTORY TAMPERED: {err}");
                    println!("{} events before it verified", report.events);
                    ExitCode::from(1)
                }
            });
        }
        Command::Catalog(CatalogCmd::Import { file, id }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let r = app
                .import_catalog(op, &text, id.as_deref())
                .await
                .map_err(|e| match e {
                    AppError::Validation(fields) => format!(
                        "{} was not imported (nothing was saved):\n{}",
                        file.display(),
                        fields
                            .iter()
                            .flat_map(|(_, m)| m.iter().cloned())
                            .collect::<Vec<_>>()
                            .join("\n")
                    ),
                    other => other.to_string(),
                })?;
            println!(
                "imported {} '{}' ({}) as version {} with {} {}",
                r.kind.replace('_', " "),
                r.name,
                r.id,
                r.version,
                r.entries,
                if r.kind == "framework" {
                    "items"
                } else {
                    "pairs"
                }
            );
        }
        Command::Demo => {
            let r = app.load_demo(op).await.map_err(app_error)?;
            println!(
                "demo workspace '{}' ready: {} AI systems added, {} administrators added as managers{}",
                aims_app::DEMO_SLUG,
                r.systems_added,
                r.managers_added,
                if r.workspace_created { " (workspace created)" } else { "" }
            );
        }
        Command::Serve { .. } | Command::CheckConfig | Command::Openapi | Command::Catalog(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(s: &Settings, listen: &str, secure_cookies: bool) -> Result<(), String> {
    let store = open_store(s).await?;
    let state = aims_web::AppState {
        app: App::new(store.clone(), AppConfig::default()),
        config: aims_web::WebConfig { secure_cookies },
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        address = %addr,
        backend = if s.database_url.is_some() { "postgres" } else { "sqlite" },
        "aims is listening on http://{addr}"
    );
    aims_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    tracing::info!("aims stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; the server then finishes in-flight requests.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn catalog_cmd(c: &aims_app::catalogue::Catalog, cmd: CatalogCmd) -> Result<ExitCode, String> {
    match cmd {
        CatalogCmd::List => {
            println!("FRAMEWORKS");
            for f in c.frameworks() {
                let origin = if f.builtin { "built-in" } else { "imported" };
                println!(
                    "  {:<20} {:<24} {:>4} items  {} ({origin})",
                    f.id,
                    f.name,
                    f.items.len(),
                    f.kind
                );
            }
            println!("CROSSWALKS");
            for m in c.mapping_sets() {
                println!(
                    "  {:<32} {} -> {}  {} pairs",
                    m.id,
                    m.source,
                    m.target,
                    m.pairs.len()
                );
            }
        }
        CatalogCmd::Show { reference } => {
            let found = c.resolve(&reference);
            let Some((f, item)) = found.first() else {
                return Err(format!(
                    "no catalogue item '{reference}'; try 'aims catalog search {reference}', or name the framework as in iso42001:A.6.2.6"
                ));
            };
            println!("{} {} — {}", item.id, item.title, f.name);
            let mut facts = vec![item.kind.clone()];
            if let Some(p) = &item.parent {
                facts.push(format!("part of {p}"));
            }
            if !item.applies_to.is_empty() {
                facts.push(format!("applies to {}", item.applies_to));
            }
            if !item.applies_from.is_empty() {
                facts.push(format!("applies from {}", item.applies_from));
            }
            println!("{}", facts.join(" · "));
            if !item.summary.is_empty() {
                println!("\nIn short\n  {}", item.summary);
            }
            if !item.asks.is_empty() {
                println!("\nWhat it asks (our guidance)\n  {}", item.asks);
            }
            if !item.evidence.is_empty() {
                println!("\nEvidence auditors expect");
                for e in &item.evidence {
                    println!("  - {e}");
                }
            }
            if !item.aims_records.is_empty() {
                println!(
                    "\nRecords in aims that satisfy it\n  {}",
                    item.aims_records.join(", ")
                );
            }
            let maps = c.mappings_of(&f.id, &item.id);
            let mut frameworks: Vec<&str> =
                maps.iter().map(|m| m.framework.name.as_str()).collect();
            frameworks.dedup();
            let mut shown = std::collections::BTreeSet::new();
            for name in frameworks {
                if !shown.insert(name) {
                    continue;
                }
                println!("\nMaps to {name}");
                for m in maps.iter().filter(|m| m.framework.name == name) {
                    let strength = m.strength.map(|s| format!(", {s}")).unwrap_or_default();
                    println!(
                        "  {} {} ({}{strength})",
                        m.item.id, m.item.title, m.relationship
                    );
                }
            }
            for (other, _) in found.iter().skip(1) {
                println!("\n(also in {}: use {}:{})", other.name, other.id, item.id);
            }
        }
        CatalogCmd::Search { text, limit } => {
            let q = text.join(" ");
            let hits = c.search(&q, limit);
            if hits.is_empty() {
                println!("nothing matches '{q}'");
                return Ok(ExitCode::from(1));
            }
            for h in hits {
                println!("{:<14} {:<16} {}", h.framework.id, h.item.id, h.item.title);
            }
        }
        CatalogCmd::Import { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
