//! Outgoing webhooks: which events a webhook takes, what a delivery carries,
//! how it is signed, when a failed one is tried again, and which addresses
//! may receive one. Pure rules: the store keeps the webhooks, the app's
//! worker sends the deliveries.
//!
//! # The signature scheme
//!
//! Every delivery is a `POST` of one JSON event ([`payload`]) with
//!
//! - `X-Aims-Event-Id`: the history event's id (the same on every attempt:
//!   receivers drop the ones they have seen),
//! - `X-Aims-Timestamp`: when this attempt was signed, in Unix seconds,
//! - `X-Aims-Signature: sha256=<hex>`: HMAC-SHA256, keyed with the webhook's
//!   secret (the whole `whsec_…` text as UTF-8 bytes), over
//!   `<timestamp>.<event id>.<raw body>` ([`signed_bytes`]).
//!
//! A receiver recomputes the HMAC over the body exactly as received,
//! compares it in constant time, refuses a timestamp more than five minutes
//! from its clock (a replayed request) and an event id it has already
//! handled ([`verify`] does the first three).

use crate::history::Event;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

pub const SIGNATURE_HEADER: &str = "X-Aims-Signature";
pub const EVENT_ID_HEADER: &str = "X-Aims-Event-Id";
pub const TIMESTAMP_HEADER: &str = "X-Aims-Timestamp";
/// The delivery's id (one per webhook and event), for the receiver's logs.
pub const DELIVERY_HEADER: &str = "X-Aims-Delivery";
/// Which attempt this is: 1 for the first.
pub const ATTEMPT_HEADER: &str = "X-Aims-Attempt";
/// Every webhook secret starts with this, so secret scanners can spot leaked ones.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far a signed timestamp may be from the receiver's clock.
pub const REPLAY_TOLERANCE_SECS: i64 = 300;
/// The longest target URL accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// The most entries an event filter may have.
pub const MAX_PATTERNS: usize = 50;
const MAX_NAME_CHARS: usize = 64;

/// The waits before the second, third, … attempt: 1 minute, 5 minutes, 30
/// minutes, 2 hours, 12 hours; after the sixth attempt fails, the delivery
/// is given up.
pub const DEFAULT_BACKOFF: [Duration; 5] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(12 * 60 * 60),
];

/// How long to wait after `failed` attempts have failed (1 after the
/// first) before the next one, by `schedule`; `None`: give the delivery up.
pub fn next_delay(failed: u32, schedule: &[Duration]) -> Option<Duration> {
    let index = usize::try_from(failed).ok()?.checked_sub(1)?;
    schedule.get(index).copied()
}

/// The most attempts a delivery gets under `schedule`.
pub fn max_attempts(schedule: &[Duration]) -> usize {
    schedule.len() + 1
}

/// The bytes a signature covers: `<timestamp>.<event id>.<body>`.
pub fn signed_bytes(timestamp: i64, event_id: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{timestamp}.{event_id}.").into_bytes();
    out.extend_from_slice(body);
    out
}

/// HMAC-SHA256 keyed with `secret` over [`signed_bytes`]; HMAC takes keys
/// of any length, so `None` never happens.
fn signature_mac(
    secret: &str,
    timestamp: i64,
    event_id: &str,
    body: &[u8],
) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    m.update(&signed_bytes(timestamp, event_id, body));
    Some(m)
}

/// The `X-Aims-Signature` value: `sha256=` and the hex HMAC-SHA256 of
/// [`signed_bytes`] keyed with `secret`.
pub fn sign(secret: &str, timestamp: i64, event_id: &str, body: &[u8]) -> String {
    let mac = signature_mac(secret, timestamp, event_id, body)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("sha256={mac}")
}

/// Why a receiver refuses a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is not sha256=<64 hex characters>")]
    Malformed,
    #[error("the timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("the timestamp is too far from now (a replay?)")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// What a receiver checks: the signature over the body as received (in
/// constant time) and a timestamp within `tolerance_secs` of `now_unix`.
pub fn verify(
    secret: &str,
    signature: &str,
    timestamp: &str,
    event_id: &str,
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mac = signature
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
        .filter(|b| b.len() == 32)
        .ok_or(SignatureError::Malformed)?;
    let ts: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    if now_unix.abs_diff(ts) > tolerance_secs.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    signature_mac(secret, ts, event_id, body)
        .ok_or(SignatureError::Mismatch)?
        .verify_slice(&mac)
        .map_err(|_| SignatureError::Mismatch)
}

/// A webhook's secret, derived from the instance key (the history key, kept
/// outside the database) and the webhook's id and salt: the database holds
/// only the salt, so reading it does not give the secret away; a new salt
/// is a new secret.
pub fn derive_secret(key: &[u8], webhook_id: &str, salt: &str) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(b"aims-webhook-secret-v1");
    for part in [webhook_id, salt] {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part.as_bytes());
    }
    format!("{SECRET_PREFIX}{}", hex::encode(m.finalize().into_bytes()))
}

/// The JSON body of a delivery: one history event of workspace `workspace`
/// (its slug). The history holds no secrets (no password hashes, no token
/// or webhook secrets), so neither does this.
pub fn payload(event: &Event, workspace: &str) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        id: &'a str,
        seq: i64,
        at: &'a str,
        workspace: &'a str,
        action: &'a str,
        record_type: &'a str,
        record_id: &'a str,
        actor_label: &'a str,
        change: serde_json::Value,
    }
    let change = serde_json::from_str(&event.change)
        .unwrap_or_else(|_| serde_json::Value::String(event.change.clone()));
    serde_json::to_string(&Body {
        id: &event.id,
        seq: event.seq,
        at: &event.at,
        workspace,
        action: &event.action,
        record_type: &event.record_type,
        record_id: &event.record_id,
        actor_label: &event.actor_label,
        change,
    })
    .unwrap_or_default()
}

/// Which events a webhook takes: `*` (all), `<record type>` (every action
/// on it), `<record type>.<action>`, `*.<action>` or `<record type>.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    patterns: Vec<Pattern>,
}

/// One entry; `None` matches anything.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    record_type: Option<String>,
    action: Option<String>,
}

impl Pattern {
    fn matches(&self, record_type: &str, action: &str) -> bool {
        self.record_type.as_deref().is_none_or(|t| t == record_type)
            && self.action.as_deref().is_none_or(|a| a == action)
    }

    fn text(&self) -> String {
        match (&self.record_type, &self.action) {
            (None, None) => "*".into(),
            (Some(t), None) => t.clone(),
            (None, Some(a)) => format!("*.{a}"),
            (Some(t), Some(a)) => format!("{t}.{a}"),
        }
    }
}

/// `*` as `None`; otherwise 1–64 of a-z, 0-9, '_' and '-'.
fn name(part: &str) -> Result<Option<String>, String> {
    if part == "*" {
        return Ok(None);
    }
    let ok = !part.is_empty()
        && part.chars().count() <= MAX_NAME_CHARS
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(Some(part.to_owned()))
    } else {
        Err(format!(
            "'{part}' is not a record type or action: use up to {MAX_NAME_CHARS} of a-z, 0-9, '_' and '-', or *"
        ))
    }
}

impl EventFilter {
    /// Every event.
    pub fn all() -> EventFilter {
        EventFilter {
            patterns: vec![Pattern {
                record_type: None,
                action: None,
            }],
        }
    }

    /// No event (a stored filter that no longer reads).
    pub fn nothing() -> EventFilter {
        EventFilter { patterns: vec![] }
    }

    /// Reads a list of entries (trimmed, lower-cased, duplicates dropped);
    /// a `*` among them means every event.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<EventFilter, String> {
        if items.len() > MAX_PATTERNS {
            return Err(format!("has more than {MAX_PATTERNS} entries"));
        }
        let mut patterns: Vec<Pattern> = Vec::new();
        for item in items {
            let item = item.as_ref().trim().to_lowercase();
            let (t, a) = match item.split_once('.') {
                Some((t, a)) => (t, Some(a)),
                None => (item.as_str(), None),
            };
            let p = Pattern {
                record_type: name(t)?,
                action: a.map(name).transpose()?.flatten(),
            };
            if p.record_type.is_none() && p.action.is_none() {
                return Ok(EventFilter::all());
            }
            if !patterns.contains(&p) {
                patterns.push(p);
            }
        }
        if patterns.is_empty() {
            return Err("names no event: give record types or actions, or * for all".into());
        }
        Ok(EventFilter { patterns })
    }

    /// Reads entries separated by commas or white space (a form's text field).
    pub fn parse_text(text: &str) -> Result<EventFilter, String> {
        let items: Vec<&str> = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        EventFilter::parse(&items)
    }

    pub fn matches(&self, record_type: &str, action: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(record_type, action))
    }

    pub fn is_all(&self) -> bool {
        *self == EventFilter::all()
    }

    /// The entries as text, in their order (`["*"]` for all).
    pub fn entries(&self) -> Vec<String> {
        self.patterns.iter().map(Pattern::text).collect()
    }
}

/// Where a webhook sends: a checked http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL as it will be requested (normalised).
    pub url: String,
    pub host: TargetHost,
    pub port: u16,
    pub https: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetHost {
    /// An address written in the URL: checked when the webhook is saved.
    Ip(IpAddr),
    /// A name: its addresses are checked each time it is resolved.
    Name(String),
}

impl Target {
    /// `scheme://host[:port]`: what the history and logs show of a target
    /// (a path or query may hold a receiver's own secret).
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        let host = match &self.host {
            TargetHost::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            TargetHost::Ip(ip) => ip.to_string(),
            TargetHost::Name(n) => n.clone(),
        };
        if self.port == default {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }
}

/// Reads a target URL: http or https only, with a host, without a user
/// name, password or fragment.
pub fn parse_target(text: &str) -> Result<Target, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is required".into());
    }
    if text.chars().count() > MAX_URL_CHARS {
        return Err(format!("is longer than {MAX_URL_CHARS} characters"));
    }
    let url = url::Url::parse(text).map_err(|e| format!("is not a URL ({e})"))?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(format!("must be an http or https URL, not {other}:")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "must not carry a user name or password (the signature proves the sender)".into(),
        );
    }
    if url.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => TargetHost::Name(d.to_ascii_lowercase()),
        Some(url::Host::Ipv4(ip)) => TargetHost::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => TargetHost::Ip(IpAddr::V6(ip)),
        None => return Err("has no host".into()),
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "has no port".to_owned())?;
    Ok(Target {
        url: url.to_string(),
        host,
        port,
        https,
    })
}

/// What kind of address a webhook would reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// The internet.
    Public,
    /// A private network (RFC 1918, carrier-grade NAT, unique local IPv6,
    /// documentation and benchmarking ranges): allowed only when the
    /// operator says so (`--webhook-allow-private`).
    Private,
    /// This machine: allowed only with private networks.
    Loopback,
    /// Never: unspecified, link-local (cloud metadata services live there),
    /// multicast, broadcast, reserved, and the known metadata addresses.
    Forbidden,
}

/// Cloud metadata services outside the link-local range.
const METADATA_V4: [Ipv4Addr; 1] = [Ipv4Addr::new(100, 100, 100, 200)];
const METADATA_V6: [Ipv6Addr; 1] = [Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)];

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    const FORBIDDEN: [([u8; 4], u32); 4] = [
        ([0, 0, 0, 0], 8),      // "this network", unspecified
        ([169, 254, 0, 0], 16), // link-local, cloud metadata
        ([224, 0, 0, 0], 4),    // multicast
        ([240, 0, 0, 0], 4),    // reserved, broadcast
    ];
    const PRIVATE: [([u8; 4], u32); 9] = [
        ([10, 0, 0, 0], 8),
        ([172, 16, 0, 0], 12),
        ([192, 168, 0, 0], 16),
        ([100, 64, 0, 0], 10),   // carrier-grade NAT
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // documentation
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // documentation
        ([203, 0, 113, 0], 24),  // documentation
    ];
    if METADATA_V4.contains(&ip) || FORBIDDEN.iter().any(|(n, p)| in_v4(ip, *n, *p)) {
        AddressClass::Forbidden
    } else if in_v4(ip, [127, 0, 0, 0], 8) {
        AddressClass::Loopback
    } else if PRIVATE.iter().any(|(n, p)| in_v4(ip, *n, *p)) {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach an IPv4 address.
    if in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return classify_v4(embedded(s[6], s[7]));
    }
    if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        return classify_v4(embedded(s[1], s[2]));
    }
    if ip.is_unspecified()
        || METADATA_V6.contains(&ip)
        || in_v6(ip, Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10)
        || in_v6(ip, Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8)
    {
        AddressClass::Forbidden
    } else if ip.is_loopback() {
        AddressClass::Loopback
    } else if in_v6(ip, Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
        || in_v6(ip, Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10)
        || in_v6(ip, Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32)
    {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// True when a webhook may connect to `ip`: a public address, or a private
/// or loopback one when `allow_private`; a forbidden one never.
pub fn address_allowed(ip: IpAddr, allow_private: bool) -> bool {
    match classify(ip) {
        AddressClass::Public => true,
        AddressClass::Private | AddressClass::Loopback => allow_private,
        AddressClass::Forbidden => false,
    }
}

/// Why `ip` may not receive webhooks, for messages; `None` when it may.
pub fn address_refusal(ip: IpAddr, allow_private: bool) -> Option<&'static str> {
    if address_allowed(ip, allow_private) {
        return None;
    }
    Some(match classify(ip) {
        AddressClass::Forbidden => {
            "is a link-local, metadata, multicast or reserved address, which never receives webhooks"
        }
        _ => "is a private or loopback address; start aims with --webhook-allow-private to allow it",
    })
}

#[cfg(test)]
mod tests;
