//! `aims`: the AI management system for ISO/IEC 42001 — server, administration
//! and automation in one binary.

mod config;

/// `println!` that ends the program quietly (exit 0) when the reader has gone
/// away (`aims catalog list | head`), instead of panicking on the closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(1);
        }
    }};
}

mod accounts;
mod catalog_cli;
mod check_cli;
mod discover;
mod evidence;
mod impact;
mod import;
mod metrics;
mod monitor;
mod monitor_push;
mod pack;
mod progress;
mod readiness;
mod records;
mod remote;
mod report;
mod risks;
mod serve;
mod soa;
mod systems;
mod webhooks;

/// Plugs the PDF typesetter into `app` (when built with the `pdf` feature).
pub fn with_typesetter(app: App) -> App {
    #[cfg(feature = "pdf")]
    let app = app.with_typesetter(std::sync::Arc::new(aims_pdf::Typst));
    app
}

use aims_app::store::Store;
use aims_app::{App, AppConfig, AppError, Principal};
use catalog_cli::CatalogCmd;
use clap::{Args, Parser, Subcommand};
use config::{redact_url, FileConfig};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aims",
    version,
    about = "aims — an AI management system for ISO/IEC 42001",
    long_about = "aims runs an AI management system (ISO/IEC 42001): inventory, risks, controls, evidence, audits and a tamper-evident history.\n\n\
Configuration comes from, in order of precedence: command-line flags, AIMS_* environment variables, the TOML file given by --config (keys: listen, data_dir, database_url, log_format, secure_cookies, trust_proxy, max_connections, header_timeout_secs, idle_timeout_secs, webhook_allow_private, smtp_url, mail_from, digest_at, digest, public_url), and defaults.\n\n\
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
    /// File holding the key that seals the history (created with owner-only
    /// permissions if missing); every replica needs the same one
    /// [default: <data-dir>/history.key]
    #[arg(long, env = "AIMS_HISTORY_KEY_FILE", global = true)]
    history_key_file: Option<PathBuf>,
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
        /// Take client addresses (for sign-in throttling) from X-Forwarded-For:
        /// only behind a reverse proxy that sets it
        #[arg(long, env = "AIMS_TRUST_PROXY")]
        trust_proxy: Option<bool>,
        /// Connections served at once; more are closed at once [default: 512]
        #[arg(long, env = "AIMS_MAX_CONNECTIONS")]
        max_connections: Option<usize>,
        /// Seconds a client has to send a request's headers [default: 10]
        #[arg(long, env = "AIMS_HEADER_TIMEOUT_SECS")]
        header_timeout_secs: Option<u64>,
        /// Seconds an idle kept-alive connection stays open [default: 60]
        #[arg(long, env = "AIMS_IDLE_TIMEOUT_SECS")]
        idle_timeout_secs: Option<u64>,
        /// Largest evidence file accepted, in bytes [default: 4 GiB]
        #[arg(long, env = "AIMS_MAX_UPLOAD_BYTES")]
        max_upload_bytes: Option<u64>,
        /// Let webhooks reach private networks and this machine (link-local
        /// and cloud metadata addresses stay refused) [default: false]
        #[arg(long, env = "AIMS_WEBHOOK_ALLOW_PRIVATE")]
        webhook_allow_private: Option<bool>,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Manage users
    #[command(subcommand)]
    User(accounts::UserCmd),
    /// Manage workspaces
    #[command(subcommand)]
    Workspace(accounts::WorkspaceCmd),
    /// Manage workspace members
    #[command(subcommand)]
    Member(accounts::MemberCmd),
    /// Manage API tokens
    #[command(subcommand)]
    Token(accounts::TokenCmd),
    /// The AI system inventory: list, show, classify under the EU AI Act
    #[command(subcommand)]
    Systems(systems::SystemsCmd),
    /// The AI risk register: list, show, import, export, and the risk method
    #[command(subcommand)]
    Risks(risks::RisksCmd),
    /// AI system impact assessments: list, show, export
    #[command(subcommand)]
    Impact(impact::ImpactCmd),
    /// Any kind of record (documents, objectives, trainings, suppliers,
    /// incidents, changes, …): list, show, export, import
    #[command(subcommand)]
    Records(records::RecordsCmd),
    /// The work list: open dated duties of a member or the whole workspace,
    /// soonest first (overdue included)
    Tasks {
        #[arg(long)]
        workspace: String,
        /// A member's e-mail address; all of the workspace when left out
        #[arg(long)]
        owner: Option<String>,
        /// Days ahead to look (default 30)
        #[arg(long)]
        within: Option<i64>,
        #[arg(long, value_enum, default_value = "table")]
        format: systems::Format,
    },
    /// The Statement of Applicability: show, approve
    #[command(subcommand)]
    Soa(soa::SoaCmd),
    /// Evidence: push files from a pipeline, list, show, verify the stored files
    #[command(subcommand)]
    Evidence(evidence::EvidenceCmd),
    /// Metrics: `aims metrics push` values from a pipeline (one or a CSV
    /// file) to a server, `aims metrics list` where each stands
    #[command(subcommand)]
    Metrics(metrics::MetricsCmd),
    /// Monitoring analytics from prediction logs: `aims monitor fairness`
    /// (group fairness, fairlearn's definitions) and `aims monitor drift`
    /// (PSI, Jensen–Shannon, KS, Wasserstein), optionally pushed to a server
    #[command(subcommand)]
    Monitor(monitor::MonitorCmd),
    /// Internal and external audits: list, show
    #[command(subcommand)]
    Audits(check_cli::KindCmd),
    /// Nonconformities: list, show
    #[command(subcommand)]
    Nc(check_cli::KindCmd),
    /// Management reviews: show one with its inputs
    #[command(subcommand)]
    Review(check_cli::ReviewCmd),
    /// Readiness: the score, each clause and area, and every gap with where it is fixed
    Readiness {
        #[arg(long)]
        workspace: String,
        /// How many gaps to print (0: all)
        #[arg(long, default_value_t = 20)]
        gaps: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: systems::Format,
    },
    /// Exports as files: `aims export pack`, the signed evidence pack
    #[command(subcommand)]
    Export(pack::ExportCmd),
    /// Evidence packs: `aims pack key` prints the public key, `aims pack verify` checks a pack offline
    #[command(subcommand)]
    Pack(pack::PackCmd),
    /// Outgoing webhooks: `aims webhooks list`
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCmd),
    /// Reports as files (PDF, XLSX, CSV, JSON): `aims report gap|soa|risks|impact|audit|review|summary`
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Find AI in a source tree (libraries, model-API clients, model files,
    /// SBOMs) and propose inventory entries; `--apply` adds the new ones
    Discover {
        path: std::path::PathBuf,
        /// Add the proposed entries not in the inventory yet
        #[arg(long, requires = "workspace")]
        apply: bool,
        #[arg(long)]
        workspace: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: systems::Format,
    },
    /// The tamper-evident history
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Browse and extend the framework catalogue (built-in frameworks work without a database)
    #[command(subcommand)]
    Catalog(catalog_cli::CatalogCmd),
    /// Load the sample organisation into the workspace `demo` (idempotent)
    Demo,
    /// Print the effective configuration, secrets redacted
    CheckConfig,
    /// Print the OpenAPI document of the REST API
    Openapi,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain and check its seal; exits 1 naming the first bad event
    Verify {
        /// Also prove that nothing up to this checkpoint (from `aims audit checkpoint`) changed
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Print the current head, signed with the history key, to keep elsewhere
    Checkpoint,
    /// Seal a history that was never sealed (a database from before sealing,
    /// opened with an existing key): verifies the chain, then seals its head
    Seal,
}

/// The daily e-mail digest's settings of `aims serve`.
#[derive(Args)]
struct MailArgs {
    /// SMTP server for the daily digest: smtp://user:pass@host:587 (STARTTLS,
    /// required), smtps://user:pass@host:465 (TLS), smtp://host:25?tls=none
    /// (no TLS: a local relay, no password). Unset: no digest
    #[arg(long, env = "AIMS_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender of the digest, e.g. "aims <aims@example.org>"
    #[arg(long, env = "AIMS_MAIL_FROM")]
    mail_from: Option<String>,
    /// Time of day (UTC, HH:MM) the digest goes out [default: 07:00]
    #[arg(long, env = "AIMS_DIGEST_AT")]
    digest_at: Option<String>,
    /// Send the daily digest when an SMTP server is set [default: true]
    #[arg(long, env = "AIMS_DIGEST")]
    digest: Option<bool>,
    /// Public base URL of this aims (https://aims.example.org), for links in
    /// e-mails; unset: the digest has no links
    #[arg(long, env = "AIMS_PUBLIC_URL")]
    public_url: Option<String>,
}

/// The effective settings after layering.
struct Settings {
    data_dir: PathBuf,
    database_url: Option<String>,
    history_key_file: Option<PathBuf>,
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
        history_key_file: g.history_key_file.clone().or(file.history_key_file.clone()),
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

/// Reads a checkpoint written by `aims audit checkpoint`.
fn read_checkpoint(
    path: &std::path::Path,
) -> Result<aims_app::domain::history::Checkpoint, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not an aims checkpoint: {e}", path.display()))
}

/// Opens the database, migrates it, and checks its history seal with the
/// history key (read, or created on first use). `adopt` seals a history that
/// was never sealed (`aims audit seal`).
async fn open_store(s: &Settings, adopt: bool) -> Result<Store, String> {
    let store = open_database(s).await?;
    let path = s
        .history_key_file
        .clone()
        .unwrap_or_else(|| s.data_dir.join("history.key"));
    let (key, created) = aims_app::store::seal::HistoryKey::load_or_create(&path, || {
        let mut b = [0u8; 32];
        // The OS random source; a failure leaves no key rather than a weak one.
        let _ = getrandom::getrandom(&mut b);
        b
    })
    .map_err(|e| format!("history key: {e}"))?;
    if created {
        tracing::info!(path = %path.display(), "created the history key; keep a copy somewhere safe");
    }
    let store = store.with_history_key(key);
    use aims_app::store::seal::SealState;
    match store
        .check_seal(adopt || created)
        .await
        .map_err(|e| e.to_string())?
    {
        SealState::Sealed => Ok(store),
        SealState::Unsealed { events } => Err(format!(
            "the history ({events} events) is not sealed, though the history key {} already existed: \
             if this database comes from an aims without sealing, run `aims audit seal` once; \
             otherwise the seal was removed from the database",
            path.display()
        )),
        SealState::OtherKey { key_id } => Err(format!(
            "the history was sealed with another key (key id {key_id}) than {} (key id {}): \
             give aims the right key with --history-key-file",
            path.display(),
            store.history_key().map(|k| k.id()).unwrap_or_default()
        )),
    }
}

async fn open_database(s: &Settings) -> Result<Store, String> {
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

/// mimalloc instead of glibc's malloc: the server allocates on tokio's threads
/// and frees what the database threads allocated, and glibc's per-arena locks
/// made a fifth of a list request's CPU time (bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            outln!("{}", aims_web::openapi_json());
            return Ok(ExitCode::SUCCESS);
        }
        Command::CheckConfig => {
            outln!("data_dir = {:?}", s.data_dir.display().to_string());
            outln!(
                "database_url = {:?}",
                s.database_url
                    .as_deref()
                    .map(redact_url)
                    .unwrap_or_default()
            );
            outln!("log_format = {:?}", s.log_format);
            // The digest's settings as `aims serve` would take them from
            // the environment and the file (flags are serve's own).
            let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
            let mail = config::mail_settings(
                config::MailInput {
                    smtp_url: env("AIMS_SMTP_URL"),
                    mail_from: env("AIMS_MAIL_FROM"),
                    digest_at: env("AIMS_DIGEST_AT"),
                    digest: env("AIMS_DIGEST").and_then(|v| v.parse().ok()),
                    public_url: env("AIMS_PUBLIC_URL"),
                },
                &s.file,
            )?;
            match &mail.smtp {
                Some((url, from)) => {
                    outln!("smtp_url = {:?}", url.redacted());
                    outln!("mail_from = {from:?}");
                    outln!("digest_at = {:?}", mail.at.to_string());
                }
                None => outln!("digest = {:?}", format!("off: {}", mail.off_reason)),
            }
            outln!(
                "public_url = {:?}",
                mail.public_url.as_deref().unwrap_or_default()
            );
            outln!(
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
            trust_proxy,
            max_connections,
            header_timeout_secs,
            idle_timeout_secs,
            max_upload_bytes,
            webhook_allow_private,
            mail,
        } => {
            init_logging(&s.log_format);
            let listen = listen
                .or(s.file.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let defaults = aims_web::ServerLimits::default();
            let secs = std::time::Duration::from_secs;
            let web = aims_web::WebConfig {
                secure_cookies: secure_cookies.or(s.file.secure_cookies).unwrap_or(false),
                trust_proxy: trust_proxy.or(s.file.trust_proxy).unwrap_or(false),
                limits: aims_web::ServerLimits {
                    max_connections: max_connections
                        .or(s.file.max_connections)
                        .unwrap_or(defaults.max_connections),
                    header_read_timeout: header_timeout_secs
                        .or(s.file.header_timeout_secs)
                        .map_or(defaults.header_read_timeout, secs),
                    idle_timeout: idle_timeout_secs
                        .or(s.file.idle_timeout_secs)
                        .map_or(defaults.idle_timeout, secs),
                },
            };
            let mut config = AppConfig {
                max_upload_bytes: max_upload_bytes.unwrap_or(aims_app::DEFAULT_MAX_UPLOAD_BYTES),
                ..AppConfig::default()
            };
            config.webhooks.allow_private = webhook_allow_private
                .or(s.file.webhook_allow_private)
                .unwrap_or(false);
            let mail = config::mail_settings(
                config::MailInput {
                    smtp_url: mail.smtp_url,
                    mail_from: mail.mail_from,
                    digest_at: mail.digest_at,
                    digest: mail.digest,
                    public_url: mail.public_url,
                },
                &s.file,
            )?;
            config.digest.at = mail.at;
            config.digest.public_url = mail.public_url.clone();
            config.digest.enabled = mail.smtp.is_some();
            return serve::serve(&s, &listen, web, config, mail)
                .await
                .map(|_| ExitCode::SUCCESS);
        }
        Command::Discover {
            path,
            apply: false,
            format,
            ..
        } => {
            let (proposals, files, skipped) = discover::proposals(&path)?;
            discover::print(&proposals, files, &skipped, format);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Catalog(cmd) if !matches!(cmd, CatalogCmd::Import { .. }) => {
            // Built-in frameworks need no database; imported ones are included
            // when a data dir or database was named explicitly.
            let explicit = cli.global.data_dir.is_some()
                || s.database_url.is_some()
                || s.file.data_dir.is_some();
            let catalog = if explicit {
                let store = open_store(&s, false).await?;
                let c = App::new(store.clone(), AppConfig::default())
                    .catalog()
                    .await
                    .map_err(app_error);
                store.close().await;
                c?
            } else {
                aims_app::builtin_catalog().map_err(app_error)?
            };
            return catalog_cli::catalog_cmd(&catalog, cmd);
        }
        _ => {}
    }
    // A pack is verified offline; the key lives in the data dir.
    if let Command::Pack(cmd) = cli.command {
        return match cmd {
            pack::PackCmd::Verify { pack, key, format } => pack::verify(pack, key, format),
            pack::PackCmd::Key => pack::key(&pack_key_file(&s)),
        };
    }
    // A push talks to a server: no database here.
    if let Command::Evidence(cmd @ evidence::EvidenceCmd::Push { .. }) = cli.command {
        return evidence::run_remote(cmd).await;
    }
    if let Command::Metrics(cmd @ metrics::MetricsCmd::Push { .. }) = cli.command {
        return metrics::push(cmd).await;
    }
    // Monitoring reads files and perhaps pushes to a server: no database here.
    if let Command::Monitor(cmd) = cli.command {
        return monitor::run(cmd).await;
    }
    let adopt = matches!(cli.command, Command::Audit(AuditCmd::Seal));
    let store = open_store(&s, adopt).await?;
    let app = App::new(store.clone(), AppConfig::default())
        .with_blobs(blob_store(&s))
        .with_pack_key_file(pack_key_file(&s));
    let app = with_typesetter(app);
    let op = Principal::operator();
    let result = admin(&app, &op, cli.command).await;
    store.close().await;
    result
}

async fn admin(app: &App, op: &Principal, command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Systems(cmd) => return systems::run(app, op, cmd).await,
        Command::Risks(cmd) => return risks::run(app, op, cmd).await,
        Command::Records(cmd) => return records::run(app, op, cmd).await,
        Command::Tasks {
            workspace,
            owner,
            within,
            format,
        } => return records::tasks(app, op, &workspace, owner.as_deref(), within, format).await,
        Command::Impact(cmd) => return impact::run(app, op, cmd).await,
        Command::Soa(cmd) => return soa::run(app, op, cmd).await,
        Command::Evidence(cmd) => return evidence::run(app, op, cmd).await,
        Command::Report(cmd) => return report::run(app, op, cmd).await,
        Command::Webhooks(cmd) => return webhooks::run(app, op, cmd).await,
        Command::Metrics(cmd) => return metrics::run(app, op, cmd).await,
        Command::Monitor(cmd) => return monitor::run(cmd).await,
        Command::Audits(cmd) => return check_cli::run_kind(app, op, "audits", cmd).await,
        Command::Nc(cmd) => return check_cli::run_kind(app, op, "nonconformities", cmd).await,
        Command::Review(cmd) => return check_cli::review(app, op, cmd).await,
        Command::Export(cmd) => return pack::export(app, op, cmd).await,
        Command::Readiness {
            workspace,
            gaps,
            format,
        } => return readiness::run(app, op, &workspace, gaps, format).await,
        Command::Discover {
            path,
            workspace,
            format,
            ..
        } => {
            let (proposals, files, skipped) = discover::proposals(&path)?;
            discover::print(&proposals, files, &skipped, format);
            return discover::apply(
                app,
                op,
                workspace.as_deref().unwrap_or_default(),
                &proposals,
            )
            .await;
        }
        Command::User(cmd) => return accounts::user(app, op, cmd).await,
        Command::Workspace(cmd) => return accounts::workspace(app, op, cmd).await,
        Command::Member(cmd) => return accounts::member(app, op, cmd).await,
        Command::Token(cmd) => return accounts::token(app, op, cmd).await,
        Command::Audit(AuditCmd::Checkpoint) => {
            let cp = app.history_checkpoint(op).await.map_err(app_error)?;
            outln!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "format": "aims-history-checkpoint-v1",
                    "seq": cp.seq,
                    "hash": cp.hash,
                    "seal": cp.seal,
                }))
                .map_err(|e| e.to_string())?
            );
        }
        Command::Audit(AuditCmd::Seal) => {
            let report = app.verify_history(None).await.map_err(app_error)?;
            match report.error {
                None => outln!("history already sealed: {} events", report.events),
                Some(err) => {
                    outln!("not sealed: the chain does not verify: {err}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Audit(AuditCmd::Verify { checkpoint }) => {
            let checkpoint = match checkpoint {
                Some(path) => Some(read_checkpoint(&path)?),
                None => None,
            };
            let report = app
                .verify_history(checkpoint.as_ref())
                .await
                .map_err(app_error)?;
            return Ok(match report.error {
                None => {
                    outln!(
                        "history intact: {} events, head {}",
                        report.events,
                        report.head_hash
                    );
                    ExitCode::SUCCESS
                }
                Some(err) => {
                    outln!("HISTORY TAMPERED: {err}");
                    outln!("{} events before it verified", report.events);
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
            outln!(
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
            outln!(
                "demo workspace '{}' ready: {} AI systems added, {} classified under the EU AI Act, {} other records (models, data sets, resources, context, interested parties) and {} links added, {} risks with their treatment actions added, {} impact assessments added, {} Statement of Applicability versions and {} evidence items added, {} documents, objectives, trainings, suppliers, incidents and other day-to-day records added, {} metrics, audits, findings, nonconformities, reviews and certification records added, {} administrators added as managers{}",
                aims_app::DEMO_SLUG,
                r.systems_added,
                r.systems_classified,
                r.records_added,
                r.links_added,
                r.risks_added,
                r.impact_assessments_added,
                r.soa_versions_added,
                r.evidence_added,
                r.operations_added,
                r.check_added,
                r.managers_added,
                if r.workspace_created { " (workspace created)" } else { "" }
            );
        }
        Command::Pack(_)
        | Command::Serve { .. }
        | Command::CheckConfig
        | Command::Openapi
        | Command::Catalog(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// The pack signing key lives in the data dir beside the history key.
fn pack_key_file(s: &Settings) -> std::path::PathBuf {
    s.data_dir.join("pack.key")
}

/// Evidence files live under the data directory, beside SQLite's files
/// (with PostgreSQL, a directory every replica shares).
fn blob_store(s: &Settings) -> aims_app::store::BlobStore {
    aims_app::store::BlobStore::fs(s.data_dir.join("evidence"))
}
