//! Layered configuration: command-line flags, then `AIMS_*` environment
//! variables (both handled by clap), then an optional TOML file, then defaults.

use aims_domain::digest::smtp::SmtpUrl;
use aims_domain::digest::{parse_public_url, DigestAt};
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
    /// The daily digest (see [`mail_settings`]).
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub digest_at: Option<String>,
    pub digest: Option<bool>,
    pub public_url: Option<String>,
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

/// The digest's settings as given by flags or the environment (clap reads
/// both); the file's fill in what they leave out.
#[derive(Debug, Default)]
pub struct MailInput {
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub digest_at: Option<String>,
    pub digest: Option<bool>,
    pub public_url: Option<String>,
}

/// The digest's effective settings.
#[derive(Debug)]
pub struct MailSettings {
    /// The SMTP server and the sender, when the digest is on.
    pub smtp: Option<(SmtpUrl, String)>,
    pub at: DigestAt,
    pub public_url: Option<String>,
    /// Why the digest is off, when it is.
    pub off_reason: &'static str,
}

/// Layers and checks the digest's settings: off without an SMTP URL or
/// with `digest = false`; an SMTP URL needs a sender. Errors never repeat
/// the SMTP URL (it may hold a password).
pub fn mail_settings(given: MailInput, file: &FileConfig) -> Result<MailSettings, String> {
    let pick = |a: Option<String>, b: &Option<String>| {
        a.or_else(|| b.clone()).filter(|v| !v.trim().is_empty())
    };
    let at = match pick(given.digest_at, &file.digest_at) {
        Some(t) => DigestAt::parse(&t).map_err(|e| format!("--digest-at {e}"))?,
        None => DigestAt::default(),
    };
    let public_url = pick(given.public_url, &file.public_url)
        .map(|u| parse_public_url(&u).map_err(|e| format!("--public-url {e}")))
        .transpose()?;
    let on = given.digest.or(file.digest).unwrap_or(true);
    let (smtp, off_reason) = match pick(given.smtp_url, &file.smtp_url) {
        None => (None, "no --smtp-url"),
        Some(_) if !on => (None, "switched off (--digest false)"),
        Some(url) => {
            let url = SmtpUrl::parse(&url).map_err(|e| format!("--smtp-url {e}"))?;
            let from = pick(given.mail_from, &file.mail_from)
                .ok_or("--mail-from is required with --smtp-url (the digest's sender)")?;
            (Some((url, from.trim().to_owned())), "")
        }
    };
    Ok(MailSettings {
        smtp,
        at,
        public_url,
        off_reason,
    })
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
    fn the_digest_is_off_without_an_smtp_url_and_layers_flags_over_the_file() {
        let off = mail_settings(MailInput::default(), &FileConfig::default()).unwrap();
        assert!(off.smtp.is_none());
        assert_eq!(off.off_reason, "no --smtp-url");
        assert_eq!((off.at.to_string(), off.public_url), ("07:00".into(), None));
        let file: FileConfig = toml::from_str(
            "smtp_url = \"smtp://u:s3cret@mail.example.org\"\nmail_from = \"aims <aims@example.org>\"\ndigest_at = \"06:30\"\npublic_url = \"https://aims.example.org/\"\n",
        )
        .unwrap();
        let m = mail_settings(MailInput::default(), &file).unwrap();
        let (url, from) = m.smtp.unwrap();
        assert_eq!(url.redacted(), "smtp://u:***@mail.example.org:587");
        assert_eq!(from, "aims <aims@example.org>");
        assert_eq!(m.at.to_string(), "06:30");
        assert_eq!(m.public_url.as_deref(), Some("https://aims.example.org"));
        // Flags (and the environment) win over the file.
        let m = mail_settings(
            MailInput {
                smtp_url: Some("smtp://127.0.0.1:2525?tls=none".into()),
                digest_at: Some("23:59".into()),
                ..MailInput::default()
            },
            &file,
        )
        .unwrap();
        assert_eq!(
            m.smtp.unwrap().0.redacted(),
            "smtp://127.0.0.1:2525?tls=none"
        );
        assert_eq!(m.at.to_string(), "23:59");
        let m = mail_settings(
            MailInput {
                digest: Some(false),
                ..MailInput::default()
            },
            &file,
        )
        .unwrap();
        assert!(m.smtp.is_none());
        assert!(m.off_reason.contains("switched off"));
    }

    #[test]
    fn bad_digest_settings_are_refused_without_the_password() {
        let with = |smtp: &str, from: Option<&str>, at: Option<&str>, public: Option<&str>| {
            mail_settings(
                MailInput {
                    smtp_url: Some(smtp.into()),
                    mail_from: from.map(Into::into),
                    digest_at: at.map(Into::into),
                    public_url: public.map(Into::into),
                    digest: None,
                },
                &FileConfig::default(),
            )
            .unwrap_err()
        };
        let e = with("smtp://u:s3cret@h", None, None, None);
        assert!(e.contains("--mail-from is required"), "{e}");
        let e = with("smtp://u:s3cret@h?tls=none", Some("a@b.org"), None, None);
        assert!(e.starts_with("--smtp-url") && !e.contains("s3cret"), "{e}");
        let e = with("ftp://u:s3cret@h", Some("a@b.org"), None, None);
        assert!(e.starts_with("--smtp-url") && !e.contains("s3cret"), "{e}");
        let e = with("smtp://h", Some("a@b.org"), Some("25:00"), None);
        assert!(e.starts_with("--digest-at"), "{e}");
        let e = with("smtp://h", Some("a@b.org"), None, Some("aims.example.org"));
        assert!(e.starts_with("--public-url"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = toml::from_str::<FileConfig>("listn = \"x\"").unwrap_err();
        assert!(e.to_string().contains("listn"));
    }
}
