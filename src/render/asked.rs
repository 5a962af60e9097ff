//! Files asked for while a build renders. After an edit that reached many files, the
//! dev server shows what is ready and renders the rest in a second build (see
//! [`crate::render_memo::RenderMemo::defer`]); a page requested meanwhile is rendered
//! before the others and handed over as soon as it is done, so that opening it does
//! not wait for the whole build.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use bytes::Bytes;
use rayon::prelude::*;

/// The output paths asked for while a build renders, and the files it rendered so far.
pub struct Asked {
    state: Mutex<State>,
    /// Called when a file that was asked for is ready.
    wake: Box<dyn Fn() + Send + Sync>,
    /// While this holds, the build renders only what is asked for and leaves the rest.
    stop: Box<dyn Fn() -> bool + Send + Sync>,
}

#[derive(Default)]
struct State {
    /// Asked for and not yet taken up by the build, oldest first.
    queue: VecDeque<String>,
    /// Asked for and not ready yet.
    waiting: HashSet<String>,
    /// Rendered by the build so far, by output path.
    ready: HashMap<String, Bytes>,
}

impl Asked {
    /// Nothing asked for yet; `wake` is called each time a file asked for is ready.
    pub fn new(wake: impl Fn() + Send + Sync + 'static) -> Asked {
        Asked {
            state: Mutex::default(),
            wake: Box::new(wake),
            stop: Box::new(|| false),
        }
    }

    /// The same, but while `stop` holds (another edit came), the build renders only
    /// the files asked for and leaves the others for a later build.
    pub fn stopping(self, stop: impl Fn() -> bool + Send + Sync + 'static) -> Asked {
        Asked {
            stop: Box::new(stop),
            ..self
        }
    }

    /// Whether the build is to leave what was not asked for.
    pub(super) fn stopped(&self) -> bool {
        (self.stop)()
    }

    /// The file at output path `out` if the build rendered it already. Else none: the
    /// build renders it before the files it has not started yet (if it renders it at
    /// all), and calls `wake` when it is ready.
    pub fn ask(&self, out: &str) -> Option<Bytes> {
        let mut state = self.lock();
        if let Some(bytes) = state.ready.get(out) {
            return Some(bytes.clone());
        }
        if state.waiting.insert(out.to_string()) {
            state.queue.push_back(out.to_string());
        }
        None
    }

    /// Forgets what was asked for and rendered (between builds).
    pub fn clear(&self) {
        *self.lock() = State::default();
    }

    /// The build rendered `bytes` at `out`: handed to whoever asks, and wakes those
    /// who did.
    pub(super) fn ready(&self, out: &str, bytes: &Bytes) {
        let mut state = self.lock();
        state.ready.insert(out.to_string(), bytes.clone());
        let asked = state.waiting.remove(out);
        drop(state);
        if asked {
            (self.wake)();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `run` for each index below `total` on both cores, each once: first the indices
/// whose output path (`out`) is asked for, as they are asked, then the others in
/// order; `run` is told whether its index was asked for. The results come back in
/// index order, as a plain parallel map gives them.
pub(super) fn asked_first<R: Send>(
    asked: &Asked,
    total: usize,
    out: impl Fn(usize) -> String + Sync,
    run: impl Fn(usize, bool) -> R + Sync,
) -> Vec<R> {
    let taken: Vec<AtomicBool> = (0..total).map(|_| AtomicBool::new(false)).collect();
    let cursor = AtomicUsize::new(0);
    // Made when the first path is asked for (most builds have none asked).
    let index: OnceLock<HashMap<String, usize>> = OnceLock::new();
    let claim = || {
        // Held until the index is taken: else a core could take a path off the queue,
        // and the other take its index in order (as not asked for) before the first
        // marks it taken.
        let mut state = asked.lock();
        while let Some(path) = state.queue.pop_front() {
            let index = index.get_or_init(|| (0..total).map(|i| (out(i), i)).collect());
            if let Some(&i) = index.get(&path)
                && !taken[i].swap(true, Ordering::AcqRel)
            {
                return (i, true);
            }
        }
        // Each of the `total` claims takes one index no other took, so an index below
        // `total` is left whenever a claim is made.
        loop {
            let i = cursor.fetch_add(1, Ordering::Relaxed);
            if !taken[i].swap(true, Ordering::AcqRel) {
                return (i, false);
            }
        }
    };
    let mut results: Vec<(usize, R)> = (0..total)
        .into_par_iter()
        .map(|_| {
            let (i, asked) = claim();
            (i, run(i, asked))
        })
        .collect();
    results.par_sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn each_index_runs_once_and_comes_back_in_order() {
        let asked = Asked::new(|| {});
        let runs: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
        let results = asked_first(
            &asked,
            1000,
            |i| format!("{i}"),
            |i, _| {
                runs[i].fetch_add(1, Ordering::Relaxed);
                i * 2
            },
        );
        assert_eq!(results, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert!(runs.iter().all(|r| r.load(Ordering::Relaxed) == 1));
    }

    #[test]
    fn what_is_asked_for_runs_before_the_rest_and_is_handed_over() {
        let woken = Arc::new(AtomicUsize::new(0));
        let asked = {
            let woken = woken.clone();
            Asked::new(move || {
                woken.fetch_add(1, Ordering::Relaxed);
            })
        };
        // Asked for before the build: the last index, one that is not built, and the
        // last index again.
        for path in ["p999", "p-none", "p999"] {
            assert!(asked.ask(path).is_none());
        }
        let order = Mutex::new(Vec::new());
        // On one thread, so that the order of the runs is the order of the claims.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let results = one.install(|| {
            asked_first(
                &asked,
                1000,
                |i| format!("p{i}"),
                |i, _| {
                    order.lock().unwrap().push(i);
                    let bytes = Bytes::from(format!("file {i}"));
                    asked.ready(&format!("p{i}"), &bytes);
                    // Asked for while the build runs, before it reaches it in order.
                    if i == 999 {
                        assert!(asked.ask("p700").is_none());
                    }
                    i
                },
            )
        });
        assert_eq!(results, (0..1000).collect::<Vec<_>>());
        let order = order.into_inner().unwrap();
        assert_eq!(order[..4], [999, 700, 0, 1]);
        assert_eq!(order.len(), 1000);
        assert_eq!(woken.load(Ordering::Relaxed), 2);
        assert_eq!(asked.ask("p999").as_deref(), Some(&b"file 999"[..]));
        assert_eq!(asked.ask("p5").as_deref(), Some(&b"file 5"[..]));
        asked.clear();
        assert!(asked.ask("p5").is_none());
    }

    #[test]
    fn a_path_taken_off_the_queue_is_run_as_asked_for_on_two_cores() {
        // The core that takes the path up makes the index of paths first (slowly here),
        // while the other runs through the indices in order: it must not take the
        // asked index as one not asked for meanwhile.
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for _ in 0..5 {
            let asked = Asked::new(|| {});
            assert!(asked.ask("p3").is_none());
            let results = two.install(|| {
                asked_first(
                    &asked,
                    200,
                    |i| {
                        std::thread::sleep(std::time::Duration::from_micros(100));
                        format!("p{i}")
                    },
                    |i, first| (i, first),
                )
            });
            let firsts: Vec<usize> = results.iter().filter(|r| r.1).map(|r| r.0).collect();
            assert_eq!(firsts, [3]);
        }
    }
}
