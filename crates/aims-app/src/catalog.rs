//! The framework catalogue: built-in frameworks plus what administrators import.

use crate::{new_id, App, AppError, Principal, Result};
use aims_catalog::{parse_any, Catalog, CatalogError, Parsed};
use aims_domain::FieldErrors;
use aims_store::CatalogImportRow;
use serde_json::json;
use std::sync::{Arc, OnceLock};

/// Largest catalogue file accepted (an OSCAL SP 800-53 catalog is about 10 MB).
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

static BUILTIN: OnceLock<std::result::Result<Arc<Catalog>, String>> = OnceLock::new();

/// The compiled-in catalogue, parsed once per process.
pub fn builtin_catalog() -> Result<Arc<Catalog>> {
    BUILTIN
        .get_or_init(|| Catalog::builtin().map(Arc::new).map_err(|e| e.to_string()))
        .clone()
        .map_err(|e| AppError::Internal(format!("built-in catalogue is broken: {e}")))
}

/// What an import added.
#[derive(Debug, Clone)]
pub struct Imported {
    /// `framework` or `mapping_set`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub version: i64,
    /// Items of a framework, pairs of a mapping set.
    pub entries: usize,
}

/// Per-process cache of the catalogue with imports, keyed by a fingerprint of
/// the imports table so every replica sees a new import on its next request.
#[derive(Default)]
pub struct CatalogCache(std::sync::Mutex<Option<(String, Arc<Catalog>)>>);

fn invalid(e: CatalogError) -> AppError {
    let field = e.field.clone().unwrap_or_else(|| "file".into());
    AppError::Validation(FieldErrors::single(&field, e.to_string()))
}

impl App {
    /// The catalogue: built-in frameworks and the latest version of every import.
    pub async fn catalog(&self) -> Result<Arc<Catalog>> {
        let builtin = builtin_catalog()?;
        let mut c = self.store.conn().await?;
        let fingerprint = c.conn().catalog_imports_fingerprint().await?;
        if fingerprint.starts_with("0:") {
            return Ok(builtin);
        }
        if let Ok(guard) = self.catalog_cache.0.lock() {
            if let Some((fp, cat)) = guard.as_ref() {
                if *fp == fingerprint {
                    return Ok(cat.clone());
                }
            }
        }
        let rows = c.conn().catalog_imports_latest().await?;
        let catalog = tokio::task::spawn_blocking(move || {
            let mut catalog = (*builtin).clone();
            for row in rows {
                // Imports were validated when they came in; one that no longer fits
                // (say, a mapping whose framework changed) is logged and left out.
                let added = parse_any(&row.content, &catalog).and_then(|parsed| match parsed {
                    Parsed::Framework(mut f) => {
                        f.id = row.catalog_id.clone();
                        f.version = format!("{} (import v{})", f.version, row.version).trim().to_owned();
                        catalog.add_framework(f)
                    }
                    Parsed::MappingSet(m) => catalog.add_mapping_set(m),
                });
                if let Err(e) = added {
                    tracing::warn!(catalog_id = %row.catalog_id, version = row.version, error = %e, "imported catalogue file skipped");
                }
            }
            catalog
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let catalog = Arc::new(catalog);
        if let Ok(mut guard) = self.catalog_cache.0.lock() {
            *guard = Some((fingerprint, catalog.clone()));
        }
        Ok(catalog)
    }

    /// Imports a framework (our TOML or an OSCAL catalog) or a mapping set.
    /// Administrators only. The file is validated whole before anything is
    /// written; a built-in id is refused; the same id again is a new version.
    pub async fn import_catalog(
        &self,
        by: &Principal,
        text: &str,
        id_override: Option<&str>,
    ) -> Result<Imported> {
        if !by.is_admin() {
            return Err(AppError::Forbidden(
                "only administrators import frameworks".into(),
            ));
        }
        if text.len() > MAX_IMPORT_BYTES {
            return Err(AppError::field(
                "file",
                format!("is larger than {} MB", MAX_IMPORT_BYTES / 1024 / 1024),
            ));
        }
        if text.contains('\0') {
            return Err(AppError::field("file", "must be text without NUL bytes"));
        }
        let catalog = self.catalog().await?;
        // Parsing a large OSCAL catalog takes a while: keep it off the async workers.
        let owned = text.to_owned();
        let parsed = tokio::task::spawn_blocking(move || parse_any(&owned, &catalog))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(invalid)?;
        // Escapes such as `\u0000` decode to control characters: refuse any
        // in what the file says, naming where.
        let as_json = match &parsed {
            Parsed::Framework(f) => serde_json::to_value(f),
            Parsed::MappingSet(m) => serde_json::to_value(m),
        }
        .map_err(|e| AppError::Internal(e.to_string()))?;
        if let Some(path) = aims_domain::validation::json_control_char_path(&as_json) {
            return Err(AppError::field(
                "file",
                format!("{path}: {}", aims_domain::validation::CONTROL_MESSAGE),
            ));
        }
        let (kind, id, name, format, entries) = match &parsed {
            Parsed::Framework(f) => {
                let id = match id_override {
                    Some(o) => {
                        aims_catalog::check_id(o).map_err(|m| AppError::field("id", m))?;
                        o.to_owned()
                    }
                    None => f.id.clone(),
                };
                (
                    "framework",
                    id,
                    f.name.clone(),
                    f.format.clone(),
                    f.items.len(),
                )
            }
            Parsed::MappingSet(m) => (
                "mapping_set",
                m.id.clone(),
                m.name.clone(),
                "aims-toml".to_owned(),
                m.pairs.len(),
            ),
        };
        let builtin = builtin_catalog()?;
        let clash = match kind {
            "framework" => builtin.framework(&id).is_some(),
            _ => builtin.mapping_set(&id).is_some(),
        };
        if clash {
            return Err(AppError::field(
                if kind == "framework" {
                    "framework.id"
                } else {
                    "mapping_set.id"
                },
                format!(
                    "`{id}` is a built-in {} and is never overwritten; give yours another id",
                    kind.replace('_', " ")
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        let version = tx.conn().catalog_import_version(kind, &id).await? + 1;
        let row = CatalogImportRow {
            id: new_id(),
            kind: kind.into(),
            catalog_id: id.clone(),
            version,
            format,
            name: name.clone(),
            content: text.to_owned(),
            imported_at: self.now(),
            imported_by: by.label.clone(),
        };
        tx.conn().catalog_import_insert(&row).await?;
        tx.conn()
            .history_append(self.event(
                by,
                "",
                "import",
                kind,
                &id,
                json!({"name": name, "version": version, "entries": entries}),
            ))
            .await?;
        tx.commit().await?;
        Ok(Imported {
            kind,
            id,
            name,
            version,
            entries,
        })
    }
}
