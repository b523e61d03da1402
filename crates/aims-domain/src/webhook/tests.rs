use super::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn event() -> Event {
    Event {
        seq: 42,
        id: "0190-event".into(),
        at: "2026-01-02T03:04:05.000000Z".into(),
        actor: "user:u1".into(),
        actor_label: "ada@example.org".into(),
        workspace_id: "w1".into(),
        action: "create".into(),
        record_type: "ai_system".into(),
        record_id: "r1".into(),
        change: r#"{"name":"Chatbot"}"#.into(),
        prev_hash: "p".into(),
        hash: "h".into(),
    }
}

#[test]
fn the_signed_bytes_are_timestamp_event_id_and_body() {
    assert_eq!(signed_bytes(1700000000, "e1", b"{}"), b"1700000000.e1.{}");
    assert_eq!(signed_bytes(-5, "", b""), b"-5..");
}

#[test]
fn the_signature_is_the_hmac_sha256_of_the_signed_bytes() {
    // Independently: HMAC-SHA256(key = "whsec_test", "1700000000.e1.{\"a\":1}").
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"whsec_test").unwrap();
    m.update(b"1700000000.e1.{\"a\":1}");
    let expected = format!("sha256={}", hex::encode(m.finalize().into_bytes()));
    let got = sign("whsec_test", 1700000000, "e1", br#"{"a":1}"#);
    assert_eq!(got, expected);
    assert_eq!(got.len(), "sha256=".len() + 64);
    // RFC 4231 test case 2 pins the primitive itself.
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"Jefe").unwrap();
    m.update(b"what do ya want for nothing?");
    assert_eq!(
        hex::encode(m.finalize().into_bytes()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn every_signed_part_changes_the_signature() {
    let base = sign("s", 1, "e", b"body");
    assert_ne!(base, sign("t", 1, "e", b"body"));
    assert_ne!(base, sign("s", 2, "e", b"body"));
    assert_ne!(base, sign("s", 1, "f", b"body"));
    assert_ne!(base, sign("s", 1, "e", b"bodY"));
}

#[test]
fn a_receiver_verifies_signature_and_timestamp() {
    let body = br#"{"id":"e1"}"#;
    let sig = sign("whsec_k", 1000, "e1", body);
    assert_eq!(
        verify("whsec_k", &sig, "1000", "e1", body, 1000, 300),
        Ok(())
    );
    // Within the tolerance, either way.
    assert_eq!(
        verify("whsec_k", &sig, "1000", "e1", body, 1300, 300),
        Ok(())
    );
    assert_eq!(
        verify("whsec_k", &sig, "1000", "e1", body, 700, 300),
        Ok(())
    );
    // Outside it: a replay.
    assert_eq!(
        verify("whsec_k", &sig, "1000", "e1", body, 1301, 300),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        verify("whsec_k", &sig, "1000", "e1", body, 699, 300),
        Err(SignatureError::Stale)
    );
    // Anything changed.
    for (secret, ts, id, b) in [
        ("whsec_x", "1000", "e1", &body[..]),
        ("whsec_k", "1001", "e1", &body[..]),
        ("whsec_k", "1000", "e2", &body[..]),
        ("whsec_k", "1000", "e1", &b"{}"[..]),
    ] {
        assert_eq!(
            verify(secret, &sig, ts, id, b, 1000, 300),
            Err(SignatureError::Mismatch),
            "{secret} {ts} {id}"
        );
    }
    assert_eq!(
        verify("whsec_k", &sig, "soon", "e1", body, 1000, 300),
        Err(SignatureError::BadTimestamp)
    );
    for bad in [
        "",
        "sha1=00",
        &sig["sha256=".len()..],
        &format!("sha256={}", &sig[7..70]),
        &format!("{}zz", &sig[..69]),
        // Well-formed hex, but 31 bytes.
        &sig[..69],
        &format!("{}00", &sig),
    ] {
        assert_eq!(
            verify("whsec_k", bad, "1000", "e1", body, 1000, 300),
            Err(SignatureError::Malformed),
            "{bad}"
        );
    }
}

#[test]
fn secrets_are_derived_from_key_id_and_salt() {
    let key = [7u8; 32];
    let s = derive_secret(&key, "w1", "salt1");
    assert!(s.starts_with("whsec_"));
    assert_eq!(s.len(), "whsec_".len() + 64);
    assert_eq!(s, derive_secret(&key, "w1", "salt1"));
    assert_ne!(s, derive_secret(&[8u8; 32], "w1", "salt1"));
    assert_ne!(s, derive_secret(&key, "w2", "salt1"));
    assert_ne!(s, derive_secret(&key, "w1", "salt2"));
    // Length prefixes: moving a character across the boundary is another secret.
    assert_ne!(
        derive_secret(&key, "ab", "c"),
        derive_secret(&key, "a", "bc")
    );
    // Pinned, so a change of the derivation (which would change every secret) is noticed.
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    m.update(b"aims-webhook-secret-v1");
    m.update(&2u64.to_be_bytes());
    m.update(b"w1");
    m.update(&5u64.to_be_bytes());
    m.update(b"salt1");
    assert_eq!(
        s,
        format!("whsec_{}", hex::encode(m.finalize().into_bytes()))
    );
}

#[test]
fn the_backoff_waits_then_gives_up() {
    let d = |s| Some(Duration::from_secs(s));
    assert_eq!(next_delay(0, &DEFAULT_BACKOFF), None);
    assert_eq!(next_delay(1, &DEFAULT_BACKOFF), d(60));
    assert_eq!(next_delay(2, &DEFAULT_BACKOFF), d(300));
    assert_eq!(next_delay(3, &DEFAULT_BACKOFF), d(1800));
    assert_eq!(next_delay(4, &DEFAULT_BACKOFF), d(7200));
    assert_eq!(next_delay(5, &DEFAULT_BACKOFF), d(43200));
    assert_eq!(next_delay(6, &DEFAULT_BACKOFF), None);
    assert_eq!(next_delay(u32::MAX, &DEFAULT_BACKOFF), None);
    assert_eq!(max_attempts(&DEFAULT_BACKOFF), 6);
    let short = [Duration::from_millis(10)];
    assert_eq!(next_delay(1, &short), Some(Duration::from_millis(10)));
    assert_eq!(next_delay(2, &short), None);
    assert_eq!(max_attempts(&short), 2);
    assert_eq!(next_delay(1, &[]), None);
    assert_eq!(max_attempts(&[]), 1);
}

#[test]
fn the_payload_carries_the_event_and_nothing_else() {
    let body = payload(&event(), "acme");
    assert_eq!(
        body,
        r#"{"id":"0190-event","seq":42,"at":"2026-01-02T03:04:05.000000Z","workspace":"acme","action":"create","record_type":"ai_system","record_id":"r1","actor_label":"ada@example.org","change":{"name":"Chatbot"}}"#
    );
    let mut odd = event();
    odd.change = "not json".into();
    let v: serde_json::Value = serde_json::from_str(&payload(&odd, "acme")).unwrap();
    assert_eq!(v["change"], "not json");
    assert!(v.get("hash").is_none() && v.get("actor").is_none());
}

#[test]
fn filters_match_types_actions_and_everything() {
    let all = EventFilter::parse(&["*"]).unwrap();
    assert!(all.is_all());
    assert!(all.matches("risk", "delete"));
    assert_eq!(all, EventFilter::all());
    assert_eq!(all.entries(), ["*"]);

    let f = EventFilter::parse(&["ai_system", "risk.update", "*.delete", "member.*"]).unwrap();
    assert!(!f.is_all());
    assert!(f.matches("ai_system", "create"));
    assert!(f.matches("ai_system", "anything"));
    assert!(f.matches("risk", "update"));
    assert!(!f.matches("risk", "create"));
    assert!(f.matches("control", "delete"));
    assert!(f.matches("member", "add"));
    assert!(!f.matches("control", "update"));
    assert!(!f.matches("ai_systems", "create"));
    assert_eq!(
        f.entries(),
        ["ai_system", "risk.update", "*.delete", "member"]
    );

    // A `*` anywhere means all; `*.*` too.
    assert!(EventFilter::parse(&["risk", "*"]).unwrap().is_all());
    assert!(EventFilter::parse(&["*.*"]).unwrap().is_all());
    assert!(!EventFilter::parse(&["risk"]).unwrap().is_all());

    let none = EventFilter::nothing();
    assert!(!none.matches("risk", "update"));
    assert!(!none.is_all());
    assert!(none.entries().is_empty());
}

#[test]
fn filters_are_normalised_and_checked() {
    let f = EventFilter::parse(&[" Risk.Update ", "risk.update", "risk"]).unwrap();
    assert_eq!(f.entries(), ["risk.update", "risk"]);
    let t = EventFilter::parse_text("risk, ai_system.create\n*.delete  ").unwrap();
    assert_eq!(t.entries(), ["risk", "ai_system.create", "*.delete"]);
    assert!(EventFilter::parse_text("*").unwrap().is_all());
    assert!(EventFilter::parse_text(" , ").is_err());
    let empty: [&str; 0] = [];
    assert!(EventFilter::parse(&empty).is_err());
    for bad in [
        "",
        "risk.",
        ".create",
        "risk.up.date",
        "risk!",
        "ri sk",
        "é",
    ] {
        assert!(EventFilter::parse(&[bad]).is_err(), "{bad:?}");
    }
    let long = "a".repeat(65);
    assert!(EventFilter::parse(&[long.as_str()]).is_err());
    let longest = "a".repeat(64);
    assert!(EventFilter::parse(&[longest.as_str()]).is_ok());
    assert!(EventFilter::parse(&["risk-actions.link_2"]).is_ok());
    let many: Vec<String> = (0..=MAX_PATTERNS).map(|i| format!("t{i}")).collect();
    assert!(EventFilter::parse(&many).is_err());
    assert!(EventFilter::parse(&many[..MAX_PATTERNS]).is_ok());
}

#[test]
fn targets_are_http_or_https_urls_with_a_host() {
    let t = parse_target(" https://Hooks.Example.org/in?x=1 ").unwrap();
    assert_eq!(t.url, "https://hooks.example.org/in?x=1");
    assert_eq!(t.host, TargetHost::Name("hooks.example.org".into()));
    assert_eq!(t.port, 443);
    assert!(t.https);
    assert_eq!(t.origin(), "https://hooks.example.org");

    let t = parse_target("http://127.0.0.1:8080/hook").unwrap();
    assert_eq!(t.host, TargetHost::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    assert_eq!(t.port, 8080);
    assert!(!t.https);
    assert_eq!(t.origin(), "http://127.0.0.1:8080");
    assert_eq!(parse_target("http://h/").unwrap().origin(), "http://h");
    assert_eq!(
        parse_target("https://h:80/").unwrap().origin(),
        "https://h:80"
    );

    let t = parse_target("http://[::1]:9/").unwrap();
    assert_eq!(t.host, TargetHost::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    assert_eq!(t.origin(), "http://[::1]:9");
    // Numeric hosts in other spellings are addresses too.
    assert_eq!(
        parse_target("http://2130706433/").unwrap().host,
        TargetHost::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST))
    );

    for bad in [
        "",
        "  ",
        "hooks.example.org/in",
        "ftp://hooks.example.org/",
        "file:///etc/passwd",
        "gopher://h/",
        "javascript:alert(1)",
        "https://user:pw@hooks.example.org/",
        "https://user@hooks.example.org/",
        "https://hooks.example.org/#top",
        "http://",
        "https://:443/",
    ] {
        assert!(parse_target(bad).is_err(), "{bad:?}");
    }
    let long = format!("https://h/{}", "a".repeat(MAX_URL_CHARS));
    assert!(parse_target(&long).is_err());
    let longest = format!("https://h/{}", "a".repeat(MAX_URL_CHARS - 10));
    assert!(parse_target(&longest).is_ok());
}

fn v4(s: &str) -> IpAddr {
    IpAddr::V4(s.parse().unwrap())
}

fn v6(s: &str) -> IpAddr {
    IpAddr::V6(s.parse().unwrap())
}

#[test]
fn addresses_are_classified() {
    use AddressClass::*;
    let cases = [
        ("8.8.8.8", Public),
        ("1.1.1.1", Public),
        ("9.255.255.255", Public),
        ("11.0.0.0", Public),
        ("0.0.0.0", Forbidden),
        ("0.1.2.3", Forbidden),
        ("169.254.169.254", Forbidden),
        ("169.254.0.1", Forbidden),
        ("169.253.255.255", Public),
        ("169.255.0.0", Public),
        ("224.0.0.1", Forbidden),
        ("239.255.255.255", Forbidden),
        ("240.0.0.1", Forbidden),
        ("255.255.255.255", Forbidden),
        ("223.255.255.255", Public),
        ("100.100.100.200", Forbidden),
        ("127.0.0.1", Loopback),
        ("127.255.255.254", Loopback),
        ("128.0.0.1", Public),
        ("126.255.255.255", Public),
        ("10.0.0.1", Private),
        ("10.255.255.255", Private),
        ("172.16.0.1", Private),
        ("172.31.255.255", Private),
        ("172.15.255.255", Public),
        ("172.32.0.0", Public),
        ("192.168.1.1", Private),
        ("192.169.0.0", Public),
        ("100.64.0.1", Private),
        ("100.127.255.255", Private),
        ("100.128.0.0", Public),
        ("100.63.255.255", Public),
        ("192.0.0.8", Private),
        ("192.0.1.0", Public),
        ("192.0.2.1", Private),
        ("198.18.0.1", Private),
        ("198.19.255.255", Private),
        ("198.20.0.0", Public),
        ("198.51.100.7", Private),
        ("203.0.113.9", Private),
        ("203.0.114.0", Public),
    ];
    for (ip, class) in cases {
        assert_eq!(classify(v4(ip)), class, "{ip}");
    }
    let cases = [
        ("2606:4700::1111", Public),
        ("::", Forbidden),
        ("::1", Loopback),
        ("fe80::1", Forbidden),
        ("febf::1", Forbidden),
        ("fec0::1", Private),
        ("ff02::1", Forbidden),
        ("fc00::1", Private),
        ("fdff::1", Private),
        ("fe00::1", Public),
        ("fd00:ec2::254", Forbidden),
        ("fd00:ec2::253", Private),
        ("2001:db8::1", Private),
        ("2001:db9::1", Public),
        // IPv4 inside IPv6.
        ("::ffff:127.0.0.1", Loopback),
        ("::ffff:169.254.169.254", Forbidden),
        ("::ffff:8.8.8.8", Public),
        ("64:ff9b::a9fe:a9fe", Forbidden),
        ("64:ff9b::808:808", Public),
        ("64:ff9b::7f00:1", Loopback),
        ("64:ff9b:1::a9fe:a9fe", Public),
        ("2002:a9fe:a9fe::1", Forbidden),
        ("2002:0a00:0001::1", Private),
        ("2002:0808:0808::1", Public),
        ("2003:a9fe:a9fe::1", Public),
    ];
    for (ip, class) in cases {
        assert_eq!(classify(v6(ip)), class, "{ip}");
    }
}

#[test]
fn private_addresses_need_the_operators_consent() {
    assert!(address_allowed(v4("8.8.8.8"), false));
    assert!(address_allowed(v4("8.8.8.8"), true));
    assert!(!address_allowed(v4("10.0.0.1"), false));
    assert!(address_allowed(v4("10.0.0.1"), true));
    assert!(!address_allowed(v4("127.0.0.1"), false));
    assert!(address_allowed(v4("127.0.0.1"), true));
    assert!(!address_allowed(v4("169.254.169.254"), true));
    assert!(!address_allowed(v4("169.254.169.254"), false));
    assert_eq!(address_refusal(v4("8.8.8.8"), false), None);
    assert_eq!(address_refusal(v4("127.0.0.1"), true), None);
    assert!(address_refusal(v4("127.0.0.1"), false)
        .unwrap()
        .contains("--webhook-allow-private"));
    assert!(address_refusal(v4("169.254.169.254"), true)
        .unwrap()
        .contains("never"));
}
