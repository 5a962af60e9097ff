//! Rebuilding on change: the watcher's thread, and each build's result (or problems)
//! swapped into what the server shows. After an edit that reaches many pages, the pages
//! open in a browser are built and shown first, then the rest: a page asked for
//! meanwhile is rendered before the others and served as soon as it is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
/// change; then the rest, those asked for meanwhile first.
pub(super) fn rebuild(session: &mut Session, shared: &Shared, edited: Option<Vec<PathBuf>>) {
    let viewing = shared.open.now();
    let started = Instant::now();
    let look = match session.rebuild_viewing(edited, viewing.clone()) {
        Ok(look) if !look.pending.is_empty() => look,
        result => return show(session, shared, result, started.elapsed(), true),
    };
    let first = Arc::new(look.output);
    shared.asked.clear();
    let mut shown = shared.shown();
    // The open pages reload when the first look changed one, or may have (one not
    // there shows a 404 page), or they showed a failed build's problems.
    let changed = viewing.iter().filter(|k| {
        let now = first.files.get(*k);
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
    shown.files = first.clone();
    shown.problems = None;
    shown.settling = true;
    drop(shown);
    let started = Instant::now();
    let rest = session.rebuild_rest(shared.asked.clone());
    // The open pages reload once: again only if the rest changed what they show.
    let same = rest.as_ref().is_ok_and(|r| {
        let mut pages = first.files.iter().filter(|(p, _)| p.ends_with(".html"));
        pages.all(|(p, b)| r.output.files.get(p) == Some(b))
    });
    show(session, shared, rest, started.elapsed(), !same);
    shared.asked.clear();
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
    mut session: Session,
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
    let watcher: Box<dyn std::any::Any + Send> = if opts.poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        let mut d = notify_debouncer_full::new_debouncer_opt::<
            _,
            notify::PollWatcher,
            notify_debouncer_full::NoCache,
        >(delay, None, tx, notify_debouncer_full::NoCache, config)
        .map_err(fail)?;
        for (p, mode) in &paths {
            d.watch(p, *mode).map_err(fail)?;
        }
        Box::new(d)
    } else {
        let mut d = notify_debouncer_full::new_debouncer(delay, None, tx).map_err(fail)?;
        for (p, mode) in &paths {
            d.watch(p, *mode).map_err(fail)?;
        }
        Box::new(d)
    };
    std::thread::spawn(move || {
        for batch in rx {
            // The watcher lost track of something: build again from a fresh listing.
            let Ok(events) = batch else {
                rebuild(&mut session, &shared, None);
                continue;
            };
            let changed = events
                .iter()
                .filter(|e| !e.kind.is_access())
                .flat_map(|e| e.paths.iter().map(PathBuf::as_path));
            match watch::classify_all(&root, changed) {
                Change::Nothing => {}
                Change::Rebuild | Change::Reconfigure => {
                    let events: Vec<notify::Event> = events.into_iter().map(|e| e.event).collect();
                    let edited = watch::content_edits(&root, &events);
                    rebuild(&mut session, &shared, edited)
                }
            }
        }
    });
    Ok(watcher)
}
