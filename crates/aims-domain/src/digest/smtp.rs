//! The SMTP server URL of `--smtp-url`, parsed once at start-up.
//!
//! - `smtp://user:pass@host:587` — STARTTLS, required (the default port is 587);
//! - `smtps://user:pass@host:465` — TLS from the first byte (default port 465);
//! - `smtp://host:25?tls=none` — no TLS at all, for a relay on this machine
//!   or a trusted network; it refuses a user name and password, which would
//!   cross the network in the clear.
//!
//! A user name and password are percent-decoded (`%40` for `@`). The
//! password never leaves this type except through [`SmtpUrl::password`]:
//! `Debug` and [`SmtpUrl::redacted`] print `***` instead.

use std::fmt;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS; refused without it.
    StartTls,
    /// TLS from the start (`smtps://`).
    Tls,
    /// None (`?tls=none`).
    None,
}

/// A parsed SMTP server URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    password: Option<String>,
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

const SCHEMES: &str = "smtp:// (STARTTLS), smtps:// (TLS) or smtp://…?tls=none (no TLS)";

impl SmtpUrl {
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is empty".into());
        }
        // The error of a URL that does not parse never repeats the text:
        // it may hold the password.
        let url =
            url::Url::parse(text).map_err(|e| format!("is not a URL ({e}); use {SCHEMES}"))?;
        let tls = {
            let mut values = url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()));
            match (values.next(), values.next()) {
                (None, _) => None,
                (Some((k, v)), None) if k == "tls" => Some(v),
                _ => return Err("takes no query but ?tls=none or ?tls=starttls".into()),
            }
        };
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtp", None | Some("starttls")) => Security::StartTls,
            ("smtp", Some("none")) => Security::None,
            ("smtp", Some(other)) => {
                return Err(format!(
                    "?tls={other} is not known: use ?tls=none or ?tls=starttls"
                ))
            }
            ("smtps", None) => Security::Tls,
            ("smtps", Some(_)) => return Err("smtps:// always uses TLS: leave ?tls= out".into()),
            (other, _) => return Err(format!("must start with {SCHEMES}, not {other}://")),
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err("has no host".into()),
        };
        if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
            return Err("must not have a path or a #fragment".into());
        }
        let port = url.port().unwrap_or(match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        });
        let username = Some(url.username())
            .filter(|u| !u.is_empty())
            .map(percent_decode)
            .transpose()?;
        let password = url.password().map(percent_decode).transpose()?;
        match (&username, &password) {
            (None, Some(_)) => return Err("has a password but no user name".into()),
            (Some(_), None) => return Err("has a user name but no password".into()),
            (Some(_), Some(_)) if security == Security::None => {
                return Err(
                    "sends a user name and password only over TLS: use smtp:// (STARTTLS) or smtps://, or leave them out with ?tls=none"
                        .into(),
                )
            }
            _ => {}
        }
        Ok(SmtpUrl {
            host,
            port,
            security,
            username,
            password,
        })
    }

    /// The password, for the SMTP client only.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The URL with the password replaced by `***`, safe to print and log.
    pub fn redacted(&self) -> String {
        let scheme = if self.security == Security::Tls {
            "smtps"
        } else {
            "smtp"
        };
        let user = match &self.username {
            Some(u) => format!("{u}:***@"),
            None => String::new(),
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let query = if self.security == Security::None {
            "?tls=none"
        } else {
            ""
        };
        format!("{scheme}://{user}{host}:{}{query}", self.port)
    }
}

/// Decodes `%XX` escapes; the result must be UTF-8.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("has a user name or password with a bad %-escape")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "has a user name or password that is not UTF-8".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemes_choose_the_protection_and_default_port() {
        let u = SmtpUrl::parse("smtp://mailer:s3cret@Mail.Example.org").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.security),
            ("mail.example.org", 587, Security::StartTls)
        );
        assert_eq!(
            (u.username.as_deref(), u.password()),
            (Some("mailer"), Some("s3cret"))
        );
        let u = SmtpUrl::parse("smtp://h?tls=starttls").unwrap();
        assert_eq!((u.port, u.security), (587, Security::StartTls));
        assert_eq!((u.username, u.password), (None, None));
        let u = SmtpUrl::parse("smtps://u:p@h").unwrap();
        assert_eq!((u.port, u.security), (465, Security::Tls));
        let u = SmtpUrl::parse(" smtp://127.0.0.1:2525/?tls=none ").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.security),
            ("127.0.0.1", 2525, Security::None)
        );
        assert_eq!(SmtpUrl::parse("smtp://h?tls=none").unwrap().port, 25);
        assert_eq!(SmtpUrl::parse("smtps://h:2465").unwrap().port, 2465);
        let u = SmtpUrl::parse("smtp://[::1]:25?tls=none").unwrap();
        assert_eq!(u.host, "::1");
        assert_eq!(u.redacted(), "smtp://[::1]:25?tls=none");
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let u = SmtpUrl::parse("smtps://me%40example.org:p%25ss%3Aw@h").unwrap();
        assert_eq!(u.username.as_deref(), Some("me@example.org"));
        assert_eq!(u.password(), Some("p%ss:w"));
        assert_eq!(percent_decode("a%2Fb%2fc").unwrap(), "a/b/c");
        assert_eq!(percent_decode("%C3%A9").unwrap(), "é");
        assert!(percent_decode("%ZZ").is_err());
        assert!(percent_decode("%4").is_err());
        assert!(percent_decode("%FF").is_err());
        assert!(SmtpUrl::parse("smtps://u:%ZZ@h").is_err());
    }

    #[test]
    fn bad_urls_are_refused_without_repeating_the_password() {
        for (bad, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("mail.example.org", "not a URL"),
            ("http://h", "must start with"),
            ("smtp://h?tls=maybe", "not known"),
            ("smtps://h?tls=none", "always uses TLS"),
            ("smtp://h?tls=none&x=1", "no query"),
            ("smtp://h?port=1", "no query"),
            ("smtp://h/relay", "path"),
            ("smtp://h#x", "fragment"),
            ("smtp://:secret@h", "no user name"),
            ("smtp://user@h", "no password"),
            ("smtp://user:secret@h?tls=none", "only over TLS"),
            ("smtp://", "no host"),
        ] {
            let e = SmtpUrl::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(!e.contains("secret"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_password_is_never_printed() {
        let u = SmtpUrl::parse("smtp://mailer:s3cret@mail.example.org:2587").unwrap();
        assert_eq!(u.redacted(), "smtp://mailer:***@mail.example.org:2587");
        let debug = format!("{u:?}");
        assert!(
            !debug.contains("s3cret") && debug.contains("***"),
            "{debug}"
        );
        assert!(debug.contains("mail.example.org") && debug.contains("2587"));
        let u = SmtpUrl::parse("smtps://h").unwrap();
        assert_eq!(u.redacted(), "smtps://h:465");
        assert!(format!("{u:?}").contains("password: None"));
    }
}
