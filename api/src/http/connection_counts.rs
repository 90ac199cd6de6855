//! Open connections per key, each held by a slot that gives its place back when dropped: the
//! per-address caps of the accept loop and of WebSockets, and the per-person cap of WebSockets.

/// Counts open connections per key (a person, a client address). Entries leave the map when their
/// count drops to zero, so it holds only what is open.
pub struct ConnectionCounts<K: Eq + std::hash::Hash + Clone>(std::sync::Mutex<std::collections::HashMap<K, usize>>);

impl<K: Eq + std::hash::Hash + Clone> Default for ConnectionCounts<K> {
    fn default() -> Self {
        Self(Default::default())
    }
}

/// Releases a counted connection when dropped.
pub struct ConnectionSlot<K: Eq + std::hash::Hash + Clone>(std::sync::Arc<ConnectionCounts<K>>, K);

impl<K: Eq + std::hash::Hash + Clone> ConnectionCounts<K> {
    /// A place for one more connection under `key`, or `None` when `max` are open.
    pub fn take(self: &std::sync::Arc<Self>, key: K, max: usize) -> Option<ConnectionSlot<K>> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let open = counts.entry(key.clone()).or_default();
        if *open >= max {
            if *open == 0 {
                counts.remove(&key);
            }
            return None;
        }
        *open += 1;
        Some(ConnectionSlot(self.clone(), key))
    }
}

impl<K: Eq + std::hash::Hash + Clone> Drop for ConnectionSlot<K> {
    fn drop(&mut self) {
        let mut counts = self.0.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = counts.get_mut(&self.1) {
            *open -= 1;
            if *open == 0 {
                counts.remove(&self.1);
            }
        }
    }
}
