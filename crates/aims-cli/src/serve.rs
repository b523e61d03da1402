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
        app: crate::with_typesetter(
            App::new(store.clone(), config)
                .with_blobs(blob_store(s))
                .with_pack_key_file(crate::pack_key_file(s)),
        ),
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
    let shutdown = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        address = %addr,
        backend = if s.database_url.is_some() { "postgres" } else { "sqlite" },
        "aims is listening on http://{addr}"
    );
    let served = aims_web::serve(listener, state, shutdown)
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

/// Resolves on SIGTERM or Ctrl-C; the server then finishes in-flight
/// requests. The handlers are installed now, when it is called — before the
/// server listens — so a signal that comes as soon as it answers is never
/// taken by the default action (which would end it without finishing).
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (term, int) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {},
                _ = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
