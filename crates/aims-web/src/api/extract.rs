//! JSON and query extractors whose failures are problem documents naming the
//! field at fault (axum's own rejections are plain text).

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state, crate::MAX_BODY_BYTES).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON object body as it was sent, for bodies stored verbatim, after
/// the same checks as [`ApiJson`] (media type, syntax, duplicate keys,
/// control characters, an object). Its route sets the body limit to `MAX`
/// bytes (`DefaultBodyLimit::max(MAX)`), which a 413 names.
pub struct ApiJsonText<const MAX: usize>(pub String);

impl<S: Send + Sync, const MAX: usize> FromRequest<S> for ApiJsonText<MAX> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state, MAX).await?;
        parse_json::<serde_json::Value>(&bytes)?;
        // Read as JSON, so it is UTF-8.
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::bad_request(None, "The body is not UTF-8."))?;
        Ok(ApiJsonText(text))
    }
}

/// The body of a request that says it is JSON, at most `limit` bytes (the
/// limit the route's `DefaultBodyLimit` sets).
async fn json_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            "Send the body as JSON with 'Content-Type: application/json'.",
        ));
    }
    Bytes::from_request(req, state).await.map_err(|rej| {
        let status = rej.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "Payload too large",
                format!("The body is larger than {limit} bytes."),
            )
        } else {
            ApiError::bad_request(None, "The request body could not be read.")
        }
    })
}

/// Syntax errors are 400; well-formed JSON of the wrong shape is 422 naming the
/// field, and so are duplicate keys (which parsers resolve differently, so a
/// body could mean one thing to a proxy and another to us) and strings holding
/// control characters.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value = match strict::parse(bytes) {
        Ok(v) => v,
        Err(strict::Error::Syntax(e)) => {
            return Err(ApiError::bad_request(
                None,
                format!("The body is not valid JSON: {e}."),
            ))
        }
        Err(strict::Error::DuplicateKey(path)) => {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                &path,
                "appears more than once in the object",
            ))
        }
    };
    if let Some(path) = aims_domain::validation::json_control_char_path(&value) {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            &path,
            aims_domain::validation::CONTROL_MESSAGE,
        ));
    }
    if !value.is_object() {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "must be a JSON object",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let msg = err.into_inner().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, msg)
    })
}

/// Query parameters as a problem document on failure. Handlers take their
/// parameters as text and parse numbers themselves, so a bad `limit` is named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|rej| {
                let text = rej.body_text();
                let detail = text.trim_start_matches("Failed to deserialize query string: ");
                ApiError::bad_request(None, format!("The query string is malformed: {detail}"))
            })
    }
}

/// JSON to a `serde_json::Value`, refusing an object that names a key twice.
mod strict {
    use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};
    use std::fmt;

    pub enum Error {
        Syntax(serde_json::Error),
        /// The path of the repeated key, e.g. `items[0].name`.
        DuplicateKey(String),
    }

    const DUP: &str = "\u{1}duplicate key\u{1}";

    pub fn parse(bytes: &[u8]) -> Result<Value, Error> {
        let dup = std::cell::RefCell::new(None);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let seed = Seed {
            path: String::new(),
            dup: &dup,
        };
        let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
        match (result, dup.into_inner()) {
            (_, Some(path)) => Err(Error::DuplicateKey(path)),
            (Ok(v), None) => Ok(v),
            (Err(e), None) => Err(Error::Syntax(e)),
        }
    }

    struct Seed<'a> {
        path: String,
        dup: &'a std::cell::RefCell<Option<String>>,
    }

    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = Value;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(v) = seq.next_element_seed(Seed {
                path: format!("{}[{}]", self.path, items.len()),
                dup: self.dup,
            })? {
                items.push(v);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.path)
                };
                if out.contains_key(&key) {
                    *self.dup.borrow_mut() = Some(path);
                    return Err(A::Error::custom(DUP));
                }
                let v = map.next_value_seed(Seed {
                    path,
                    dup: self.dup,
                })?;
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Body {
        #[allow(dead_code)]
        name: String,
    }

    fn field_of(e: &ApiError) -> &str {
        &e.errors[0].field
    }

    #[test]
    fn duplicate_keys_are_named() {
        let e = parse_json::<Body>(br#"{"name": "a", "name": "b"}"#).unwrap_err();
        assert_eq!(
            (e.status, field_of(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, "name")
        );
        let e =
            parse_json::<serde_json::Value>(br#"{"a": [{"x": 1}, {"x": 1, "x": 2}]}"#).unwrap_err();
        assert_eq!(field_of(&e), "a[1].x");
        assert!(parse_json::<serde_json::Value>(br#"{"a": {"x": 1}, "b": {"x": 1}}"#).is_ok());
    }

    #[test]
    fn control_characters_and_syntax() {
        let e = parse_json::<Body>(br#"{"name": "a\u0000b"}"#).unwrap_err();
        assert_eq!(
            (e.status, field_of(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, "name")
        );
        let e = parse_json::<Body>(br#"{"name": "a"} trailing"#).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let e = parse_json::<Body>(b"{\"name\": \"\xff\"}").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let e = parse_json::<Body>(br#"{"name": "\ud800"}"#).unwrap_err();
        assert_eq!(
            e.status,
            StatusCode::BAD_REQUEST,
            "a lone surrogate is not text"
        );
        let e = parse_json::<Body>(br#"[1]"#).unwrap_err();
        assert_eq!(field_of(&e), "body");
        assert!(parse_json::<Body>(br#"{"name": "tab\tand\nline"}"#).is_ok());
        assert!(parse_json::<serde_json::Value>(br#"{"n": 1.5e3, "m": -2, "z": null}"#).is_ok());
    }
}
