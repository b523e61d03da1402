//! `aims serve`: the web UI and REST API until SIGTERM or Ctrl-C, with the
//! background tasks (webhook deliveries, the daily digest).

use crate::*;

pub(crate) async fn serve(
    s: &Settings,
    listen: &str,
    web: aims_web::WebConfig,
    config: AppConfig,
    mail: config::MailSettings,
) -> Result<(), String> {
    let mailer = match &mail.smtp {
        Some((url, from)) => Some(aims_web::MailClient::new(
            url,
            from,
            aims_web::MAIL_TIMEOUT,
        )?),
        None => None,
    };
    let store = open_store(s, false).await?;
    let sender = aims_web::WebhookClient::new(config.webhooks.allow_private)?;
    let state = aims_web::AppState {
        app: App::new(store.clone(), config)
            .with_blobs(blob_store(s))
            .with_pack_key_file(crate::pack_key_file(s)),
        config: web,
    };
    // Webhook delivery runs beside the server and stops after it.
    let (stop_webhooks, mut stopping) = tokio::sync::watch::channel(false);
    let webhooks = tokio::spawn(state.app.clone().run_webhooks(
        std::sync::Arc::new(sender),
        async move {
            let _ = stopping.changed().await;
        },
    ));
    // The daily digest too, when an SMTP server is set.
    let (stop_digest, mut digest_stopping) = tokio::sync::watch::channel(false);
    let digest = match (mailer, &mail.smtp) {
        (Some(mailer), Some((url, from))) => {
            tracing::info!(
                smtp = %url.redacted(),
                from = %from,
                at = %mail.at,
                links = mail.public_url.as_deref().unwrap_or("none (no --public-url)"),
                "daily e-mail digest on"
            );
            Some(tokio::spawn(state.app.clone().run_digests(
                std::sync::Arc::new(mailer),
                async move {
                    let _ = digest_stopping.changed().await;
                },
            )))
        }
        _ => {
            tracing::info!(reason = mail.off_reason, "daily e-mail digest off");
            None
        }
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        address = %addr,
        backend = if s.database_url.is_some() { "postgres" } else { "sqlite" },
        "aims is listening on http://{addr}"
    );
    let served = aims_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string());
    let _ = stop_webhooks.send(true);
    let _ = stop_digest.send(true);
    let _ = webhooks.await;
    if let Some(digest) = digest {
        let _ = digest.await;
    }
    served?;
    store.close().await;
    tracing::info!("aims stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; the server then finishes in-flight requests.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
