//! The file-system walk behind [`super::scan`] (read-only).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{
    file_kind, model_finding, propose, sort_findings, try_inspect, FileKind, Scan, ScanLimits,
};

/// Directories never entered (besides every hidden directory).
const SKIP_DIRS: [&str; 8] = [
    "node_modules",
    "target",
    "venv",
    "__pycache__",
    "dist",
    "build",
    "site-packages",
    "dist-packages",
];

/// How often (in files) progress is reported.
const PROGRESS_EVERY: usize = 64;

struct Walker<'a> {
    limits: &'a ScanLimits,
    progress: &'a mut dyn FnMut(usize),
    scan: Scan,
    stopped: bool,
    /// files_seen at which progress is reported next.
    next_progress: usize,
}

pub(crate) fn scan(
    root: &Path,
    limits: &ScanLimits,
    progress: &mut dyn FnMut(usize),
) -> io::Result<Scan> {
    let meta = fs::metadata(root)?;
    let root_name = fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut w = Walker {
        limits,
        progress,
        scan: Scan {
            root_name,
            ..Scan::default()
        },
        stopped: false,
        next_progress: PROGRESS_EVERY,
    };
    if meta.is_dir() {
        // The root must be listable; deeper failures are only skipped.
        let entries = read_sorted(root)?;
        w.dir(entries, "", 0);
    } else {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        w.file(root, &name, meta.len());
    }
    let mut scan = w.scan;
    (w.progress)(scan.files_seen);
    sort_findings(&mut scan.findings);
    propose::drop_idle_projects(&mut scan.findings);
    Ok(scan)
}

fn read_sorted(dir: &Path) -> io::Result<Vec<fs::DirEntry>> {
    let mut entries = fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

impl Walker<'_> {
    fn skip(&mut self, path: &str, reason: impl std::fmt::Display) {
        self.scan.skipped.push(format!("{path}: {reason}"));
    }

    /// Visits the entries of the directory at relative path `rel`, which is
    /// `depth` levels below the root.
    fn dir(&mut self, entries: Vec<fs::DirEntry>, rel: &str, depth: usize) {
        let mut subdirs: Vec<(PathBuf, String)> = Vec::new();
        for entry in entries {
            if self.stopped {
                return;
            }
            let os_name = entry.file_name();
            let Some(name) = os_name.to_str() else {
                self.skip(
                    &join(rel, &os_name.to_string_lossy()),
                    "name is not valid UTF-8, not scanned",
                );
                continue;
            };
            let path = join(rel, name);
            // `DirEntry::file_type` does not follow symbolic links.
            let ty = match entry.file_type() {
                Ok(ty) => ty,
                Err(e) => {
                    self.skip(&path, format_args!("unreadable ({e})"));
                    continue;
                }
            };
            if ty.is_symlink() {
                self.skip(&path, "symbolic link, not followed");
            } else if ty.is_dir() {
                if name.starts_with('.') || SKIP_DIRS.contains(&name) {
                    continue;
                }
                if depth + 1 > self.limits.max_depth {
                    self.skip(
                        &path,
                        format_args!(
                            "deeper than max_depth ({}), not scanned",
                            self.limits.max_depth
                        ),
                    );
                } else {
                    subdirs.push((entry.path(), path));
                }
            } else if ty.is_file() {
                let len = entry.metadata().map(|m| m.len());
                match len {
                    Ok(len) => self.file(&entry.path(), &path, len),
                    Err(e) => self.skip(&path, format_args!("unreadable ({e})")),
                }
            }
        }
        for (abs, path) in subdirs {
            if self.stopped {
                return;
            }
            match read_sorted(&abs) {
                Ok(entries) => self.dir(entries, &path, depth + 1),
                Err(e) => self.skip(&path, format_args!("unreadable directory ({e})")),
            }
        }
    }

    /// Visits one regular file of `len` bytes at relative path `rel`.
    fn file(&mut self, abs: &Path, rel: &str, len: u64) {
        if self.scan.files_seen >= self.limits.max_files {
            self.stopped = true;
            let max = self.limits.max_files;
            self.skip(
                rel,
                format_args!("max_files ({max}) reached: this and later files were not scanned"),
            );
            return;
        }
        self.scan.files_seen += 1;
        if self.scan.files_seen >= self.next_progress {
            self.next_progress += PROGRESS_EVERY;
            (self.progress)(self.scan.files_seen);
        }
        match file_kind(rel) {
            FileKind::Other => {}
            // Model files are reported by path; their content is never read.
            FileKind::Model => self.scan.findings.extend(model_finding(rel)),
            _ if len > self.limits.max_file_bytes => {
                let max = self.limits.max_file_bytes;
                self.skip(
                    rel,
                    format_args!("{len} bytes is over max_file_bytes ({max}), not read"),
                );
            }
            _ => match fs::read(abs) {
                Err(e) => self.skip(rel, format_args!("unreadable ({e})")),
                Ok(bytes) => match try_inspect(rel, &bytes) {
                    Ok(found) => self.scan.findings.extend(found),
                    Err(e) => self.skip(rel, e),
                },
            },
        }
    }
}
