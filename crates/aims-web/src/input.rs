//! The one boundary for input. Every request passes [`guard`] before any route
//! sees it: its path and query string must be valid UTF-8 once percent-decoded
//! and hold no control characters, and a request may not carry both
//! `Content-Length` and `Transfer-Encoding`. Bodies are checked by the
//! extractors that read them: [`crate::api::ApiJson`] for JSON (strict: no
//! duplicate keys, no control characters in any string) and [`PageForm`] for
//! HTML forms. So no handler, use case or SQL statement ever sees a NUL byte,
//! an escape sequence or text that is not UTF-8, on any route present or to come.

use crate::error::ApiError;
use crate::pages::PageError;
use aims_domain::validation::{has_control_chars, CONTROL_MESSAGE};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// Why the request line or headers were refused: which part, and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `path`, or the name of the query parameter at fault.
    pub field: String,
    pub message: String,
}

impl Refusal {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`) to bytes.
/// A `%` not followed by two hex digits stays as it is.
fn percent_decode(raw: &str, plus_is_space: bool) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Decoded text of one part of the request line, refused when it is not UTF-8
/// or holds a control character.
fn clean_text(field: &str, raw: &str, plus_is_space: bool) -> Result<String, Refusal> {
    let bytes = percent_decode(raw, plus_is_space);
    let text = String::from_utf8(bytes)
        .map_err(|_| Refusal::new(field, "is not valid UTF-8 once percent-decoded"))?;
    if has_control_chars(&text) || text.contains(['\t', '\n', '\r']) {
        return Err(Refusal::new(field, "must not contain control characters"));
    }
    Ok(text)
}

/// Checks the path and every query parameter (names and values).
pub fn check_uri(path: &str, query: Option<&str>) -> Result<(), Refusal> {
    clean_text("path", path, false)?;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = clean_text("query", name, true)?;
        clean_text(&name, value, true).map_err(|mut r| {
            r.message = format!("(query parameter) {}", r.message);
            r
        })?;
    }
    Ok(())
}

/// The middleware in front of every route (see the module documentation).
pub async fn guard(req: Request, next: Next) -> Response {
    let h = req.headers();
    if h.contains_key(header::TRANSFER_ENCODING) && h.contains_key(header::CONTENT_LENGTH) {
        return refuse(
            req.uri().path(),
            Refusal::new(
                "Content-Length",
                "a request may not carry both Content-Length and Transfer-Encoding",
            ),
        );
    }
    if let Err(r) = check_uri(req.uri().path(), req.uri().query()) {
        return refuse(req.uri().path(), r);
    }
    next.run(req).await
}

fn refuse(path: &str, r: Refusal) -> Response {
    if path.starts_with("/api/") || path == "/api" {
        ApiError::bad_request(Some(&r.field), format!("{}: {}", r.field, r.message)).into_response()
    } else {
        PageError::BadForm(format!(
            "The address is malformed: {} {}.",
            r.field, r.message
        ))
        .into_response()
    }
}

/// An HTML form body (`application/x-www-form-urlencoded`), decoded strictly:
/// valid UTF-8, no control characters other than tabs and line breaks
/// (textareas send them), then deserialized into `T`. Refusals are friendly
/// error pages; nothing reaches the handler.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                PageError::BadForm("The form was not sent as a web form.".into()),
            )
                .into_response());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    PageError::BadForm("The form is too large.".into()),
                )
                    .into_response()
            } else {
                PageError::BadForm("The form could not be read.".into()).into_response()
            }
        })?;
        parse_form(&bytes)
            .map(PageForm)
            .map_err(|m| PageError::BadForm(m).into_response())
    }
}

/// Strict form decoding (see [`PageForm`]); the message names the field.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "The form is not valid UTF-8.".to_owned())?;
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = String::from_utf8(percent_decode(name, true))
            .map_err(|_| "A form field name is not valid UTF-8.".to_owned())?;
        let value = String::from_utf8(percent_decode(value, true))
            .map_err(|_| format!("The field '{name}' is not valid UTF-8."))?;
        if has_control_chars(&name) || has_control_chars(&value) {
            return Err(format!(
                "The field '{}' {CONTROL_MESSAGE}.",
                name.escape_debug()
            ));
        }
    }
    serde_urlencoded::from_bytes(bytes).map_err(|e| format!("The form is malformed: {e}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c", true), b"a b c");
        assert_eq!(percent_decode("a%20b+c", false), b"a b+c");
        assert_eq!(percent_decode("%", true), b"%");
        assert_eq!(percent_decode("%4", true), b"%4");
        assert_eq!(percent_decode("%41", true), b"A");
        assert_eq!(percent_decode("x%zz", true), b"x%zz");
        assert_eq!(percent_decode("%e2%80%ae", true), "\u{202e}".as_bytes());
    }

    #[test]
    fn request_lines_with_hostile_bytes_are_refused() {
        assert!(check_uri(
            "/api/v1/workspaces/acme/systems",
            Some("q=caf%C3%A9&limit=5")
        )
        .is_ok());
        assert!(check_uri("/a", None).is_ok());
        assert_eq!(
            check_uri("/a", Some("q=%00")).unwrap_err().field,
            "q",
            "the parameter is named"
        );
        assert_eq!(check_uri("/a%00b", None).unwrap_err().field, "path");
        assert_eq!(check_uri("/a%ff", None).unwrap_err().field, "path");
        assert!(check_uri("/a", Some("after=%C2%85")).is_err(), "C1 control");
        assert!(check_uri("/a", Some("q=%0A")).is_err(), "line feed");
        assert!(check_uri("/a", Some("q=%FE")).is_err(), "invalid UTF-8");
        assert!(check_uri("/a", Some("%00=1")).is_err(), "in a name");
        assert!(
            check_uri("/a", Some("q=100%")).is_ok(),
            "a lone percent is text"
        );
    }

    #[test]
    fn forms_are_decoded_strictly() {
        #[derive(serde::Deserialize, Debug)]
        struct F {
            name: String,
        }
        let f: F = parse_form(b"name=Line+one%0D%0Aline+two").unwrap();
        assert_eq!(f.name, "Line one\r\nline two");
        assert!(parse_form::<F>(b"name=a%00b")
            .unwrap_err()
            .contains("'name'"));
        assert!(parse_form::<F>(b"name=a%FFb").is_err());
        assert!(parse_form::<F>(b"name=\xff").is_err());
    }
}
