//! The daily e-mail digest (issue #10): a real SMTP sink on 127.0.0.1,
//! started here, receives each owner's digest through the real SMTP client
//! (lettre, `?tls=none`), driven by the injected clock; overdue duties come
//! first; a member with nothing due gets nothing; a day is sent once, also
//! by two replicas at once, and a replica that stopped mid-way is taken
//! over without sending anyone a second message; a refused recipient is
//! recorded as a failure the administrators see.

use crate::helpers::{
    fetch_text, member_session, sign_in, Options, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use aims_app::domain::digest::smtp::SmtpUrl;
use aims_app::domain::record::{Input, INCIDENTS, RISK_ACTIONS, TRAININGS};
use aims_app::domain::Role;
use aims_app::{App, DigestSettings, FixedClock, Mail, MailSender, Principal};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One message the sink took.
#[derive(Debug, Clone)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A small SMTP server: greeting, EHLO/HELO, MAIL FROM, RCPT TO (refusing
/// the addresses it is told to), DATA, RSET, NOOP, QUIT. No TLS.
struct Sink {
    port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Sink {
    async fn start(refuse: &[&str]) -> Sink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages: Arc<Mutex<Vec<Received>>> = Arc::default();
        let refuse: Arc<Vec<String>> = Arc::new(refuse.iter().map(|s| s.to_string()).collect());
        let kept = messages.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (messages, refuse) = (kept.clone(), refuse.clone());
                tokio::spawn(async move {
                    let _ = session(stream, &messages, &refuse).await;
                });
            }
        });
        Sink {
            port,
            messages,
            task,
        }
    }

    fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    fn url(&self) -> SmtpUrl {
        SmtpUrl::parse(&format!("smtp://127.0.0.1:{}?tls=none", self.port)).unwrap()
    }

    fn client(&self) -> aims_web::MailClient {
        aims_web::MailClient::new(
            &self.url(),
            "aims <aims@example.org>",
            Duration::from_secs(10),
        )
        .unwrap()
    }

    /// Waits until the sink holds `n` messages.
    async fn wait_for(&self, n: usize) {
        for _ in 0..400 {
            if self.messages().len() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the sink got {} messages, not {n}", self.messages().len());
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The address in `MAIL FROM:<a>` or `RCPT TO:<a>`.
fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line[start..end].to_owned()
}

async fn session(
    stream: tokio::net::TcpStream,
    messages: &Mutex<Vec<Received>>,
    refuse: &[String],
) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 sink.test ESMTP test sink\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::<String>::new());
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command);
            to.clear();
            b"250 2.1.0 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let a = address(&command);
            if refuse.contains(&a) {
                b"550 5.1.1 no such mailbox here\r\n"
            } else {
                to.push(a);
                b"250 2.1.5 OK\r\n"
            }
        } else if upper == "DATA" {
            w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            messages.lock().unwrap().push(Received {
                from: from.clone(),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 2.0.0 queued\r\n"
        } else if upper == "RSET" {
            to.clear();
            b"250 2.0.0 OK\r\n"
        } else if upper == "QUIT" {
            w.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 5.5.2 not implemented\r\n"
        };
        w.write_all(answer).await?;
    }
}

/// Quoted-printable decoded (soft line breaks joined, `=XX` escapes).
fn unquote(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The plain-text and HTML parts of a message, decoded.
fn parts(m: &Received) -> (String, String) {
    let text_at = m
        .data
        .find("Content-Type: text/plain")
        .expect("a text part");
    let html_at = m
        .data
        .find("Content-Type: text/html")
        .expect("an HTML part");
    assert!(text_at < html_at, "the plain text comes first");
    assert!(m.data.contains("multipart/alternative"), "{}", m.data);
    (
        unquote(&m.data[text_at..html_at]).replace("\r\n", "\n"),
        unquote(&m.data[html_at..]).replace("\r\n", "\n"),
    )
}

/// The subject header, unfolded.
fn subject(m: &Received) -> String {
    let headers = m
        .data
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .replace("\r\n ", " ");
    headers
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap()
        .to_owned()
}

/// The app as of `hh:mm` UTC on `date`.
fn at(app: &App, date: &str, hh: u64, mm: u64) -> App {
    let secs =
        aims_app::domain::date::day_number(date).unwrap() as u64 * 86_400 + hh * 3600 + mm * 60;
    app.clone().with_clock(Arc::new(FixedClock(
        (std::time::UNIX_EPOCH + Duration::from_secs(secs)).into(),
    )))
}

async fn add_member(t: &TestApp, email: &str, name: &str, slug: &str) {
    t.app
        .add_user(
            &Principal::operator(),
            email,
            name,
            "member password 1",
            false,
            false,
        )
        .await
        .unwrap();
    t.app
        .set_member(&t.scope(slug).await, email, "contributor")
        .await
        .unwrap();
}

async fn create(
    t: &TestApp,
    slug: &str,
    kind: &'static aims_app::domain::record::Kind,
    fields: Value,
) -> String {
    t.app
        .create_record(
            &t.scope(slug).await,
            kind,
            Input::Json(fields.as_object().unwrap()),
        )
        .await
        .unwrap()
        .id
}

async fn user_id(t: &TestApp, email: &str) -> String {
    let mut c = t.app.store.conn().await.unwrap();
    c.conn().user_by_email(email).await.unwrap().unwrap().id
}

fn as_user(id: &str, email: &str) -> Principal {
    Principal {
        kind: aims_app::PrincipalKind::User {
            id: id.to_owned(),
            name: email.to_owned(),
            is_admin: false,
        },
        label: email.to_owned(),
    }
}

const CAROL: &str = "carol@example.org";
const DAVE: &str = "dave@example.org";
const ERIN: &str = "erin@example.org";
const FRANK: &str = "frank@example.org";

/// Carol owns an overdue treatment action and an incident whose report is
/// due, in acme, and a training expiring in beta; Dave owns an action due
/// in three weeks; Erin an overdue action (her address is refused); Frank
/// an overdue action, with the digest switched off. Returns the ids of
/// Carol's action and incident.
async fn duties(t: &TestApp) -> (String, String) {
    t.add_workspace("beta").await;
    add_member(t, CAROL, "Carol <Ops>", "acme").await;
    t.app
        .set_member(&t.scope("beta").await, CAROL, "contributor")
        .await
        .unwrap();
    add_member(t, DAVE, "Dave", "acme").await;
    add_member(t, ERIN, "Erin", "acme").await;
    add_member(t, FRANK, "Frank", "acme").await;
    let action = create(
        t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Retrain <on> fresh & data", "owner": CAROL, "due": "2026-11-25"}),
    )
    .await;
    let incident = create(
        t,
        "acme",
        &INCIDENTS,
        json!({"title": "Wrong dose advice", "owner": CAROL, "aware_on": "2026-11-29", "serious": "widespread"}),
    )
    .await;
    create(
        t,
        "beta",
        &TRAININGS,
        json!({"title": "AI Act awareness", "owner": CAROL, "expires_on": "2026-12-03"}),
    )
    .await;
    create(
        t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Done already", "owner": CAROL, "due": "2026-11-01", "status": "done"}),
    )
    .await;
    create(
        t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Later on", "owner": DAVE, "due": "2026-12-20"}),
    )
    .await;
    create(
        t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Bounced", "owner": ERIN, "due": "2026-11-29"}),
    )
    .await;
    create(
        t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Quiet please", "owner": FRANK, "due": "2026-11-20"}),
    )
    .await;
    let frank = user_id(t, FRANK).await;
    assert!(t
        .app
        .set_receives_digest(&as_user(&frank, FRANK), false)
        .await
        .unwrap());
    (action, incident)
}

#[tokio::test]
async fn each_owner_gets_one_digest_a_day_overdue_first() {
    let t = TestApp::new().await;
    let (action, incident) = duties(&t).await;
    let sink = Sink::start(&[ERIN]).await;
    let mailer = sink.client();
    let mut base = t.app.clone();
    base.config.digest.public_url = Some("https://aims.example.org".into());
    let app = at(&base, "2026-11-30", 7, 0);

    let r = app.send_digests("2026-11-30", &mailer).await.unwrap();
    assert_eq!(
        (r.claimed, r.sent, r.failed, r.skipped),
        (true, 1, 1, 0),
        "{r:?}"
    );
    let got = sink.messages();
    assert_eq!(got.len(), 1, "only Carol's was taken: {got:?}");
    let m = &got[0];
    assert_eq!(
        (m.from.as_str(), m.to.as_slice()),
        ("aims@example.org", [CAROL.to_owned()].as_slice())
    );
    assert_eq!(
        subject(m),
        "aims digest for 2026-11-30: 1 overdue, 2 due within 7 days"
    );
    let (text, html) = parts(m);
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} in {text}"));
    assert!(text.contains("Hello Carol <Ops>,"), "{text}");
    assert!(pos("Acme AI") < pos("Overdue (1)"));
    assert!(
        pos("Overdue (1)")
            < pos("* Retrain <on> fresh & data (Treatment action, due 2026-11-25, 5 days overdue)")
    );
    assert!(pos("Retrain <on>") < pos("Due within 7 days (1)"));
    assert!(pos("Due within 7 days (1)") < pos("* Wrong dose advice"));
    assert!(pos("Wrong dose advice") < pos("beta org"));
    assert!(pos("beta org") < pos("* AI Act awareness"));
    assert!(text.contains("2026-12-01, in 1 day)"), "{text}");
    assert!(
        text.contains(&format!(
            "https://aims.example.org/w/acme/risk-actions/{action}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "https://aims.example.org/w/acme/incidents/{incident}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("https://aims.example.org/w/beta/work"),
        "{text}"
    );
    assert!(
        !text.contains("Done already") && !text.contains("Later on"),
        "{text}"
    );
    // The HTML alternative is escaped.
    assert!(
        html.contains("Retrain &lt;on&gt; fresh &amp; data"),
        "{html}"
    );
    assert!(html.contains("Hello Carol &lt;Ops&gt;,"), "{html}");
    assert!(!html.contains("<on>") && !html.contains("<Ops>"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"https://aims.example.org/w/acme/risk-actions/{action}\">"
        )),
        "{html}"
    );

    // The log: Carol's sent, Erin's refused; Dave and Frank have nothing.
    let log = app.digest_log(&Principal::operator(), 50).await.unwrap();
    let rows: Vec<(&str, &str, i64, i64, i64)> = log
        .messages
        .iter()
        .map(|m| {
            (
                m.email.as_str(),
                m.state.as_str(),
                m.items,
                m.overdue,
                m.workspaces,
            )
        })
        .collect();
    assert_eq!(rows, [(CAROL, "sent", 3, 1, 2), (ERIN, "failed", 1, 1, 1)]);
    let erin = &log.messages[1];
    assert!(
        erin.error.contains("550") || erin.error.contains("no such mailbox"),
        "{}",
        erin.error
    );
    let run = &log.runs[0];
    assert_eq!(
        (run.day.as_str(), run.sent, run.failed),
        ("2026-11-30", 1, 1)
    );
    assert!(run.finished_at.is_some());
    // Members read no log.
    let carol = user_id(&t, CAROL).await;
    assert!(matches!(
        app.digest_log(&as_user(&carol, CAROL), 50).await,
        Err(aims_app::AppError::Forbidden(_))
    ));

    // The same day again, later: nothing.
    let again = at(&base, "2026-11-30", 18, 0);
    let r = again.send_digests("2026-11-30", &mailer).await.unwrap();
    assert_eq!((r.claimed, r.sent, r.failed), (false, 0, 0));
    assert_eq!(sink.messages().len(), 1);

    // Not a date: refused.
    assert!(app.send_digests("someday", &mailer).await.is_err());

    // The next morning the background task sends that day's at its time.
    let mut next = at(&base, "2026-12-01", 7, 30);
    next.config.digest.at = aims_app::domain::digest::DigestAt::parse("07:15").unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(next.clone().run_digests(Arc::new(sink.client()), async {
        let _ = stopped.await;
    }));
    sink.wait_for(2).await;
    // Then Erin's is refused and the day finished.
    for _ in 0..400 {
        let log = next.digest_log(&Principal::operator(), 5).await.unwrap();
        if log
            .runs
            .iter()
            .any(|r| r.day == "2026-12-01" && r.finished_at.is_some())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(());
    task.await.unwrap();
    let m = &sink.messages()[1];
    assert_eq!(m.to, [CAROL]);
    assert_eq!(
        subject(m),
        "aims digest for 2026-12-01: 1 overdue, 1 due today, 1 due within 7 days"
    );
    let log = next.digest_log(&Principal::operator(), 50).await.unwrap();
    let days: Vec<(&str, i64, i64)> = log
        .runs
        .iter()
        .map(|r| (r.day.as_str(), r.sent, r.failed))
        .collect();
    assert_eq!(days, [("2026-12-01", 1, 1), ("2026-11-30", 1, 1)]);
    t.stop().await;
}

#[tokio::test]
async fn replicas_send_each_digest_once_and_take_over_a_stopped_one() {
    let t = TestApp::new().await;
    duties(&t).await;
    let sink = Sink::start(&[]).await;
    // Two replicas: each its own pool on the same database.
    let one = at(&t.app, "2026-11-30", 7, 0);
    let other = at(
        &App::new(t.db.store().await, t.app.config.clone()),
        "2026-11-30",
        7,
        0,
    );
    let (m1, m2) = (sink.client(), sink.client());
    let (a, b) = tokio::join!(
        one.send_digests("2026-11-30", &m1),
        other.send_digests("2026-11-30", &m2)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(
        a.claimed != b.claimed,
        "one replica sends the day: {a:?} {b:?}"
    );
    assert_eq!(a.sent + b.sent, 2, "Carol and Erin");
    let mut to: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, [CAROL, ERIN]);

    // A replica claimed the next day, wrote Carol's message and stopped
    // before sending it: once its claim runs out another takes the day
    // over, and sends Carol nothing more.
    let carol = user_id(&t, CAROL).await;
    t.db.raw_sql(&format!(
        "INSERT INTO digest_runs (day, worker, started_at, lease_until, finished_at, sent, failed)
         VALUES ('2026-12-01', 'stopped', '2026-12-01T07:00:00.000000Z', '2026-12-01T07:05:00.000000Z', NULL, 0, 0);
         INSERT INTO digest_messages (day, user_id, email, workspaces, items, overdue, state, error, worker, started_at, finished_at)
         VALUES ('2026-12-01', '{carol}', '{CAROL}', 2, 3, 1, 'sending', '', 'stopped', '2026-12-01T07:00:01.000000Z', NULL);"
    ))
    .await;
    let r = at(&t.app, "2026-12-01", 7, 4)
        .send_digests("2026-12-01", &m1)
        .await
        .unwrap();
    assert!(!r.claimed, "the claim is still live at 07:04");
    let r = at(&t.app, "2026-12-01", 7, 6)
        .send_digests("2026-12-01", &m1)
        .await
        .unwrap();
    assert_eq!((r.claimed, r.sent, r.skipped), (true, 1, 1), "{r:?}");
    let last = sink.messages();
    assert_eq!(last.len(), 3);
    assert_eq!(last[2].to, [ERIN]);
    let log = one.digest_log(&Principal::operator(), 10).await.unwrap();
    let run = log.runs.iter().find(|r| r.day == "2026-12-01").unwrap();
    // Carol's stays "sending": whether it arrived is unknown.
    assert_eq!((run.sent, run.failed), (1, 1));
    assert!(run.finished_at.is_some());
    t.stop().await;
}

/// A sender that refuses everything.
struct Refusing;

impl MailSender for Refusing {
    fn send<'a>(
        &'a self,
        _mail: Mail,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async { Err("connection refused".to_owned()) })
    }
}

#[tokio::test]
async fn members_switch_the_digest_on_their_work_page_and_administrators_read_the_log() {
    let t = TestApp::with(Options {
        digest: DigestSettings {
            enabled: true,
            ..DigestSettings::default()
        },
        ..Options::default()
    })
    .await;
    let (b, csrf) = member_session(&t, CAROL, "acme", Role::Contributor).await;
    let page = fetch_text(&b, &t.url("/w/acme/work")).await;
    assert!(page.contains("Stop the daily digest"), "{page}");
    // Everyone's list has no switch.
    assert!(!fetch_text(&b, &t.url("/w/acme/work?of=all"))
        .await
        .contains("daily digest"));
    let post = |receive: &str, token: &str| {
        b.post(t.url("/me/digest"))
            .form(&[("csrf", token), ("receive", receive), ("ws", "acme")])
            .send()
    };
    let r = post("off", &csrf).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/w/acme/work");
    let page = fetch_text(&b, &t.url("/w/acme/work")).await;
    assert!(page.contains("Send me the daily digest"), "{page}");
    let carol = user_id(&t, CAROL).await;
    assert!(!t
        .app
        .receives_digest(&as_user(&carol, CAROL))
        .await
        .unwrap());
    // Refused: a wrong session token, a value that is neither on nor off.
    assert_eq!(post("on", &"f".repeat(64)).await.unwrap().status(), 403);
    assert_eq!(post("maybe", &csrf).await.unwrap().status(), 422);
    assert!(!t
        .app
        .receives_digest(&as_user(&carol, CAROL))
        .await
        .unwrap());
    let r = post("on", &csrf).await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(t
        .app
        .receives_digest(&as_user(&carol, CAROL))
        .await
        .unwrap());
    // Each switch is in the history.
    let mut c = t.app.store.conn().await.unwrap();
    let head = c.conn().history_head().await.unwrap().seq;
    let events = c.conn().history_chunk(head - 2, 2).await.unwrap();
    let changes: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e.record_type.as_str(),
                e.record_id.as_str(),
                e.change.as_str(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("digest_preference", carol.as_str(), r#"{"receive":false}"#),
            ("digest_preference", carol.as_str(), r#"{"receive":true}"#)
        ]
    );
    drop(c);
    // A redirect never leaves for another site.
    let r = b
        .post(t.url("/me/digest"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("receive", "on"),
            ("ws", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");

    // A failed day shows on the administrators' log page; members get 403.
    create(
        &t,
        "acme",
        &RISK_ACTIONS,
        json!({"title": "Late", "owner": CAROL, "due": "2026-11-01"}),
    )
    .await;
    let r = at(&t.app, "2026-11-30", 7, 0)
        .send_digests("2026-11-30", &Refusing)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    let (admin, _) = sign_in(&t, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = fetch_text(&admin, &t.url("/admin/digests")).await;
    assert!(
        page.contains("2026-11-30") && page.contains(CAROL),
        "{page}"
    );
    assert!(
        page.contains("connection refused") && page.contains(">failed<"),
        "{page}"
    );
    assert!(fetch_text(&admin, &t.url("/admin"))
        .await
        .contains("/admin/digests"));
    let r = b.get(t.url("/admin/digests")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    t.stop().await;
}

#[test]
fn the_smtp_password_is_never_printed() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = crate::helpers::tempdir::TempDir::new();
    let data = dir.path().to_str().unwrap().to_owned();
    let aims = || {
        let mut c = Command::new(TestApp::bin());
        c.args(["--data-dir", &data, "--log-format", "json"])
            .env_remove("AIMS_DATABASE_URL")
            .env_remove("AIMS_SMTP_URL")
            .env_remove("AIMS_MAIL_FROM");
        c
    };
    // check-config: from the environment, redacted.
    let o = aims()
        .arg("check-config")
        .env("AIMS_SMTP_URL", "smtp://mailer:s3cret@mail.example.org")
        .env("AIMS_MAIL_FROM", "aims <aims@example.org>")
        .env("AIMS_PUBLIC_URL", "https://aims.example.org/")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("smtp_url = \"smtp://mailer:***@mail.example.org:587\""),
        "{out}"
    );
    assert!(
        out.contains("digest_at = \"07:00\"")
            && out.contains("public_url = \"https://aims.example.org\""),
        "{out}"
    );
    assert!(!out.contains("s3cret"), "{out}");
    let o = aims().arg("check-config").output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("digest = \"off: no --smtp-url\""));
    // A bad URL or a missing sender stops `serve` before it starts, quietly about the password.
    for (url, from, why) in [
        (
            "smtp://mailer:s3cret@h?tls=none",
            "a@example.org",
            "--smtp-url",
        ),
        ("smtps://mailer:s3cret@h", "", "--mail-from is required"),
        (
            "smtps://mailer:s3cret@h",
            "not an address",
            "--mail-from is not an e-mail address",
        ),
    ] {
        let o = aims()
            .args(["serve", "--listen", "127.0.0.1:0", "--smtp-url", url])
            .args(if from.is_empty() {
                vec![]
            } else {
                vec!["--mail-from", from]
            })
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{url}: {err}");
        assert!(err.contains(why) && !err.contains("s3cret"), "{url}: {err}");
    }
    // Started with a digest due at once (00:00): it runs (nobody has
    // duties yet), the log names the server without its password.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = aims()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--smtp-url", "smtp://mailer:s3cret@127.0.0.1:1"])
        .args([
            "--mail-from",
            "aims <aims@example.org>",
            "--digest-at",
            "00:00",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let _ = stderr.read_to_string(&mut log);
        log
    });
    let start = std::time::Instant::now();
    let mut done = false;
    while start.elapsed() < Duration::from_secs(20) && !done {
        std::thread::sleep(Duration::from_millis(100));
        done = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    }
    assert!(done, "the server never listened");
    // The first look at the day happens at start; give it a moment.
    std::thread::sleep(Duration::from_millis(500));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let log = reader.join().unwrap();
    assert!(!log.contains("s3cret"), "{log}");
    let on = log
        .lines()
        .find(|l| l.contains("daily e-mail digest on"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        on.contains("smtp://mailer:***@127.0.0.1:1") && on.contains("00:00"),
        "{on}"
    );
    assert!(
        log.contains("daily digest done") && log.contains("daily digest stopped"),
        "{log}"
    );
}
