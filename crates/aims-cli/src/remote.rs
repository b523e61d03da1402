//! Talking to a running aims server (`aims evidence push`, and every later
//! command a pipeline runs against `--server`): one HTTP client, HTTPS
//! trusted through the system's certificate store and the bundled Mozilla
//! roots, plus an organisation's own CA when `--ca-cert` names one.

use std::path::Path;

/// The options every command that talks to a server takes.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerArgs {
    /// The server, e.g. https://aims.example.org
    #[arg(long, env = "AIMS_SERVER")]
    pub server: String,
    /// An API token of the workspace
    #[arg(long, env = "AIMS_TOKEN", hide_env_values = true)]
    pub token: String,
    /// A PEM file of certificate authorities to trust besides the system's
    /// (a server with an internal or self-signed certificate)
    #[arg(long, env = "AIMS_CA_CERT")]
    pub ca_cert: Option<std::path::PathBuf>,
}

impl ServerArgs {
    /// The server's address without a trailing slash.
    pub fn base(&self) -> &str {
        self.server.trim_end_matches('/')
    }

    /// A client for the server: refuses anything but `http` and `https`.
    pub fn client(&self) -> Result<reqwest::Client, String> {
        let scheme = self.base().split_once("://").map(|(s, _)| s);
        if !matches!(scheme, Some("http" | "https")) {
            return Err(format!(
                "--server must start with https:// or http://, not {:?}",
                self.server
            ));
        }
        client(self.ca_cert.as_deref())
    }
}

/// An HTTP client trusting the system's roots, the bundled ones and the
/// certificates in `ca_cert` (PEM, one or several).
pub fn client(ca_cert: Option<&Path>) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder().user_agent(concat!("aims/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read --ca-cert {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("--ca-cert {} holds no PEM certificate: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "--ca-cert {} holds no PEM certificate",
                path.display()
            ));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// A request error with every cause, so "certificate not trusted" or
/// "connection refused" reaches the user, not just "error sending request".
pub fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}
