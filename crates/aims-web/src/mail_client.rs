//! The SMTP client that sends the daily digest (the app's digest task
//! decides what and when). lettre over tokio with rustls only: STARTTLS
//! required for `smtp://`, TLS from the start for `smtps://`, none for
//! `smtp://…?tls=none` (a relay on this machine or a trusted network).
//! Certificates are checked against the bundled Mozilla roots and the
//! system's store. The password is handed to lettre and never printed.

use aims_app::{Mail, MailSender};
use aims_domain::digest::smtp::{Security, SmtpUrl};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How long one message may take, connection included.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends e-mail through one SMTP server, from one address.
pub struct MailClient {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// TLS settings for `host`: the bundled roots plus the system's; the
/// bundled ones alone when the system's cannot be read.
fn tls_parameters(host: &str) -> Result<TlsParameters, String> {
    let bundled =
        || TlsParameters::builder(host.to_owned()).certificate_store(CertificateStore::WebpkiRoots);
    let mut both = bundled();
    for der in rustls_native_certs::load_native_certs().certs {
        if let Ok(c) = Certificate::from_der(der.to_vec()) {
            both = both.add_root_certificate(c);
        }
    }
    both.build_rustls()
        .or_else(|e| {
            tracing::warn!(error = %e, "the system's certificates are not usable for SMTP; trusting the bundled roots only");
            bundled().build_rustls()
        })
        .map_err(|e| format!("cannot set up TLS for {host}: {e}"))
}

impl MailClient {
    /// A client for `url`, sending from `from` (`aims <aims@example.org>`
    /// or a bare address).
    pub fn new(url: &SmtpUrl, from: &str, timeout: Duration) -> Result<MailClient, String> {
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e| format!("--mail-from is not an e-mail address ({e})"))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.as_str())
                .port(url.port)
                .timeout(Some(timeout));
        builder = match url.security {
            Security::StartTls => builder.tls(Tls::Required(tls_parameters(&url.host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls_parameters(&url.host)?)),
            Security::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&url.username, url.password()) {
            builder = builder.credentials(Credentials::new(user.clone(), password.to_owned()));
        }
        Ok(MailClient {
            transport: builder.build(),
            from,
        })
    }

    fn message(&self, mail: Mail) -> Result<Message, String> {
        let address = mail
            .to
            .parse()
            .map_err(|e| format!("{} is not an e-mail address ({e})", mail.to))?;
        let name = Some(mail.to_name).filter(|n| !n.trim().is_empty());
        let part = |kind: ContentType, body: String| {
            SinglePart::builder()
                .header(kind)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body)
        };
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, mail.text))
                    .singlepart(part(ContentType::TEXT_HTML, mail.html)),
            )
            .map_err(|e| format!("cannot build the message: {e}"))
    }

    async fn deliver(&self, mail: Mail) -> Result<(), String> {
        let message = self.message(mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| describe(&e))
    }
}

/// An error and its causes, as one line.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

impl MailSender for MailClient {
    fn send<'a>(
        &'a self,
        mail: Mail,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(self.deliver(mail))
    }
}
