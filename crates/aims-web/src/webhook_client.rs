//! The HTTP client that sends webhooks (the app's delivery worker decides
//! what and when). Against server-side request forgery: only http and https;
//! every address a target name resolves to is checked before connecting
//! (so a name cannot point at a private network later, by DNS), addresses
//! written in the URL too; link-local and cloud metadata addresses are never
//! reached, private networks and this machine only with
//! `--webhook-allow-private`; redirects are not followed and no proxy from
//! the environment is used (either would connect somewhere unchecked).

use aims_app::{Outgoing, WebhookSender};
use aims_domain::webhook::{self, TargetHost};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Sends webhook requests over HTTP(S), refusing addresses webhooks may not reach.
pub struct WebhookClient {
    client: reqwest::Client,
    allow_private: bool,
}

/// Resolves names and keeps only the addresses webhooks may reach.
struct CheckedResolver {
    allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<std::net::SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| webhook::address_allowed(a.ip(), allow_private))
                .collect();
            if allowed.is_empty() {
                let why = found
                    .first()
                    .and_then(|a| webhook::address_refusal(a.ip(), allow_private))
                    .unwrap_or("resolves to no address");
                return Err(format!("{host}: {why}").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

impl WebhookClient {
    pub fn new(allow_private: bool) -> Result<WebhookClient, String> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(CheckedResolver { allow_private }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(WebhookClient {
            client,
            allow_private,
        })
    }

    async fn post(&self, request: Outgoing) -> Result<u16, String> {
        let target = webhook::parse_target(&request.url)?;
        if let TargetHost::Ip(ip) = target.host {
            if let Some(why) = webhook::address_refusal(ip, self.allow_private) {
                return Err(format!("{ip} {why}"));
            }
        }
        let mut req = self
            .client
            .post(&target.url)
            .timeout(request.timeout)
            .body(request.body);
        for (name, value) in request.headers {
            req = req.header(name, value);
        }
        match req.send().await {
            Ok(resp) => Ok(resp.status().as_u16()),
            Err(e) if e.is_timeout() => Err(format!(
                "no answer within {} s",
                request.timeout.as_secs_f32()
            )),
            Err(e) => Err(describe(&e.without_url())),
        }
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

impl WebhookSender for WebhookClient {
    fn send<'a>(
        &'a self,
        request: Outgoing,
    ) -> Pin<Box<dyn Future<Output = Result<u16, String>> + Send + 'a>> {
        Box::pin(self.post(request))
    }
}
