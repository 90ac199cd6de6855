//! Persisted documents, in Apollo's protocol (`extensions.persistedQuery.sha256Hash`, version 1):
//!
//! - **Automatic** (the default): a client may send a document's SHA-256 hash alone. Once any
//!   client has sent the document with its hash, this process answers the hash alone, so a query
//!   fits in a cacheable `GET` URL. An unknown hash is `PERSISTED_QUERY_NOT_FOUND`, and the client
//!   sends the document once more.
//! - **Trusted** (`TRUSTED_DOCUMENTS`, a manifest of hash → document that the client's build
//!   wrote): only those documents run. Any other document, sent as text or as an unknown hash, is
//!   refused with `TRUSTED_DOCUMENT_REQUIRED` or `PERSISTED_QUERY_NOT_FOUND`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Request, ServerError, Value};
use sha2::{Digest, Sha256};

use super::error_codes::with_code;

/// Why a document outside the manifest is refused.
const UNTRUSTED: &str =
    "this server runs only trusted documents: send a document of the client's manifest, by its hash";

/// Documents remembered in automatic mode, all together, in bytes: when full, it starts over, so
/// a client sending ever new documents costs others a round trip, never memory.
const AUTOMATIC_BYTES: usize = 4 * 1024 * 1024;

/// Where documents come from by hash.
pub enum PersistedDocuments {
    Automatic(Mutex<Remembered>),
    Trusted(Arc<Manifest>),
}

#[derive(Default)]
pub struct Remembered {
    documents: HashMap<String, Arc<str>>,
    bytes: usize,
}

/// A trusted-documents manifest: lowercase hex SHA-256 → document.
#[derive(Debug, Default)]
pub struct Manifest(HashMap<String, Arc<str>>);

impl Manifest {
    /// Reads a manifest such as graphql-codegen's `persisted-documents.json`: one JSON object from
    /// each document's hash to its text. Every hash must be the SHA-256 of its text, so a manifest
    /// from another hashing scheme is refused at start, not at the first request.
    pub fn parse(json: &str) -> Result<Self, String> {
        let entries: HashMap<String, String> =
            serde_json::from_str(json).map_err(|e| format!("not a JSON object of hash to document: {e}"))?;
        let mut documents = HashMap::with_capacity(entries.len());
        for (hash, text) in entries {
            let hash = hash.to_ascii_lowercase();
            if sha256_hex(&text) != hash {
                return Err(format!("{hash} is not the SHA-256 of its document"));
            }
            documents.insert(hash, Arc::from(text));
        }
        Ok(Self(documents))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PersistedDocuments {
    pub fn new(trusted: Option<Arc<Manifest>>) -> Self {
        match trusted {
            Some(manifest) => Self::Trusted(manifest),
            None => Self::Automatic(Mutex::default()),
        }
    }

    /// Puts the document a request names by hash into its `query`, or checks the text it sent
    /// against its hash and the mode. A refusal is the whole answer.
    pub fn resolve(&self, request: &mut Request) -> Result<(), ServerError> {
        let hash = match persisted_hash(request) {
            Ok(hash) => hash,
            Err(message) => return Err(with_code(ServerError::new(message, None), "BAD_REQUEST")),
        };
        let has_text = !request.query.trim().is_empty();
        match (self, hash, has_text) {
            (Self::Automatic(_), None, _) => Ok(()),
            (_, Some(hash), true) if sha256_hex(&request.query) != hash => Err(with_code(
                ServerError::new("the persistedQuery hash is not the SHA-256 of the query sent", None),
                "BAD_REQUEST",
            )),
            (Self::Automatic(remembered), Some(hash), true) => {
                remember(remembered, hash, &request.query);
                Ok(())
            }
            (Self::Automatic(remembered), Some(hash), false) => {
                let found = lock(remembered).documents.get(&hash).cloned();
                match found {
                    Some(text) => {
                        request.query = text.to_string();
                        Ok(())
                    }
                    // Apollo's clients look for this message and send the document again.
                    None => {
                        Err(with_code(ServerError::new("PersistedQueryNotFound", None), "PERSISTED_QUERY_NOT_FOUND"))
                    }
                }
            }
            (Self::Trusted(manifest), hash, _) => {
                let hash = hash.unwrap_or_else(|| sha256_hex(&request.query));
                match (manifest.0.get(&hash), has_text) {
                    (Some(_), true) => Ok(()),
                    (Some(text), false) => {
                        request.query = text.to_string();
                        Ok(())
                    }
                    (None, true) => Err(with_code(ServerError::new(UNTRUSTED, None), "TRUSTED_DOCUMENT_REQUIRED")),
                    (None, false) => {
                        Err(with_code(ServerError::new("PersistedQueryNotFound", None), "PERSISTED_QUERY_NOT_FOUND"))
                    }
                }
            }
        }
    }
}

/// Whether a request names a document by hash instead of sending its text.
pub fn names_a_document(request: &Request) -> bool {
    request.extensions.0.contains_key("persistedQuery")
}

/// The hash `extensions.persistedQuery` names, lowercase; an error when it is there but malformed.
fn persisted_hash(request: &Request) -> Result<Option<String>, &'static str> {
    let Some(persisted) = request.extensions.0.get("persistedQuery") else { return Ok(None) };
    let Value::Object(fields) = persisted else {
        return Err("extensions.persistedQuery must be an object: {\"version\": 1, \"sha256Hash\": \"…\"}");
    };
    if fields.get("version").is_some_and(|v| *v != Value::from(1)) {
        return Err("only version 1 of persisted queries is supported");
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err("extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits"),
    }
}

fn remember(remembered: &Mutex<Remembered>, hash: String, text: &str) {
    let mut remembered = lock(remembered);
    if remembered.documents.contains_key(&hash) {
        return;
    }
    let cost = text.len() + hash.len();
    if cost > AUTOMATIC_BYTES {
        return;
    }
    if remembered.bytes + cost > AUTOMATIC_BYTES {
        *remembered = Remembered::default();
    }
    remembered.bytes += cost;
    remembered.documents.insert(hash, Arc::from(text));
}

fn lock(remembered: &Mutex<Remembered>) -> std::sync::MutexGuard<'_, Remembered> {
    // Each step is one map operation: a panic while holding the lock leaves the map whole.
    remembered.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The lowercase hex SHA-256 of `text`.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = "{ me { id } }";

    fn by_hash(hash: &str) -> Request {
        let mut request = Request::new("");
        let persisted = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request.extensions.0.insert("persistedQuery".into(), Value::from_json(persisted).unwrap());
        request
    }

    fn code(error: &ServerError) -> String {
        let extensions = serde_json::to_value(error.extensions.as_ref().unwrap()).unwrap();
        extensions["code"].as_str().unwrap().to_owned()
    }

    #[test]
    fn automatic_mode_learns_a_document_sent_with_its_hash() {
        let persisted = PersistedDocuments::new(None);
        let hash = sha256_hex(DOCUMENT);
        let unknown = persisted.resolve(&mut by_hash(&hash)).unwrap_err();
        assert_eq!(
            (unknown.message.as_str(), code(&unknown).as_str()),
            ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        );
        let mut with_text = by_hash(&hash);
        with_text.query = DOCUMENT.into();
        persisted.resolve(&mut with_text).unwrap();
        let mut again = by_hash(&hash.to_ascii_uppercase());
        persisted.resolve(&mut again).unwrap();
        assert_eq!(again.query, DOCUMENT);
        // A plain request is untouched.
        persisted.resolve(&mut Request::new("{ __typename }")).unwrap();
    }

    #[test]
    fn a_hash_that_does_not_match_its_text_is_refused_and_not_learnt() {
        let persisted = PersistedDocuments::new(None);
        let wrong = sha256_hex("{ __typename }");
        let mut lying = by_hash(&wrong);
        lying.query = DOCUMENT.into();
        assert_eq!(code(&persisted.resolve(&mut lying).unwrap_err()), "BAD_REQUEST");
        assert_eq!(code(&persisted.resolve(&mut by_hash(&wrong)).unwrap_err()), "PERSISTED_QUERY_NOT_FOUND");
        for malformed in ["abc", &"g".repeat(64)] {
            assert_eq!(code(&persisted.resolve(&mut by_hash(malformed)).unwrap_err()), "BAD_REQUEST");
        }
    }

    /// Clients racing to register ever new, large documents never make the store outgrow its
    /// budget, and it still answers what was registered since it last started over.
    #[test]
    fn a_flood_of_registrations_stays_within_the_budget() {
        let persisted = Arc::new(PersistedDocuments::new(None));
        let filler = "#".repeat(16 * 1024);
        std::thread::scope(|threads| {
            for thread in 0..8 {
                let (persisted, filler) = (persisted.clone(), &filler);
                threads.spawn(move || {
                    for n in 0..200 {
                        let text = format!("{{ __typename }} # {thread}-{n} {filler}");
                        let mut request = by_hash(&sha256_hex(&text));
                        request.query = text;
                        persisted.resolve(&mut request).unwrap();
                    }
                });
            }
        });
        let PersistedDocuments::Automatic(remembered) = &*persisted else { unreachable!() };
        let remembered = lock(remembered);
        let counted: usize = remembered.documents.iter().map(|(hash, text)| hash.len() + text.len()).sum();
        assert_eq!(remembered.bytes, counted);
        assert!(remembered.bytes <= AUTOMATIC_BYTES, "{} bytes", remembered.bytes);
        assert!(!remembered.documents.is_empty());
        drop(remembered);

        // One document larger than the whole budget is run but not kept.
        let huge = format!("{{ __typename }} # {}", "#".repeat(AUTOMATIC_BYTES));
        let hash = sha256_hex(&huge);
        let mut request = by_hash(&hash);
        request.query = huge;
        persisted.resolve(&mut request).unwrap();
        assert_eq!(code(&persisted.resolve(&mut by_hash(&hash)).unwrap_err()), "PERSISTED_QUERY_NOT_FOUND");
    }

    #[test]
    fn trusted_mode_runs_only_the_manifests_documents() {
        let hash = sha256_hex(DOCUMENT);
        let manifest = Manifest::parse(&serde_json::json!({ hash.clone(): DOCUMENT }).to_string()).unwrap();
        let persisted = PersistedDocuments::new(Some(Arc::new(manifest)));
        let mut named = by_hash(&hash);
        persisted.resolve(&mut named).unwrap();
        assert_eq!(named.query, DOCUMENT);
        // The same text sent plainly is the same trusted document.
        persisted.resolve(&mut Request::new(DOCUMENT)).unwrap();
        let other = persisted.resolve(&mut Request::new("{ __typename }")).unwrap_err();
        assert_eq!(code(&other), "TRUSTED_DOCUMENT_REQUIRED");
        let mut unknown = by_hash(&sha256_hex("{ __typename }"));
        assert_eq!(code(&persisted.resolve(&mut unknown).unwrap_err()), "PERSISTED_QUERY_NOT_FOUND");
        // Registering by sending text with its hash teaches a trusted server nothing.
        let mut register = by_hash(&sha256_hex("{ __typename }"));
        register.query = "{ __typename }".into();
        assert_eq!(code(&persisted.resolve(&mut register).unwrap_err()), "TRUSTED_DOCUMENT_REQUIRED");
        assert_eq!(code(&persisted.resolve(&mut unknown).unwrap_err()), "PERSISTED_QUERY_NOT_FOUND");
    }

    #[test]
    fn a_manifest_hashed_otherwise_is_refused() {
        assert!(Manifest::parse(r#"{"not-a-sha": "{ me { id } }"}"#).is_err());
        assert!(Manifest::parse("[]").is_err());
        assert_eq!(Manifest::parse("{}").unwrap().len(), 0);
    }
}
