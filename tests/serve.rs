//! The dev server end to end: serve a fixture site on a free port, change files, break
//! one, fix it, and try to escape the output.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path, extra: &[&str]) -> Server {
    start_with(root, extra, Stdio::null())
}

/// [`start`], the server's reports going to a new file at `log`.
fn start_logging(root: &std::path::Path, log: &std::path::Path) -> Server {
    start_with(root, &[], std::fs::File::create(log).unwrap().into())
}

/// [`start`], the server's reports going to `log`.
fn start_with(root: &std::path::Path, extra: &[&str], log: Stdio) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diptych"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server { child, port }
}

/// A GET over plain HTTP/1.1: status and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// Polls until `cond` holds for the page, for at most ten seconds.
fn wait_for(port: u16, path: &str, cond: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = get(port, path);
        if cond(status, &body) || Instant::now() > deadline {
            return (status, body);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Opens the live-reload event stream as the page `path` does; returns the stream, with
/// the first event (the build version) read.
fn open_page_events(port: u16, path: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let page = path.replace('/', "%2F");
    write!(
        s,
        "GET /__diptych/events?page={page} HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(s);
    next_event(&mut events);
    events
}

/// The data of the next server-sent event.
fn next_event(events: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            events.read_line(&mut line).unwrap() > 0,
            "the event stream closed"
        );
        if let Some(data) = line.trim_end().strip_prefix("data:") {
            return data.trim().to_string();
        }
    }
}

#[test]
fn a_template_edit_shows_the_open_page_first_and_then_every_page() {
    let (tmp, root) = common::site("pairing");
    let log_path = tmp.path().join("serve.log");
    let server = start_logging(&root, &log_path);
    let mut events = open_page_events(server.port, "/nl/over-ons/");
    let base = root.join("themes/plain/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("<main>", "<main><p>Nieuw sjabloon</p>")).unwrap();
    // One reload, with the open page as a clean build makes it.
    let version = next_event(&mut events);
    let (status, body) = get(server.port, "/nl/over-ons/");
    assert_eq!(status, 200);
    assert!(body.contains("Nieuw sjabloon"), "{body}");
    assert!(body.contains(&format!("const v=\"{version}\"")), "{body}");
    // The others (rendered after it, waited for when asked for sooner) too.
    for path in ["/en/", "/nl/nieuws/", "/en/about-us/"] {
        let (_, body) = get(server.port, path);
        assert!(body.contains("Nieuw sjabloon"), "{path}: {body}");
        assert!(
            body.contains(&format!("const v=\"{version}\"")),
            "{path}: {body}"
        );
    }
    assert_eq!(get(server.port, "/en/nothing-here/").0, 404);
    let deadline = Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap();
        if log.matches("rebuilt in").count() >= 2 || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let first = log
        .find("showed the open page(s)")
        .unwrap_or_else(|| panic!("{log}"));
    assert!(log[first..].contains("rebuilt in"), "{log}");
    // A text edit renders its pages at once.
    let page = root.join("content/about.nl.md");
    std::fs::write(
        &page,
        "---\ntitle: Over ons\nslug: over-ons\n---\nNu anders.\n",
    )
    .unwrap();
    let later = next_event(&mut events);
    assert_ne!(later, version);
    assert!(get(server.port, "/nl/over-ons/").1.contains("Nu anders."));
    // A template that few files read (the 404 pages) renders just those, at once.
    let not_found = root.join("themes/plain/templates/404.html");
    let text = std::fs::read_to_string(&not_found).unwrap();
    std::fs::write(&not_found, text.replace("home</a>", "home</a><p>Weg</p>")).unwrap();
    let (status, body) = wait_for(server.port, "/en/nothing-here/", |_, b| b.contains("Weg"));
    assert_eq!(status, 404);
    assert!(body.contains("<p>Weg</p>"), "{body}");
    assert!(!get(server.port, "/nl/over-ons/").1.contains("Weg"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap();
        if log.contains("3 rendered") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(log.contains("(0 file(s) parsed, 3 rendered"), "{log}");
    assert_eq!(log.matches("showed the open page(s)").count(), 1, "{log}");
}

#[test]
fn with_no_page_open_a_template_edit_serves_each_page_asked_for_with_it() {
    let (tmp, root) = common::site("pairing");
    let log_path = tmp.path().join("serve.log");
    let server = start_logging(&root, &log_path);
    let base = root.join("themes/plain/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("<main>", "<main><p>Nieuw sjabloon</p>")).unwrap();
    let log = log_with(&log_path, "ready in", 1);
    assert!(log.contains("any asked for first"), "{log}");
    for path in ["/en/about-us/", "/nl/", "/nl/nieuws/"] {
        let (status, body) = get(server.port, path);
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("Nieuw sjabloon"), "{path}: {body}");
    }
    let log = log_with(&log_path, "rebuilt in", 2);
    assert!(!log.contains("showed the open page(s)"), "{log}");
}

/// Waits until the server's log at `path` holds `count` lines containing `what`.
fn log_with(path: &std::path::Path, what: &str, count: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = std::fs::read_to_string(path).unwrap();
        if log.matches(what).count() >= count || Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_message_edit_renders_the_files_that_show_it_in_its_language() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in [
        "site.yaml",
        "content",
        "data",
        "locales",
        "themes",
        "translations.lock",
    ] {
        let (from, to) = (repo.join(part), tmp.path().join(part));
        if from.is_dir() {
            common::copy_dir(&from, &to);
        } else {
            std::fs::copy(&from, &to).unwrap();
        }
    }
    let log_path = tmp.path().join("serve.log");
    let server = start_logging(tmp.path(), &log_path);
    let messages = tmp.path().join("locales/nl/site.ftl");
    let text = std::fs::read_to_string(&messages).unwrap();
    // On the two Dutch 404 pages only: those are rendered at once.
    let edited = text.replacen("not-found-text = ", "not-found-text = Helaas. ", 1);
    std::fs::write(&messages, &edited).unwrap();
    let (status, body) = wait_for(server.port, "/nl/bestaat-niet/", |_, b| {
        b.contains("Helaas.")
    });
    assert_eq!(status, 404);
    assert!(body.contains("Helaas."), "{body}");
    let log = log_with(&log_path, "rebuilt in", 2);
    assert!(log.contains("(0 file(s) parsed, 2 rendered"), "{log}");
    // On every Dutch page, one of them open: it is shown first, the English pages
    // are not rendered again.
    let mut events = open_page_events(server.port, "/nl/");
    let english = get(server.port, "/en/").1;
    let edited = edited.replacen("footer-top = Naar boven", "footer-top = Omhoog", 1);
    std::fs::write(&messages, &edited).unwrap();
    let version = next_event(&mut events);
    let home = get(server.port, "/nl/").1;
    assert!(home.contains("Omhoog"), "{home}");
    assert!(home.contains(&format!("const v=\"{version}\"")), "{home}");
    let log = log_with(&log_path, "rebuilt in", 3);
    assert!(log.contains("showed the open page(s)"), "{log}");
    let rest = get(server.port, "/nl/agenda/").1;
    assert!(rest.contains("Omhoog"), "{rest}");
    // The English home page is the same but for the build version it reloads to.
    let strip = |page: &str| page.split("const v=").next().unwrap_or(page).to_string();
    assert_eq!(strip(&get(server.port, "/en/").1), strip(&english));
}

#[test]
fn serves_rebuilds_shows_errors_and_recovers() {
    let (_tmp, root) = common::site("pairing");
    let server = start(&root, &[]);
    let (status, body) = get(server.port, "/nl/over-ons/");
    assert_eq!(status, 200);
    assert!(body.contains("Wie we zijn."), "{body}");
    assert!(body.contains("/__diptych/events"), "no live-reload script");

    let page = root.join("content/about.nl.md");
    std::fs::write(
        &page,
        "---\ntitle: Over ons\nslug: over-ons\n---\nWie we nu zijn.\n",
    )
    .unwrap();
    let (_, body) = wait_for(server.port, "/nl/over-ons/", |_, b| {
        b.contains("Wie we nu zijn.")
    });
    assert!(
        body.contains("Wie we nu zijn."),
        "the edit never showed: {body}"
    );

    std::fs::write(&page, "---\ntitle: Over ons\ntitel: typo\n---\n").unwrap();
    let (status, body) = wait_for(server.port, "/en/", |s, _| s == 500);
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("content/about.nl.md:3:1: error: unknown field `titel`"),
        "{body}"
    );

    std::fs::write(
        &page,
        "---\ntitle: Over ons\nslug: over-ons\n---\nHersteld.\n",
    )
    .unwrap();
    let (status, body) = wait_for(server.port, "/nl/over-ons/", |s, _| s == 200);
    assert_eq!(status, 200);
    assert!(body.contains("Hersteld."), "{body}");

    // A new file and a removed one: the watcher's events make the rebuild list the
    // content folder again (edits in place only stamp the edited file).
    let new = root.join("content/nieuw.nl.md");
    std::fs::write(
        &new,
        "---\ntitle: Nieuw\ntranslate: false\n---\nEen nieuwe pagina.\n",
    )
    .unwrap();
    let (status, body) = wait_for(server.port, "/nl/nieuw/", |s, _| s == 200);
    assert_eq!(status, 200, "the new page never showed: {body}");
    assert!(body.contains("Een nieuwe pagina."), "{body}");
    std::fs::remove_file(&new).unwrap();
    let (status, _) = wait_for(server.port, "/nl/nieuw/", |s, _| s == 404);
    assert_eq!(status, 404, "the removed page is still served");
}

#[test]
fn answers_misses_with_the_language_404_and_refuses_traversal() {
    let (_tmp, root) = common::site("pairing");
    std::fs::write(root.parent().unwrap().join("secret.txt"), "do not serve").unwrap();
    let server = start(&root, &["--poll"]);
    let (status, body) = get(server.port, "/en/nothing-here/");
    assert_eq!(status, 404);
    assert!(body.contains("lang=\"en\""), "{body}");
    assert_eq!(get(server.port, "/nl/over-ons").0, 301);
    for path in [
        "/../secret.txt",
        "/nl/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/nl/%00",
    ] {
        let (status, body) = get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("do not serve"), "{path} escaped the site");
    }
}
