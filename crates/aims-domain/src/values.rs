//! Parsed value types: once constructed they are valid, never re-checked.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A workspace slug: 2–63 characters of `a-z`, `0-9` and `-`, starting with a letter
/// or digit and not ending with `-`. Used in URLs, so it is lowercase ASCII only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let s = raw.trim();
        if s.len() < 2 || s.len() > 63 {
            return Err("must be 2 to 63 characters long".into());
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("may contain only lowercase letters a-z, digits and '-'".into());
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("must not start or end with '-'".into());
        }
        Ok(Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Slug::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address used as a login name: trimmed, lowercased, one `@` with
/// text on both sides and a dot in the domain. Deliverability is not our concern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("is required".into());
        }
        if s.len() > 254 {
            return Err("must be at most 254 characters".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("must be an e-mail address like name@example.org".into());
        };
        let ok = !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return Err("must be an e-mail address like name@example.org".into());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Minimum rules for a password chosen by a person.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 10 {
        return Err("must be at least 10 characters".into());
    }
    if n > 1024 {
        return Err("must be at most 1024 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_accepts_and_rejects() {
        assert_eq!(Slug::parse(" acme-ai ").unwrap().as_str(), "acme-ai");
        assert!(Slug::parse("a").is_err());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("-acme").is_err());
        assert!(Slug::parse("acme-").is_err());
        assert!(Slug::parse("ac me").is_err());
        assert!(Slug::parse(&"a".repeat(64)).is_err());
    }

    #[test]
    fn slug_never_panics_on_arbitrary_text() {
        for s in ["", "é", "🙂🙂", "\0\0", "--", "a-b", "0a", "ab\u{300}"] {
            if let Ok(slug) = Slug::parse(s) {
                assert!(slug.as_str().is_ascii());
            }
        }
    }

    #[test]
    fn email_is_normalised() {
        assert_eq!(
            Email::parse(" Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@x.org",
            "a@@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn password_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pass").is_ok());
        // Both bounds are inclusive, counted in characters.
        assert!(check_password(&"x".repeat(9)).is_err());
        assert!(check_password(&"x".repeat(10)).is_ok());
        assert!(check_password(&"é".repeat(10)).is_ok());
        assert!(check_password(&"x".repeat(1024)).is_ok());
        assert!(check_password(&"x".repeat(1025)).is_err());
        assert!(
            check_password(&"é".repeat(1024)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn slug_length_bounds_are_inclusive() {
        assert!(Slug::parse("ab").is_ok());
        assert!(Slug::parse(&"a".repeat(63)).is_ok());
        assert!(Slug::parse(&"a".repeat(64)).is_err());
        assert!(Slug::parse("a").is_err());
    }

    #[test]
    fn email_length_bound_is_inclusive() {
        let at_limit = format!("{}@example.org", "a".repeat(254 - 12));
        assert_eq!(at_limit.len(), 254);
        assert!(Email::parse(&at_limit).is_ok());
        assert!(Email::parse(&format!("a{at_limit}")).is_err());
    }

    #[test]
    fn values_convert_and_display_as_their_text() {
        let slug = Slug::parse("acme-ai").unwrap();
        assert_eq!(slug.to_string(), "acme-ai");
        assert_eq!(String::from(slug.clone()), "acme-ai");
        assert_eq!(Slug::try_from("acme-ai".to_owned()).unwrap(), slug);
        assert!(Slug::try_from("Bad".to_owned()).is_err());
        let email = Email::parse("Ada@Example.org").unwrap();
        assert_eq!(email.to_string(), "ada@example.org");
        assert_eq!(String::from(email.clone()), "ada@example.org");
        assert_eq!(
            Email::try_from("ada@example.org".to_owned()).unwrap(),
            email
        );
        // Serde goes through the same parse.
        let json = serde_json::to_string(&slug).unwrap();
        assert_eq!(json, "\"acme-ai\"");
        assert!(serde_json::from_str::<Slug>("\"NO\"").is_err());
    }
}
