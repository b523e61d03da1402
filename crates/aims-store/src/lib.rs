//! Storage for `aims`: SQLite (embedded, default) and PostgreSQL behind one API.
//!
//! Architecture invariant: this is the only crate that contains SQL. Every query
//! is written once, with `$n` placeholders that both backends accept, and run on
//! either backend through the [`Conn`] enum.

mod access;
mod approvals;
mod audit_items;
pub mod blobs;
mod catalog;
mod classifications;
mod conn;
mod digest;
mod documents;
mod evidence;
mod facets;
mod history;
mod identity;
mod intake;
mod journals;
mod kind_reads;
mod measurements;
mod monitoring_reports;
mod questionnaires;
mod readiness;
mod records;
mod risks;
pub mod seal;
mod trust;
mod versions;
mod webhooks;
mod work;

pub use access::{AccessRow, InvitationRow};
pub use approvals::ApprovalRow;
pub use audit_items::AuditItemRow;
pub use blobs::BlobStore;
pub use catalog::CatalogImportRow;
pub use classifications::ClassificationRow;
pub use conn::{
    migration_versions, Backend, Conn, PoolConn, Store, StoreError, Tx, DEFAULT_LOCK_TIMEOUT,
    POOL_CONNECTIONS,
};
pub use digest::{DigestMessageRow, DigestRecipientRow, DigestRunRow};
pub use documents::UnreadRow;
pub use evidence::{EvidenceFile, EvidenceGroup};
pub use history::HistoryHead;
pub use identity::{MemberRow, NewToken, NewUser, SessionRow, TokenRow, UserRow, WorkspaceRow};
pub use intake::IntakeLinkRow;
pub use journals::EntryRow;
pub use measurements::{MeasurementRow, MetricStateRow};
pub use monitoring_reports::{MonitoringReportMeta, MonitoringReportRow};
pub use questionnaires::{questionnaire_duty, QuestionnaireRow};
pub use records::{
    LinkRow, ListItem, NewLink, Page, Record, RecordFilter, RecordJson, RecordRow, Sort,
};
pub use risks::{FieldTexts, RiskAcceptanceRow, RiskMethodRow};
pub use versions::{VersionRow, Versioned};
pub use webhooks::{AttemptEnd, AttemptRow, DeliveryRow, WebhookRow};
pub use work::{DutyOwner, DutyRow};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
