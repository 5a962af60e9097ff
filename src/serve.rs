//! `diptych serve`: the site built in memory, served on 127.0.0.1, rebuilt on change.
//!
//! Takes the site root and serving options; serves the last good build's files from
//! memory (never from disk, never writing `public/`), and after a failed rebuild an
//! overlay with every diagnostic on every page until a good build clears it. Pages get a
//! small live-reload script (server-sent events, whose request names the page, so that
//! the pages open are known); while the pages not open are still being rendered after
//! an edit that reached many pages, a request for one has it rendered next and waits
//! for it. Rejects request paths with `..` segments, backslashes or NUL (400), and
//! answers misses with the language's `404.html`. The only mutable state of the
//! program lives here.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::{Notify, broadcast};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::render::{Asked, Output};
use crate::session::Session;

mod builds;
mod open;
mod pages;

use builds::{Batches, first_build, start_watcher};
use open::OpenPages;
pub use pages::request_path;
use pages::{content_type, output_key, overlay, with_reload};

/// Where the live-reload events are served.
const EVENTS: &str = "/__diptych/events";

/// How `diptych serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 picks any free port; otherwise this one or the next free of the ten after it.
    pub port: u16,
    pub drafts: bool,
    /// Poll the file system instead of relying on native events.
    pub poll: bool,
    /// Called with the address once the server listens (prints it, opens a browser).
    pub on_ready: fn(SocketAddr),
}

/// What the server shows: the last good files, or the problems of the last build.
struct Shown {
    files: Arc<Output>,
    problems: Option<Arc<Vec<Diagnostic>>>,
    version: u64,
    /// `files` is the first look after an edit that reached many files (the open pages
    /// and every file it did not reach), and the rest is being rendered: a request for
    /// a file not there asks for it and waits.
    settling: bool,
}

#[derive(Clone)]
struct Shared {
    shown: Arc<RwLock<Shown>>,
    reload: broadcast::Sender<u64>,
    langs: Arc<Vec<String>>,
    /// The pages open in a browser.
    open: OpenPages,
    /// Woken when a settling build is done, and when a file asked for is ready.
    settled: Arc<Notify>,
    /// The files asked for while the build settles, and those it rendered so far.
    asked: Arc<Asked>,
    /// The batches of changes the watcher sent and the rebuilds took.
    batches: Batches,
}

impl Shared {
    /// Nothing shown yet, for a site in the languages `langs`.
    fn new(langs: Vec<String>) -> Shared {
        let (reload, _) = broadcast::channel(16);
        let settled = Arc::new(Notify::new());
        let wake = settled.clone();
        let batches = Batches::default();
        let newer = batches.clone();
        Shared {
            shown: Arc::new(RwLock::new(Shown {
                files: Arc::default(),
                problems: None,
                version: 0,
                settling: false,
            })),
            reload,
            langs: Arc::new(langs),
            open: OpenPages::default(),
            settled,
            asked: Arc::new(
                Asked::new(move || wake.notify_waiters()).stopping(move || newer.waiting()),
            ),
            batches,
        }
    }

    fn shown(&self) -> std::sync::RwLockWriteGuard<'_, Shown> {
        self.shown.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// Builds, serves and watches until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<()> {
    let mut session = Session::new(opts.root.clone(), opts.drafts);
    let config = crate::config::Config::load(&opts.root)?;
    let shared = Shared::new(config.langs().map(|l| l.to_string()).collect());
    first_build(&mut session, &shared);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = bind(opts.port).await?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Usage(format!("cannot read the server's address: {e}")))?;
        let _watcher = start_watcher(&opts, session, shared.clone())?;
        (opts.on_ready)(addr);
        let app = Router::new()
            .route(EVENTS, get(events))
            .fallback(get(page))
            .with_state(shared);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Usage(format!("the server stopped: {e}")))
    })
}

async fn bind(port: u16) -> Result<tokio::net::TcpListener> {
    let tries = if port == 0 { 1 } else { 11 };
    let mut last = None;
    for p in (0..tries).map(|i| port.saturating_add(i)) {
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, p))).await {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Usage(format!(
        "no free port from {port} to {}: {}",
        port.saturating_add(10),
        last.map_or_else(String::new, |e| e.to_string())
    )))
}

/// Server-sent events: the build version now, then after every rebuild.
/// The stream's `page` query names the page it was opened from: open while it is.
async fn events(
    State(shared): State<Shared>,
    uri: Uri,
) -> Sse<impl Stream<Item = std::result::Result<Event, Infallible>>> {
    let now = shared.shown.read().map(|s| s.version).unwrap_or(0);
    let rx = shared.reload.subscribe();
    let viewer = pages::viewed_key(uri.query()).map(|key| shared.open.open(key));
    let later = stream::unfold((rx, viewer), |(mut rx, viewer)| async move {
        loop {
            match rx.recv().await {
                Ok(v) => return Some((v, (rx, viewer))),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::once(async move { now })
        .chain(later)
        .map(|v| Ok(Event::default().data(v.to_string())));
    Sse::new(all).keep_alive(KeepAlive::default())
}

/// What a request for the file `key` is answered from.
struct Current {
    files: Arc<Output>,
    problems: Option<Arc<Vec<Diagnostic>>>,
    version: u64,
    /// The file, handed over by the build that is rendering it.
    early: Option<bytes::Bytes>,
}

/// The build shown now; while it settles without the file `key`, the file is asked
/// for and waited for (or the settled build). None when the shown build is poisoned.
async fn current(shared: &Shared, key: &str) -> Option<Current> {
    loop {
        // Made before looking, so that a build settling in between, or the file asked
        // for getting ready, still wakes it.
        let settled = shared.settled.notified();
        let (files, problems, version, settling) = match shared.shown.read() {
            Ok(s) => (s.files.clone(), s.problems.clone(), s.version, s.settling),
            Err(_) => return None,
        };
        let mut early = None;
        if settling && !files.files.contains_key(key) {
            early = shared.asked.ask(key);
            if early.is_none() {
                settled.await;
                continue;
            }
        }
        return Some(Current {
            files,
            problems,
            version,
            early,
        });
    }
}

/// Any other request: a file of the current build, the overlay, or a 404.
async fn page(State(shared): State<Shared>, uri: Uri) -> Response {
    let Some(path) = request_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let key = output_key(&path);
    let Some(Current {
        files,
        problems,
        version,
        early,
    }) = current(&shared, &key).await
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let found = early.as_ref().or_else(|| files.files.get(&key));
    if found.is_none()
        && !path.ends_with('/')
        && files.files.contains_key(&format!("{key}/index.html"))
    {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("{path}/"))],
        )
            .into_response();
    }
    let is_html = key.ends_with(".html");
    if let (Some(problems), true) = (&problems, is_html || found.is_none()) {
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            overlay(problems, version),
        );
    }
    match found {
        Some(bytes) if is_html => html(StatusCode::OK, with_reload(bytes, version)),
        Some(bytes) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&key)),
            )],
            bytes.clone(),
        )
            .into_response(),
        None => {
            let lang = path.trim_start_matches('/').split('/').next().unwrap_or("");
            let page = if shared.langs.iter().any(|l| l == lang) {
                format!("{lang}/404.html")
            } else {
                "404.html".into()
            };
            let body = files
                .files
                .get(&page)
                .map_or_else(|| b"not found".to_vec(), |b| with_reload(b, version));
            html(StatusCode::NOT_FOUND, body)
        }
    }
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_in_any_spelling() {
        for bad in [
            "/../etc/passwd",
            "/nl/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/x%00",
            "/%zz",
            "/./a",
        ] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
        assert_eq!(
            request_path("/nl/co%C3%B6peratie/").as_deref(),
            Some("/nl/coöperatie/")
        );
    }

    #[test]
    fn maps_paths_to_output_files() {
        assert_eq!(output_key("/"), "index.html");
        assert_eq!(output_key("/nl/x/"), "nl/x/index.html");
        assert_eq!(output_key("/css/site.css"), "css/site.css");
    }

    #[test]
    fn an_event_stream_names_the_open_page_by_its_output_file() {
        let key = |q| pages::viewed_key(Some(q));
        assert_eq!(key("page=%2Fnl%2Fx%2F").as_deref(), Some("nl/x/index.html"));
        assert_eq!(key("a=1&page=%2F").as_deref(), Some("index.html"));
        // encodeURIComponent("/nl/co%C3%B6peratie/"), as the browser's pathname is.
        assert_eq!(
            key("page=%2Fnl%2Fco%25C3%25B6peratie%2F").as_deref(),
            Some("nl/coöperatie/index.html")
        );
        assert_eq!(key("page=%2Fnl%2F%252e%252e%2Fx"), None);
        assert_eq!(key("page=%2F..%2Fetc"), None);
        assert_eq!(key("other=%2F"), None);
        assert_eq!(pages::viewed_key(None), None);
    }

    #[test]
    fn injects_the_reload_script_before_body_end() {
        let page =
            String::from_utf8(with_reload(b"<html><body><p>x</p></body></html>", 7)).unwrap();
        assert!(page.contains("const v=\"7\""));
        assert!(page.ends_with("</script></body></html>"));
    }

    #[test]
    fn the_overlay_escapes_diagnostics() {
        let d = Diagnostic::error("x", "content/a.nl.md", "bad <script>");
        let page = String::from_utf8(overlay(&[d], 1)).unwrap();
        assert!(page.contains("bad &lt;script&gt;"));
        assert!(!page.contains("bad <script>"));
    }
}
