//! Layered configuration: command-line flags, then `AIMS_*` environment
//! variables (both handled by clap), then an optional TOML file, then defaults.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Settings that may come from the TOML file (`--config FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub log_format: Option<String>,
    pub secure_cookies: Option<bool>,
    pub trust_proxy: Option<bool>,
    pub history_key_file: Option<PathBuf>,
    pub max_connections: Option<usize>,
    pub header_timeout_secs: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub webhook_allow_private: Option<bool>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<FileConfig, String> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))
    }
}

/// A database URL with any password replaced, safe to print or log: the
/// password in the user info (everything up to the last `@` of the authority)
/// and any `password=` query parameter.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The user info ends at the last '@' before the query: a password may
    // itself hold '/', '?'-free '@' or ':' characters.
    let before_query = rest.find('?').unwrap_or(rest.len());
    let (authority, tail) = match rest[..before_query].rfind('@') {
        Some(at) => {
            let host_end = rest[at..].find(['/', '?']).map_or(rest.len(), |i| at + i);
            rest.split_at(host_end)
        }
        None => match rest.find(['/', '?']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        },
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://aims:s3cret@db:5432/aims"),
            "postgres://aims:***@db:5432/aims"
        );
        assert_eq!(redact_url("postgres://db/aims"), "postgres://db/aims");
        assert_eq!(
            redact_url("postgres://u:p@ss@db/x"),
            "postgres://u:***@db/x"
        );
        assert_eq!(
            redact_url("postgres://aims:pa/ss:w@rd@db:5432/aims?sslmode=require"),
            "postgres://aims:***@db:5432/aims?sslmode=require"
        );
        assert_eq!(redact_url("postgres://u:a/b@db"), "postgres://u:***@db");
        assert_eq!(
            redact_url("postgres://db/x?user=u&password=s3cret"),
            "postgres://db/x?user=u&password=***"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = toml::from_str::<FileConfig>("listn = \"x\"").unwrap_err();
        assert!(e.to_string().contains("listn"));
    }
}
