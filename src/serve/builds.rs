//! Rebuilding on change: the watcher's thread, and each build's result (or problems)
//! swapped into what the server shows. After an edit that reaches many pages, the pages
//! open in a browser are built and shown first, then the rest: a page asked for
//! meanwhile is rendered before the others and served as soon as it is done, and a
//! newer change stops the rest (which is finished once no change waits).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use notify_debouncer_full::DebounceEventResult;
use notify_debouncer_full::notify::{self, RecursiveMode};

use super::{ServeOptions, Shared};
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::session::Session;
use crate::watch::{self, Change};

/// The first build, before the server listens: everything at once.
pub(super) fn first_build(session: &mut Session, shared: &Shared) {
    let started = Instant::now();
    let result = session.rebuild();
    show(session, shared, result, started.elapsed(), true);
}

/// Rebuilds and swaps in the result (or the problems), then tells open pages.
/// `edited`: the content files the watcher saw change in place, when that is all
/// that happened in the content folder. When the change reached many files, the pages
/// open in a browser are rendered and shown first with every file that did not
/// change; then the rest, those asked for meanwhile first. True when a newer change
/// stopped the rest (see [`render_rest`]).
pub(super) fn rebuild(
    session: &mut Session,
    shared: &Shared,
    edited: Option<Vec<PathBuf>>,
) -> bool {
    let viewing = shared.open.now();
    let started = Instant::now();
    let look = match session.rebuild_viewing(edited, viewing.clone()) {
        Ok(look) if !look.pending.is_empty() => look,
        result => {
            show(session, shared, result, started.elapsed(), true);
            return false;
        }
    };
    shared.asked.clear();
    let mut shown = shared.shown();
    // The open pages reload when the first look changed one, or may have (one not
    // there shows a 404 page), or they showed a failed build's problems.
    let changed = viewing.iter().filter(|k| {
        let now = look.output.files.get(*k);
        now.is_none() || shown.files.files.get(*k) != now
    });
    let changed = changed.count();
    let (took, pending) = (started.elapsed().as_millis(), look.pending.len());
    match changed {
        0 => eprintln!(
            "ready in {took} ms; rendering the {pending} changed file(s), any asked for first"
        ),
        _ => eprintln!(
            "showed the open page(s) in {took} ms ({changed} changed); rendering the other {pending} file(s), any asked for first"
        ),
    }
    if changed > 0 || shown.problems.is_some() {
        shown.version += 1;
        let _ = shared.reload.send(shown.version);
    }
    shown.files = Arc::new(look.output);
    shown.problems = None;
    shown.settling = true;
    drop(shown);
    render_rest(session, shared)
}

/// Renders the files the first look left, those asked for first, and shows them; the
/// open pages reload again only if the rest changed what they show. True when a newer
/// change stopped it first: what it rendered is shown, and the others still wait.
fn render_rest(session: &mut Session, shared: &Shared) -> bool {
    let first = (shared.shown.read())
        .unwrap_or_else(|p| p.into_inner())
        .files
        .clone();
    let started = Instant::now();
    let rest = match session.rebuild_rest(shared.asked.clone()) {
        Ok(part) if !part.pending.is_empty() => {
            eprintln!(
                "a newer change came after {} ms: {} file(s) still to render",
                started.elapsed().as_millis(),
                part.pending.len()
            );
            shared.shown().files = Arc::new(part.output);
            return true;
        }
        rest => rest,
    };
    let same = rest.as_ref().is_ok_and(|r| {
        let mut pages = first.files.iter().filter(|(p, _)| p.ends_with(".html"));
        pages.all(|(p, b)| r.output.files.get(p) == Some(b))
    });
    show(session, shared, rest, started.elapsed(), !same);
    shared.asked.clear();
    false
}

/// Swaps in a rebuild's result (or its problems) and reports it; `reload`: as a new
/// version that open pages load.
fn show(
    session: &Session,
    shared: &Shared,
    result: Result<crate::session::Preview>,
    took: Duration,
    reload: bool,
) {
    let mut shown = shared.shown();
    if reload {
        shown.version += 1;
    }
    match result {
        Ok(g) => {
            for w in &g.warnings {
                eprint!("{w}");
            }
            eprintln!(
                "rebuilt in {} ms ({} file(s) parsed, {} rendered{}, {} warning(s))",
                took.as_millis(),
                session.parsed_last_time(),
                session.rendered_last_time(),
                if session.patched_last_time() {
                    ", the rest kept"
                } else {
                    ""
                },
                g.warnings.len()
            );
            shown.files = Arc::new(g.output);
            shown.problems = None;
        }
        Err(Error::Content(mut diags)) => {
            diagnostic::sort(&mut diags);
            for d in &diags {
                eprint!("{d}");
            }
            eprintln!(
                "build failed: {} problem(s); the browser shows them until the next good build",
                diags.len()
            );
            shown.problems = Some(Arc::new(diags));
        }
        Err(other) => {
            eprintln!("error: {other}");
            shown.problems = Some(Arc::new(vec![Diagnostic::error(
                "site",
                "",
                other.to_string(),
            )]));
        }
    }
    shown.settling = false;
    if reload {
        let _ = shared.reload.send(shown.version);
    }
    drop(shown);
    shared.settled.notify_waiters();
}

/// Watches the site's inputs and rebuilds on change, on its own thread.
pub(super) fn start_watcher(
    opts: &ServeOptions,
    session: Session,
    shared: Shared,
) -> Result<Box<dyn std::any::Any + Send>> {
    let root = std::path::absolute(&opts.root).map_err(Error::read(&opts.root))?;
    let (tx, rx) = std::sync::mpsc::channel();
    let delay = Duration::from_millis(50);
    let fail = |e: notify::Error| Error::Usage(format!("cannot watch {}: {e}", root.display()));
    let mut paths = vec![(root.clone(), RecursiveMode::NonRecursive)];
    for dir in watch::INPUT_DIRS {
        if root.join(dir).is_dir() {
            paths.push((root.join(dir), RecursiveMode::Recursive));
        }
    }
    // Only batches that change what the site is built from are sent (the builds' own
    // reading of the inputs comes as events too), each counted before it is sent, so
    // that a batch waiting is always counted.
    let (batches, watched) = (shared.batches.clone(), root.clone());
    let handler = move |batch: DebounceEventResult| {
        if changes(&watched, &batch) == Change::Nothing {
            return;
        }
        batches.sent.fetch_add(1, Ordering::SeqCst);
        let _ = tx.send(batch);
    };
    let watcher: Box<dyn std::any::Any + Send> = if opts.poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        let mut d = notify_debouncer_full::new_debouncer_opt::<
            _,
            notify::PollWatcher,
            notify_debouncer_full::NoCache,
        >(delay, None, handler, notify_debouncer_full::NoCache, config)
        .map_err(fail)?;
        for (p, mode) in &paths {
            d.watch(p, *mode).map_err(fail)?;
        }
        Box::new(d)
    } else {
        let mut d = notify_debouncer_full::new_debouncer(delay, None, handler).map_err(fail)?;
        for (p, mode) in &paths {
            d.watch(p, *mode).map_err(fail)?;
        }
        Box::new(d)
    };
    std::thread::spawn(move || drop(watch_loop(&root, rx, session, shared)));
    Ok(watcher)
}

/// Batches of changes the watcher sent and the rebuilding thread took. While more were
/// sent than taken, a newer change waits, and the rest of a build renders only the
/// files asked for.
#[derive(Clone, Default)]
pub(super) struct Batches {
    sent: Arc<AtomicU64>,
    taken: Arc<AtomicU64>,
}

impl Batches {
    /// Whether a batch was sent and not taken yet.
    pub(super) fn waiting(&self) -> bool {
        self.sent.load(Ordering::SeqCst) > self.taken.load(Ordering::SeqCst)
    }
}

/// Rebuilds for each batch of changes from `rx`. When a newer batch stopped the rest
/// of a build, it is taken first, and the rest is rendered once no batch waits.
fn watch_loop(
    root: &Path,
    rx: Receiver<DebounceEventResult>,
    mut session: Session,
    shared: Shared,
) -> Session {
    let mut unfinished = false;
    loop {
        let batch = if unfinished {
            match rx.try_recv() {
                Ok(batch) => batch,
                Err(TryRecvError::Empty) => {
                    unfinished = render_rest(&mut session, &shared);
                    continue;
                }
                Err(TryRecvError::Disconnected) => return session,
            }
        } else {
            match rx.recv() {
                Ok(batch) => batch,
                Err(_) => return session,
            }
        };
        shared.batches.taken.fetch_add(1, Ordering::SeqCst);
        // The watcher lost track of something: build again from a fresh listing.
        let edited = match batch {
            Ok(events) => {
                let events: Vec<notify::Event> = events.into_iter().map(|e| e.event).collect();
                watch::content_edits(root, &events)
            }
            Err(_) => None,
        };
        unfinished = rebuild(&mut session, &shared, edited);
    }
}

/// What a batch of the watcher's events asks for (a lost track: a rebuild).
fn changes(root: &Path, batch: &DebounceEventResult) -> Change {
    let Ok(events) = batch else {
        return Change::Rebuild;
    };
    let changed = events
        .iter()
        .filter(|e| !e.kind.is_access())
        .flat_map(|e| e.paths.iter().map(PathBuf::as_path));
    watch::classify_all(root, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, EventKind, ModifyKind};

    /// The watcher's batch for a save of `path`.
    fn saved(path: &Path) -> DebounceEventResult {
        let kind = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let event = notify::Event::new(kind).add_path(path.to_path_buf());
        Ok(vec![notify_debouncer_full::DebouncedEvent::new(
            event,
            Instant::now(),
        )])
    }

    #[test]
    fn a_newer_save_stops_the_rest_of_a_build_and_the_last_is_shown_in_full() {
        use crate::session::tests::{bundled_site, edit_footer};
        let tmp = bundled_site();
        let mut session = Session::new(tmp.path().to_path_buf(), false);
        let shared = Shared::new(vec!["nl".into(), "en".into()]);
        first_build(&mut session, &shared);
        let (tx, rx) = std::sync::mpsc::channel();
        // Two saves, the second sent before the first is taken: the rest of the first
        // build stops at once, and the second build renders what it left.
        for mark in ["<p>Een</p>", "<p>Twee</p>"] {
            let (base, _) = edit_footer(tmp.path(), mark);
            shared.batches.sent.fetch_add(1, Ordering::SeqCst);
            tx.send(saved(&base)).unwrap();
        }
        drop(tx);
        let session = watch_loop(tmp.path(), rx, session, shared.clone());
        assert!(
            session.rendered_last_time() > 40,
            "{}",
            session.rendered_last_time()
        );
        let shown = shared.shown.read().unwrap();
        assert!(!shown.settling);
        assert!(shown.problems.is_none());
        let clean = Session::new(tmp.path().to_path_buf(), false).rebuild();
        assert_eq!(*shown.files, clean.unwrap().output);
        let home = String::from_utf8_lossy(&shown.files.files["nl/index.html"]);
        assert!(home.contains("<p>Twee</p>"));
    }
}
