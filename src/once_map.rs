//! Values made once per key and shared between threads: a memo for work that many
//! callers want for the same few keys (the ids of a page that every page links into,
//! the message of a missing file that every page asks for).
//!
//! Takes a key and a way to make its value; produces the value, made by the first
//! caller. Rejects nothing.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Each key's value, made on the first ask.
pub(crate) struct OnceMap<K, V>(Mutex<HashMap<K, Arc<V>>>);

impl<K, V> Default for OnceMap<K, V> {
    fn default() -> Self {
        OnceMap(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V> OnceMap<K, V> {
    /// The value of `key`, made by `make` if no caller made it before. It is made
    /// outside the lock, so that other keys are looked up meanwhile; of two callers
    /// that make it at once, the first to finish gives the value both get.
    pub(crate) fn get_or_make(&self, key: K, make: impl FnOnce() -> V) -> Arc<V> {
        if let Some(value) = self.0.lock().unwrap().get(&key) {
            return value.clone();
        }
        let value = Arc::new(make());
        self.0.lock().unwrap().entry(key).or_insert(value).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_each_value_once() {
        let map = OnceMap::default();
        let made = std::sync::atomic::AtomicUsize::new(0);
        let make = |v: &'static str| {
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            v
        };
        assert_eq!(*map.get_or_make("a", || make("one")), "one");
        assert_eq!(*map.get_or_make("a", || make("two")), "one");
        assert_eq!(*map.get_or_make("b", || make("three")), "three");
        assert_eq!(made.into_inner(), 2);
    }
}
