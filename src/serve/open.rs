//! Which pages are open in a browser: each page's live-reload event stream names it and
//! counts it as open until the stream closes. After an edit that reaches every page, the
//! dev server renders these first.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// The output files open in a browser, each with how many event streams show it.
#[derive(Clone, Default)]
pub(super) struct OpenPages(Arc<Mutex<HashMap<String, usize>>>);

impl OpenPages {
    /// The output files open now.
    pub(super) fn now(&self) -> HashSet<String> {
        self.lock().keys().cloned().collect()
    }

    /// Counts the output file `key` as open until the returned guard is dropped.
    pub(super) fn open(&self, key: String) -> Viewer {
        *self.lock().entry(key.clone()).or_default() += 1;
        Viewer {
            pages: self.clone(),
            key,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, usize>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One event stream's page, counted as open while this lives.
pub(super) struct Viewer {
    pages: OpenPages,
    key: String,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let mut open = self.pages.lock();
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_open_while_any_of_its_streams_is() {
        let pages = OpenPages::default();
        let a = pages.open("nl/index.html".into());
        let b = pages.open("nl/index.html".into());
        let c = pages.open("en/index.html".into());
        assert_eq!(pages.now().len(), 2);
        drop(a);
        assert!(pages.now().contains("nl/index.html"));
        drop(b);
        assert_eq!(pages.now(), HashSet::from(["en/index.html".to_string()]));
        drop(c);
        assert!(pages.now().is_empty());
    }
}
