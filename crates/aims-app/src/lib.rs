//! Use cases of `aims`: each checks access, applies a domain rule, writes through
//! the store and appends a history event in the same transaction.
//!
//! Architecture invariant: no HTTP and no SQL here. The web layer and the CLI
//! call these functions; the store is only reached through `aims-store`.

mod approvals;
mod audit_checklists;
mod auditors;
mod audits;
mod auth;
mod catalog;
mod check_summary;
mod classifications;
mod clock;
mod demo;
mod digest;
mod documents;
mod error;
mod evidence;
mod evidence_reuse;
mod heat_map;
mod history;
mod impacts;
mod import;
mod intake;
mod interchange;
mod journals;
mod kept;
mod kept_pages;
mod links;
mod metrics;
mod monitoring_reports;
mod nonconformities;
mod pack;
mod password;
mod people;
mod questionnaires;
mod readiness;
mod readiness_facts;
mod readiness_report;
mod records;
mod report_kinds;
mod reports;
mod reviews;
mod risk_library;
mod risks;
mod search;
mod soa;
mod soa_bulk;
mod soa_facts;
mod systems;
mod text_index;
mod trust;
mod versions;
mod webhook_delivery;
mod webhooks;
mod work;
mod workflows;
mod workspaces;

pub use aims_catalog as catalogue;
pub use aims_domain as domain;
pub use aims_export as export;
pub use aims_export::doc as report_doc;
pub use aims_pack as pack_format;
pub use aims_store as store;
pub use approvals::{ApprovalView, Approvals};
pub use audit_checklists::{Programme, UniverseItem, RESULTS as AUDIT_RESULTS};
pub use auditors::{InvitationView, Invited};
pub use auth::{LoginOutcome, NewSession, Principal, PrincipalKind, TokenCreated, TOKEN_PREFIX};
pub use catalog::{builtin_catalog, Imported, MAX_IMPORT_BYTES};
pub use check_summary::{CheckSummary, Named};
pub use classifications::{ClassificationView, Obligation};
pub use clock::{Clock, FixedClock, SystemClock};
pub use demo::{DemoReport, DEMO_SLUG};
pub use digest::{DigestLog, DigestReport, DigestSettings, Mail, MailSender};
pub use documents::{Acknowledgements, DocVersion, DocumentTemplate, TEMPLATES};
pub use error::AppError;
pub use evidence::{BlobProblem, EvidenceView, Push, PushedFile, DEFAULT_MAX_UPLOAD_BYTES};
pub use evidence_reuse::{EvidenceStanding, MappedRequirement, SupportingEvidence};
pub use history::VerifyReport;
pub use impacts::{ImpactStatus, ImpactVersion, IMPACT_TYPE};
pub use import::{ImportMode, ImportReport, RowProblem, MAX_IMPORT_FILE_BYTES};
pub use intake::{IntakeLink, Report, Taken, PER_SENDER_PER_HOUR, REPORT_MAX};
pub use interchange::{is_inventory_file, InventoryReport};
pub use kept_pages::{Freshness, RenderedPage};
pub use links::{LinkView, LinkedRecord};
pub use metrics::{settings_of, Chart, Ingested, MeasurementIn, MetricStatus, BATCH_MAX};
pub use monitoring_reports::{
    LatestMonitoring, LatestReport, MonitoringFiled, REPORTS_LIST_MAX, REPORT_MAX_BYTES,
};
pub use pack::{pack_public_key_hex, pack_seed_at, PackOptions, PackReport};
pub use people::Person;
pub use questionnaires::{Questionnaire, SendQuestionnaire, Sent, ToAnswer};
pub use readiness::ReadinessDay;
pub use records::{ListRequest, DUE_BEFORE_FILTER, LINKED_FILTER, MAX_QUERY_CHARS, TIER_FACET};
pub use report_doc::Typesetter;
pub use report_doc::{Bar, Block, ReportDoc};
pub use report_kinds::display;
pub use reports::{doc_file, ReportFormat, ReportKind, ReportOf};
pub use reviews::{InputLine, ReviewInputs};
pub use risk_library::{LibraryEntry, Reference};
pub use risks::{
    method_table, risks_kind, AcceptanceView, HeatMap, MethodChange, MethodVersion,
    DEFAULT_METHOD_VERSION,
};
pub use soa::{soa_table, SoaLine, SoaVersion, SoaVersionSummary, SOA_FRAMEWORK, SOA_TYPE};
pub use soa_bulk::{ControlsEdit, BULK_MAX};
pub use soa_facts::{CatalogControl, ControlFacts};
pub use systems::{purpose_of, systems_kind};
pub use trust::{PublicCertificate, TrustView};
pub use webhook_delivery::{Outgoing, WebhookSender};
pub use webhooks::{DeliveryView, WebhookCreated, WebhookInput, WebhookSettings, WebhookView};
pub use work::{WorkItem, WorkList, WorkOf, WORK_LIMIT};
pub use workspaces::Scope;

use aims_store::Store;
use std::sync::Arc;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Cheap password hashing for tests only; never in production.
    pub insecure_fast_password_hash: bool,
    /// Sign-in attempts allowed per address, account and pair within
    /// [`AppConfig::login_window_secs`] (see [`aims_domain::throttle`]).
    pub throttle: aims_domain::throttle::ThrottlePolicy,
    pub login_window_secs: i64,
    /// Password hashes computed at once (each takes 19 MiB and one core).
    pub hash_concurrency: usize,
    /// Sign-ins waiting for a hash slot before new ones are told to retry.
    pub hash_queue: usize,
    /// Pause before answering a refused (throttled) sign-in.
    pub refusal_delay_ms: u64,
    pub session_ttl_secs: i64,
    /// Largest evidence file accepted, in bytes.
    pub max_upload_bytes: u64,
    /// How webhooks are delivered.
    pub webhooks: WebhookSettings,
    /// When and how the daily e-mail digest goes out.
    pub digest: DigestSettings,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            insecure_fast_password_hash: false,
            throttle: aims_domain::throttle::ThrottlePolicy::default(),
            login_window_secs: 15 * 60,
            // One core fewer than the machine has (at least one): a flood of
            // sign-ins from many addresses then still leaves a core for
            // everyone else (bench/login_flood.py --spread).
            hash_concurrency: std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1).max(1)),
            hash_queue: 64,
            refusal_delay_ms: 250,
            session_ttl_secs: 12 * 60 * 60,
            max_upload_bytes: evidence::DEFAULT_MAX_UPLOAD_BYTES,
            webhooks: WebhookSettings::default(),
            digest: DigestSettings::default(),
        }
    }
}

/// The application: the store plus clock and configuration. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    catalog_cache: Arc<catalog::CatalogCache>,
    hashing: Arc<auth::Hashing>,
    heat_maps: Arc<heat_map::HeatMapCache>,
    soa_facts: Arc<soa_facts::SoaFactsCache>,
    readiness_kept: Arc<readiness::ReadinessCache>,
    readiness_base: Arc<readiness::SnapshotCache>,
    kept_pages: Arc<kept_pages::KeptPages>,
    text_indexes: Arc<search::Indexes>,
    /// Where the pack signing key is kept (created on first use).
    pack_key_file: Option<std::path::PathBuf>,
    /// Packs made for downloads at once (each writes a whole copy to disk).
    pack_builds: Arc<tokio::sync::Semaphore>,
    /// Where evidence files are kept; none: evidence cannot take files.
    pub blobs: Option<aims_store::BlobStore>,
    /// Makes PDF reports; none: this build makes none.
    typesetter: Option<Arc<dyn report_doc::Typesetter>>,
    /// PDF reports typeset at once.
    typesetting: Arc<tokio::sync::Semaphore>,
}

impl App {
    pub fn new(store: Store, config: AppConfig) -> App {
        let hashing = Arc::new(auth::Hashing {
            permits: tokio::sync::Semaphore::new(config.hash_concurrency.max(1)),
            waiting: Default::default(),
            logins: tokio::sync::Semaphore::new(LOGIN_DB_SLOTS),
        });
        App {
            store,
            clock: Arc::new(SystemClock),
            config,
            catalog_cache: Arc::default(),
            hashing,
            heat_maps: Arc::default(),
            soa_facts: Arc::default(),
            readiness_kept: Arc::default(),
            readiness_base: Arc::default(),
            kept_pages: Arc::default(),
            text_indexes: Arc::default(),
            pack_key_file: None,
            pack_builds: Arc::new(tokio::sync::Semaphore::new(2)),
            blobs: None,
            typesetter: None,
            typesetting: Arc::new(tokio::sync::Semaphore::new(2)),
        }
    }

    /// Keeps evidence files in `blobs`.
    pub fn with_blobs(mut self, blobs: aims_store::BlobStore) -> App {
        self.blobs = Some(blobs);
        self
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> App {
        self.clock = clock;
        self
    }

    pub(crate) fn now(&self) -> String {
        clock::format(self.clock.now())
    }

    /// The time now on the application's clock (RFC 3339, UTC).
    pub fn now_text(&self) -> String {
        self.now()
    }

    /// True when the database answers.
    pub async fn ready(&self) -> bool {
        self.store.ping().await
    }
}

/// Sign-ins that may use the database at once: half the pool, so a flood of
/// sign-ins always leaves connections for everyone else.
const LOGIN_DB_SLOTS: usize = aims_store::POOL_CONNECTIONS as usize / 2;

/// A new, time-ordered unique id (UUID v7).
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `n` random bytes from the operating system, hex-encoded.
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}

pub(crate) fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}
