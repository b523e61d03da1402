//! Commands that talk to a server (`aims evidence push`) reach it over
//! HTTPS: a real TLS front (rustls, a certificate made for the test) in
//! front of the test server. An untrusted certificate is refused with the
//! reason; `--ca-cert` trusts an organisation's own CA.

use crate::evidence::aims;
use crate::helpers::{Caller, TestApp};
use std::sync::Arc;
use tokio_rustls::rustls;

/// Terminates TLS for `localhost` on a random port and forwards each
/// connection to `backend` (`host:port`). Returns the port and the
/// certificate's PEM.
async fn tls_front(backend: String) -> (u16, String) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let pem = key.cert.pem();
    let chain = vec![key.cert.der().clone()];
    let private = rustls::pki_types::PrivateKeyDer::Pkcs8(
        rustls::pki_types::PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()),
    );
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, private)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (port, pem)
}

#[tokio::test]
async fn evidence_push_reaches_a_server_over_https_trusting_only_what_it_should() {
    let t = TestApp::new().await;
    let contributor = Caller::new(&t, "contributor").await;
    let backend = t.base.trim_start_matches("http://").to_owned();
    let (port, pem) = tls_front(backend).await;
    let server = format!("https://localhost:{port}");
    let dir = crate::helpers::tempdir::TempDir::new();
    let ca = dir.path().join("internal-ca.pem");
    std::fs::write(&ca, &pem).unwrap();
    let report = dir.path().join("model-card.md");
    std::fs::write(&report, "# Fraud model\n\nIntended use: triage.\n").unwrap();
    let push = |extra: Vec<String>| {
        let mut args: Vec<String> = [
            "evidence",
            "push",
            "--server",
            &server,
            "--token",
            &contributor.token,
            "--workspace",
            "acme",
            "--control",
            "A.6.2.7",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.extend(extra);
        args.push(report.to_str().unwrap().to_owned());
        args
    };
    // The test's certificate is in no trust store: refused, saying why.
    let args = push(vec![]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = aims(&t, &args, &[]).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("cannot push to https://localhost") && err.contains("certificate"),
        "{err}"
    );
    let (_, list) = contributor.get("/evidence").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0, "nothing kept");
    // Trusting the organisation's CA, the push lands.
    let args = push(vec!["--ca-cert".into(), ca.to_str().unwrap().into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = aims(&t, &args, &[]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let item: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(item["files"][0]["file_name"], "model-card.md");
    // The same from the environment a pipeline sets.
    let args = push(vec![]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = aims(&t, &args, &[("AIMS_CA_CERT", ca.to_str().unwrap())]).await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A file that holds no certificate, and a server that is not HTTP(S).
    let args = push(vec!["--ca-cert".into(), report.to_str().unwrap().into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = aims(&t, &args, &[]).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("holds no PEM certificate"),
        "{err}"
    );
    let mut args = push(vec![]);
    args[3] = "ftp://localhost".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = aims(&t, &args, &[]).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("--server must start with https://"),
        "{err}"
    );
    let (_, list) = contributor.get("/evidence").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    t.stop().await;
}
