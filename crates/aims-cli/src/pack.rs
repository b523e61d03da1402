//! Evidence packs: `aims export pack --workspace W -o pack.zip` writes one
//! (optionally for a date range or a sample of controls), signed with the
//! instance's pack key; `aims pack key` prints that key's public half;
//! `aims pack verify pack.zip [--key KEY]` checks a pack offline and names
//! every altered, added or missing file and any break in the history.

use crate::app_error;
use crate::systems::Format;
use aims_app::{App, PackOptions, Principal};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ExportCmd {
    /// An evidence pack: records, documents, the SoA, registers, evidence
    /// files by control and the history, with a signed manifest
    Pack {
        #[arg(long)]
        workspace: String,
        /// The zip file to write
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Only evidence files added on or after this day (YYYY-MM-DD); the history from it
        #[arg(long)]
        from: Option<String>,
        /// Only evidence files added on or before this day (YYYY-MM-DD)
        #[arg(long)]
        to: Option<String>,
        /// Only the evidence of these controls (A.6.2.4,A.5.2)
        #[arg(long, value_delimiter = ',')]
        controls: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Subcommand)]
pub enum PackCmd {
    /// Print the public key that verifies this instance's packs
    Key,
    /// Check a pack offline: every file against the signed manifest, and the history chain
    Verify {
        pack: PathBuf,
        /// The public key to check the signature with (64 hex digits); without it the
        /// key inside the pack is used, which proves integrity but not who made it
        #[arg(long)]
        key: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub async fn export(app: &App, op: &Principal, cmd: ExportCmd) -> Result<ExitCode, String> {
    let ExportCmd::Pack {
        workspace,
        output,
        from,
        to,
        controls,
        format,
    } = cmd;
    let options = PackOptions::parse(from.as_deref(), to.as_deref(), &controls.join(","))
        .map_err(app_error)?;
    let ws = app.enter(op, &workspace).await.map_err(app_error)?;
    // Written next to the target and renamed at the end: no half pack is left under its name.
    let part = output.with_extension("zip.part");
    let file = std::fs::File::create(&part)
        .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
    let bar = crate::progress::bytes(0, "packing");
    let b = bar.clone();
    let written = app
        .export_pack(
            &ws,
            &options,
            std::io::BufWriter::with_capacity(1 << 20, file),
            move |done, total| {
                b.set_length(total);
                b.set_position(done);
            },
        )
        .await;
    bar.finish_and_clear();
    let (out, report) = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(app_error(e));
        }
    };
    let file = out
        .into_inner()
        .map_err(|e| format!("writing the pack: {e}"))?;
    file.sync_all()
        .map_err(|e| format!("writing the pack: {e}"))?;
    std::fs::rename(&part, &output)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    match format {
        Format::Json => outln!(
            "{}",
            json!({"path": output, "files": report.files, "bytes": report.bytes,
                "evidence_files": report.evidence_files, "history_events": report.history_events,
                "public_key": report.public_key, "history": report.manifest.history})
        ),
        Format::Table => {
            outln!(
                "{}: {} files, {} bytes ({} evidence files, {} history events of this workspace)",
                output.display(),
                report.files,
                report.bytes,
                report.evidence_files,
                report.history_events
            );
            outln!(
                "Signed; verify with: aims pack verify {} --key {}",
                output.display(),
                report.public_key
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `aims pack key`: needs the data dir (where the key lives), not the database.
pub fn key(path: &std::path::Path) -> Result<ExitCode, String> {
    let seed = aims_app::pack_seed_at(path).map_err(app_error)?;
    outln!("{}", aims_app::pack_public_key_hex(&seed));
    Ok(ExitCode::SUCCESS)
}

/// `aims pack verify`: offline, no database. Exit 0 when the pack holds
/// with the key given, 1 when it does not, 2 when it is intact but was
/// checked only with the key inside it (anyone can re-sign a pack).
pub fn verify(pack: PathBuf, key: Option<String>, format: Format) -> Result<ExitCode, String> {
    let file =
        std::fs::File::open(&pack).map_err(|e| format!("cannot read {}: {e}", pack.display()))?;
    let v = aims_app::pack_format::verify(
        std::io::BufReader::with_capacity(1 << 20, file),
        key.as_deref(),
    )
    .map_err(|e| format!("{}: {e}", pack.display()))?;
    match format {
        Format::Json => outln!(
            "{}",
            json!({"ok": v.ok(), "authenticated": v.ok() && !v.key_from_pack, "workspace": v.manifest.workspace, "created_at": v.manifest.created_at,
                "key": v.key, "key_from_pack": v.key_from_pack, "files_checked": v.files_checked,
                "bytes_checked": v.bytes_checked, "history": v.manifest.history, "problems": v.problems})
        ),
        Format::Table => {
            outln!(
                "{}: pack of {} made {}, {} files ({} bytes) checked",
                pack.display(),
                v.manifest.workspace,
                v.manifest.created_at,
                v.files_checked,
                v.bytes_checked
            );
            for p in &v.problems {
                outln!("  {p}");
            }
            if !v.ok() {
                outln!("FAILED");
            } else if v.key_from_pack {
                outln!(
                    "INTACT, ORIGIN NOT VERIFIED: checked with the key inside the pack ({}); \
                     give --key with the public key of the instance that made it (`aims pack key` there)",
                    v.key
                );
            } else {
                outln!("OK: the pack is as it was signed by this key");
            }
        }
    }
    Ok(if !v.ok() {
        ExitCode::FAILURE
    } else if v.key_from_pack {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
