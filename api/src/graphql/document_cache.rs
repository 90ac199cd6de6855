//! Parsed documents by their text.
//!
//! Clients send the same few documents again and again (a page's query, a form's mutation), and
//! parsing the handoff page's query was about 4 % of its CPU time; a copy of the parsed document
//! costs a fraction of that. Only documents the document guard admitted and that parsed are kept,
//! short ones only, and a bounded number of them: when the cache is full it starts over, so a
//! client sending ever new documents costs everyone a parse, never memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::ExecutableDocument;

/// Documents longer than this are parsed each time (they are rare, and would hold memory).
const MAX_TEXT_BYTES: usize = 4 * 1024;
/// Documents kept at once.
const CAPACITY: usize = 128;

#[derive(Default)]
pub struct DocumentCache {
    documents: Mutex<HashMap<Box<str>, Arc<ExecutableDocument>>>,
}

impl DocumentCache {
    /// The parsed form of `text`, when it was parsed before.
    pub fn get(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        if text.len() > MAX_TEXT_BYTES {
            return None;
        }
        self.lock().get(text).cloned()
    }

    /// Keeps the parsed form of `text`.
    pub fn insert(&self, text: &str, document: &ExecutableDocument) {
        if text.len() > MAX_TEXT_BYTES {
            return;
        }
        let mut documents = self.lock();
        if documents.len() >= CAPACITY {
            documents.clear();
        }
        documents.insert(text.into(), Arc::new(document.clone()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<ExecutableDocument>>> {
        // A panic while holding the lock leaves the map whole (each step is one map operation).
        self.documents.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).expect("the document parses")
    }

    #[test]
    fn a_document_is_found_by_its_exact_text() {
        let cache = DocumentCache::default();
        cache.insert("{ me { id } }", &parsed("{ me { id } }"));
        assert!(cache.get("{ me { id } }").is_some());
        assert!(cache.get("{ me { id }}").is_none(), "another text, even if it means the same");
    }

    #[test]
    fn long_documents_are_not_kept() {
        let cache = DocumentCache::default();
        let long = format!("{{ me {{ id }} }} #{}", "x".repeat(MAX_TEXT_BYTES));
        cache.insert(&long, &parsed(&long));
        assert!(cache.get(&long).is_none());
    }

    #[test]
    fn a_full_cache_starts_over_instead_of_growing() {
        let cache = DocumentCache::default();
        for i in 0..=CAPACITY {
            let text = format!("{{ a{i}: me {{ id }} }}");
            cache.insert(&text, &parsed(&text));
        }
        assert_eq!(cache.lock().len(), 1, "the last one, in a cache that started over");
        assert!(cache.get(&format!("{{ a{CAPACITY}: me {{ id }} }}")).is_some());
    }
}
