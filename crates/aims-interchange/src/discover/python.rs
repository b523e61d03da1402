//! Python: requirements files, pyproject.toml, Pipfile, setup.cfg, source
//! imports and Jupyter notebooks.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use super::table::{self, Eco, Known};
use super::{known_finding, line_at, project_finding, toml_error, Finding, InspectError};

/// Collects findings, one per package name per file (the first mention).
struct Collector<'a> {
    path: &'a str,
    seen: BTreeSet<String>,
    out: Vec<Finding>,
}

impl<'a> Collector<'a> {
    fn new(path: &'a str) -> Self {
        Self {
            path,
            seen: BTreeSet::new(),
            out: Vec::new(),
        }
    }

    /// A PyPI requirement string such as `torch[cuda]>=2.3; python_version>"3"`.
    fn requirement(&mut self, requirement: &str, line: Option<usize>) {
        if let Some(name) = pep508_name(requirement) {
            self.package(name, line);
        }
    }

    /// A bare PyPI distribution name.
    fn package(&mut self, name: &str, line: Option<usize>) {
        if let Some(k) = table::lookup(Eco::Py, name) {
            self.push(k, name, line);
        }
    }

    fn push(&mut self, k: &Known, name: &str, line: Option<usize>) {
        if self.seen.insert(table::normalize_py(name)) {
            self.out.push(known_finding(k, name, self.path, line));
        }
    }
}

/// The distribution name at the start of a PEP 508 requirement, if any
/// (`None` for URLs, paths and options).
pub(crate) fn pep508_name(requirement: &str) -> Option<&str> {
    let t = requirement.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(t.len());
    let (name, rest) = t.split_at(end);
    let starts_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = rest
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || "[<>=!~;@(,".contains(c));
    (starts_ok && rest_ok).then_some(name)
}

/// Text before a `#` comment that starts the line or follows whitespace.
fn strip_hash_comment(line: &str) -> &str {
    let mut prev_ws = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_ws {
            return &line[..i];
        }
        prev_ws = c.is_whitespace();
    }
    line
}

/// `requirements*.txt`: one requirement per line; options (`-r`, `-e`,
/// `--hash` …), URLs and local paths are ignored.
pub(crate) fn requirements(path: &str, text: &str) -> Vec<Finding> {
    let mut c = Collector::new(path);
    for (i, raw) in text.lines().enumerate() {
        let t = strip_hash_comment(raw).trim();
        if t.is_empty() || t.starts_with('-') {
            continue;
        }
        c.requirement(t, Some(i + 1));
    }
    c.out
}

type SpannedDeps = BTreeMap<Spanned<String>, toml::Value>;

#[derive(Deserialize)]
struct PyProject {
    project: Option<PepProject>,
    tool: Option<PyTools>,
}

#[derive(Deserialize)]
struct PepProject {
    name: Option<Spanned<String>>,
    #[serde(default)]
    dependencies: Vec<Spanned<String>>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
struct PyTools {
    poetry: Option<Poetry>,
}

#[derive(Deserialize)]
struct Poetry {
    name: Option<Spanned<String>>,
    #[serde(default)]
    dependencies: SpannedDeps,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: SpannedDeps,
    #[serde(default)]
    group: BTreeMap<String, PoetryGroup>,
}

#[derive(Deserialize)]
struct PoetryGroup {
    #[serde(default)]
    dependencies: SpannedDeps,
}

/// `pyproject.toml`: PEP 621 `[project]` dependencies (and optional ones)
/// and Poetry `[tool.poetry]` dependencies (and groups).
pub(crate) fn pyproject(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: PyProject =
        toml::from_str(text).map_err(|e| toml_error(&e, text, "pyproject.toml"))?;
    let mut c = Collector::new(path);
    let line = |s: &std::ops::Range<usize>| Some(line_at(text, s.start));
    let poetry = doc.tool.and_then(|t| t.poetry);
    let mut name = None;
    if let Some(project) = doc.project {
        name = project.name;
        for dep in project
            .dependencies
            .iter()
            .chain(project.optional_dependencies.values().flatten())
        {
            c.requirement(dep.get_ref(), line(&dep.span()));
        }
    }
    if let Some(poetry) = poetry {
        name = name.or(poetry.name);
        let groups = poetry.group.values().map(|g| &g.dependencies);
        for deps in [&poetry.dependencies, &poetry.dev_dependencies]
            .into_iter()
            .chain(groups)
        {
            for key in deps.keys() {
                c.package(key.get_ref(), line(&key.span()));
            }
        }
    }
    if let Some(name) = name {
        c.out
            .push(project_finding(name.get_ref(), path, line(&name.span())));
    }
    Ok(c.out)
}

#[derive(Deserialize)]
struct Pipfile {
    #[serde(default)]
    packages: SpannedDeps,
    #[serde(default, rename = "dev-packages")]
    dev_packages: SpannedDeps,
}

/// `Pipfile`: `[packages]` and `[dev-packages]`.
pub(crate) fn pipfile(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: Pipfile = toml::from_str(text).map_err(|e| toml_error(&e, text, "Pipfile"))?;
    let mut c = Collector::new(path);
    for key in doc.packages.keys().chain(doc.dev_packages.keys()) {
        c.package(key.get_ref(), Some(line_at(text, key.span().start)));
    }
    Ok(c.out)
}

/// `setup.cfg`: `[options] install_requires`, `[options.extras_require]`
/// and `[metadata] name` (multi-line values are indented continuations).
pub(crate) fn setup_cfg(path: &str, text: &str) -> Vec<Finding> {
    let mut c = Collector::new(path);
    let mut section = String::new();
    let mut in_requires = false;
    for (i, raw) in text.lines().enumerate() {
        let line = Some(i + 1);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let continuation = raw.starts_with([' ', '\t']);
        if continuation {
            if in_requires {
                c.requirement(strip_hash_comment(trimmed), line);
            }
            continue;
        }
        in_requires = false;
        if let Some(s) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.trim().to_string();
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if section == "metadata" && key == "name" && !value.is_empty() {
            c.out.push(project_finding(value, path, line));
        } else if (section == "options" && key == "install_requires")
            || section == "options.extras_require"
        {
            in_requires = true;
            if !value.is_empty() {
                c.requirement(strip_hash_comment(value), line);
            }
        }
    }
    c.out
}

/// `s` without the leading keyword `w` (which must be followed by space).
fn after_word<'s>(s: &'s str, w: &str) -> Option<&'s str> {
    s.strip_prefix(w)
        .filter(|r| r.starts_with(char::is_whitespace))
        .map(str::trim)
}

/// Imported modules on one line of Python code (`import a.b as c, d` or
/// `from a import b, c`), as candidate dotted paths for the table.
fn import_candidates(line: &str) -> Vec<String> {
    let code = strip_hash_comment(line).trim();
    let before_as = |s: &str| s.split_whitespace().next().unwrap_or("").to_string();
    if let Some(rest) = after_word(code, "import") {
        return rest
            .split(',')
            .map(before_as)
            .filter(|m| !m.is_empty())
            .collect();
    }
    let Some(rest) = after_word(code, "from") else {
        return Vec::new();
    };
    let Some((module, names)) = rest.split_once(" import") else {
        return Vec::new();
    };
    let module = module.trim();
    if module.is_empty() || module.starts_with('.') {
        return Vec::new();
    }
    let names = names
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['\\', ')']);
    let mut out: Vec<String> = names
        .split(',')
        .map(before_as)
        .filter(|n| !n.is_empty() && n != "*" && n != "(")
        .map(|n| format!("{module}.{n}"))
        .collect();
    out.push(module.to_string());
    out
}

/// Tracks whether a line starts inside a triple-quoted string.
#[derive(Default)]
struct StringState(Option<&'static str>);

impl StringState {
    /// True when `line` is code (not inside a docstring); updates the state.
    fn code_line(&mut self, line: &str) -> bool {
        let was_code = self.0.is_none();
        let mut rest = line;
        loop {
            match self.0 {
                Some(delim) => match rest.find(delim) {
                    Some(i) => {
                        rest = &rest[i + 3..];
                        self.0 = None;
                    }
                    None => break,
                },
                None => {
                    let next = ["\"\"\"", "'''"]
                        .into_iter()
                        .filter_map(|d| rest.find(d).map(|i| (i, d)))
                        .min();
                    match next {
                        Some((i, d)) => {
                            rest = &rest[i + 3..];
                            self.0 = Some(d);
                        }
                        None => break,
                    }
                }
            }
        }
        was_code
    }
}

/// Known imports in code lines `(line number, text)`, first mention of each.
fn imports<'l>(c: &mut Collector<'_>, lines: impl Iterator<Item = (Option<usize>, &'l str)>) {
    let mut state = StringState::default();
    for (line, text) in lines {
        if !state.code_line(text) {
            continue;
        }
        for candidate in import_candidates(text) {
            if let Some((name, k)) = table::lookup_import(&candidate) {
                if c.seen.insert(table::normalize_py(&name)) {
                    c.out.push(known_finding(k, &name, c.path, line));
                }
            }
        }
    }
}

/// A `.py` file: `import` / `from … import` lines naming known packages.
pub(crate) fn source(path: &str, text: &str) -> Vec<Finding> {
    let mut c = Collector::new(path);
    imports(
        &mut c,
        text.lines().enumerate().map(|(i, l)| (Some(i + 1), l)),
    );
    c.out
}

/// Packages named in a notebook `!pip install …` / `%pip install …` line.
fn pip_install(c: &mut Collector<'_>, line: &str, at: Option<usize>) {
    let t = line.trim_start();
    let Some(cmd) = t.strip_prefix('!').or_else(|| t.strip_prefix('%')) else {
        return;
    };
    let mut words = cmd.split_whitespace();
    let pip = words.next().unwrap_or("");
    if !(pip == "pip" || pip == "pip3") || words.next() != Some("install") {
        return;
    }
    for word in words.filter(|w| !w.starts_with('-')) {
        c.requirement(word.trim_matches(['"', '\'']), at);
    }
}

/// A Jupyter notebook: imports and `pip install` lines in code cells, plus
/// one "notebook" finding when it uses any AI package. Lines are the
/// notebook file's own lines when the JSON lists source lines one per line
/// (as Jupyter writes it), otherwise unknown.
pub(crate) fn notebook(path: &str, text: &str) -> Result<Vec<Finding>, InspectError> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| InspectError::Malformed {
            format: "notebook JSON",
            message: e.to_string(),
        })?;
    let cells = doc
        .get("cells")
        .and_then(|c| c.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut c = Collector::new(path);
    let mut cursor = 0;
    for cell in cells
        .iter()
        .filter(|cell| cell.get("cell_type").and_then(|t| t.as_str()) == Some("code"))
    {
        let lines: Vec<(Option<usize>, String)> = match cell.get("source") {
            Some(serde_json::Value::Array(parts)) => parts
                .iter()
                .filter_map(|p| p.as_str())
                .map(|s| {
                    let at = locate_json_string(text, s, &mut cursor);
                    (at, s.trim_end_matches(['\n', '\r']).to_string())
                })
                .collect(),
            Some(serde_json::Value::String(s)) => {
                s.lines().map(|l| (None, l.to_string())).collect()
            }
            _ => Vec::new(),
        };
        for (at, line) in &lines {
            pip_install(&mut c, line, *at);
        }
        imports(&mut c, lines.iter().map(|(at, l)| (*at, l.as_str())));
    }
    if !c.out.is_empty() {
        let mut names: Vec<&str> = c.out.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let why = format!(
            "Jupyter notebook using AI packages ({}): model experiments, training or evaluation outside the main code",
            names.join(", ")
        );
        let name = super::file_name(path).to_string();
        c.out.push(Finding {
            category: "notebook",
            name,
            path: path.to_string(),
            line: None,
            why,
        });
    }
    Ok(c.out)
}

/// Line of the next occurrence of `s` as a JSON string literal at or after
/// `cursor` (advanced past it when found).
fn locate_json_string(text: &str, s: &str, cursor: &mut usize) -> Option<usize> {
    let needle = serde_json::to_string(s).ok()?;
    let from = (*cursor).min(text.len());
    let i = text.get(from..)?.find(&needle)? + from;
    *cursor = i + needle.len();
    Some(line_at(text, i))
}
