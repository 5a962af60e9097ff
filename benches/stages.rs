//! Stage benchmarks on a generated bilingual corpus (`cargo bench`).
//!
//! The corpus comes from the shared generator (`GEN_CORPUS`, default
//! `/work/shared/bench/gen_corpus.py`, run with python3) in a temporary directory, with
//! this repo's site.yaml, Groningen theme, locales and data: the same site
//! `benches/compare_hugo.sh` times end to end. `DIPTYCH_BENCH_PAGES` sets its size
//! (default 1,000 pages, both languages). Measured: parse, assemble, render, publish
//! (sitemap, feeds, calendars, search index, assets; also with 2,000 photos in
//! `static/`), the link check of the output (also with a glossary every page links
//! into), the write to disk, the whole in-memory build, and the dev server's rebuild
//! after one page changed (`Session::rebuild`). Set `TMPDIR=/dev/shm` to write to
//! memory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use diptych::config::Config;
use diptych::document::Document;
use diptych::locales::Locales;
use diptych::publish::{self, Assets};
use diptych::render::Output;
use diptych::session::{ParseCache, Session};
use diptych::site::Site;
use diptych::sources::Sources;
use diptych::theme::Theme;

// The binary's allocator, so stage times match `diptych build`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A generated site on disk, removed when dropped.
struct Corpus {
    dir: tempfile::TempDir,
    pages: usize,
}

impl Corpus {
    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn generate() -> Corpus {
        let pages: usize = std::env::var("DIPTYCH_BENCH_PAGES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        let generator = std::env::var("GEN_CORPUS")
            .unwrap_or_else(|_| "/work/shared/bench/gen_corpus.py".to_string());
        let dir = tempfile::tempdir().expect("a temporary directory");
        let status = Command::new("python3")
            .arg(&generator)
            .args([
                "--pages",
                &pages.to_string(),
                "--flavor",
                "diptych",
                "--out",
            ])
            .arg(dir.path().join("corpus"))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("python3 {generator}: {e} (set GEN_CORPUS)"));
        assert!(status.success(), "python3 {generator} failed");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).expect("site dir");
        for part in ["site.yaml", "themes", "locales", "data"] {
            copy(&repo.join(part), &site.join(part));
        }
        std::fs::rename(dir.path().join("corpus/content"), site.join("content"))
            .expect("move content");
        Corpus { dir, pages }
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir").flatten() {
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.is_file() {
        std::fs::copy(from, to).expect("copy file");
    }
}

/// Everything the render stage takes, built like `diptych::generate_with` builds it.
struct Inputs {
    config: Config,
    sources: Sources,
    docs: Vec<std::sync::Arc<Document>>,
    site: Site,
    theme: Theme,
    locales: Arc<Locales>,
    assets: Assets,
    data: serde_json::Value,
}

impl Inputs {
    fn load(root: &Path) -> Inputs {
        let config = Config::load(root).expect("config");
        let sources = Sources::load(&config).expect("sources");
        let mut errors = Vec::new();
        let docs = ParseCache::default().parse_all(&config, &sources, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let site = Site::assemble(docs.clone(), &config, false).expect("assemble");
        let locales = Arc::new(Locales::from_sources(&config, &sources).expect("locales").0);
        let assets = Assets::new(&sources.statics);
        let theme = Theme::load(&publish::with_builtin_templates(&sources), |tera| {
            diptych::template_fns::register(tera, locales.clone());
            assets.register(tera);
        })
        .expect("theme");
        let data = diptych::data::load(&sources).expect("data");
        Inputs {
            config,
            sources,
            docs,
            site,
            theme,
            locales,
            assets,
            data,
        }
    }

    fn render(&self) -> Output {
        Output::render(&self.site, &self.theme, &self.config, &self.data).expect("render")
    }

    fn published(&self) -> Output {
        let mut output = self.render();
        publish::publish(
            &self.site,
            &self.config,
            Some(&self.locales),
            &self.assets,
            &mut output,
        )
        .expect("publish");
        output
    }
}

/// Publishing (sitemap, feeds, calendars, search index, `assets`) into a copy of the
/// `rendered` output.
fn publish_all(b: &mut criterion::Bencher, inputs: &Inputs, rendered: &Output, assets: &Assets) {
    b.iter_batched(
        || rendered.clone(),
        |mut output| {
            publish::publish(
                &inputs.site,
                &inputs.config,
                Some(&inputs.locales),
                assets,
                &mut output,
            )
            .expect("publish");
            output
        },
        BatchSize::LargeInput,
    )
}

fn stages(c: &mut Criterion) {
    let corpus = Corpus::generate();
    let root = corpus.root();
    let inputs = Inputs::load(&root);
    let mut g = c.benchmark_group(format!("{}_pages", corpus.pages));
    g.sample_size(10).measurement_time(Duration::from_secs(8));

    g.bench_function("load", |b| {
        b.iter(|| Sources::load(&inputs.config).expect("sources"))
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            let mut errors = Vec::new();
            ParseCache::default().parse_all(&inputs.config, &inputs.sources, &mut errors)
        })
    });
    g.bench_function("assemble", |b| {
        b.iter_batched(
            || inputs.docs.clone(),
            |docs| Site::assemble(docs, &inputs.config, false).expect("assemble"),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("render", |b| b.iter(|| inputs.render()));
    let rendered = inputs.render();
    g.bench_function("publish", |b| {
        publish_all(b, &inputs, &rendered, &inputs.assets)
    });
    // The same with 2,000 photos in the site's static/img (a real site's images, which
    // the corpus lacks): publishing looks in every page for the plain name of each.
    let mut statics = inputs.sources.statics.clone();
    for i in 0..2000 {
        let photo = diptych::sources::StaticFile::new(format!("photo {i}").into_bytes());
        statics.insert(format!("img/photo-{i:04}.jpg"), photo);
    }
    let photos = Assets::new(&statics);
    g.bench_function("publish_2000_static_files", |b| {
        publish_all(b, &inputs, &rendered, &photos)
    });
    let output = inputs.published();
    g.bench_function("link_check", |b| {
        b.iter(|| diptych::check::output_links(&output, &inputs.site.reported_anchors))
    });
    // The same with a glossary of 3,000 terms (about 1 MB) that every page links into
    // twice, by its headings' ids.
    let mut glossary = output.clone();
    let terms: String = (0..3000)
        .map(|n| {
            format!(
                "<h2 id=\"term-{n}\">Term {n}</h2><p>{}</p>\n",
                "Uitleg. ".repeat(40)
            )
        })
        .collect();
    let page = format!("<!DOCTYPE html><html lang=\"nl\"><body>{terms}</body></html>");
    glossary.files.insert(
        "nl/woordenlijst/index.html".into(),
        page.into_bytes().into(),
    );
    for (n, (path, bytes)) in glossary.files.iter_mut().enumerate() {
        if path.ends_with(".html") {
            let (a, b) = (n % 3000, n * 7 % 3000);
            let links = format!(
                "<a href=\"/nl/woordenlijst/#term-{a}\">a</a> <a href=\"/nl/woordenlijst/#term-{b}\">b</a>"
            );
            *bytes = [&bytes[..], links.as_bytes()].concat().into();
        }
    }
    g.bench_function("link_check_glossary", |b| {
        b.iter(|| diptych::check::output_links(&glossary, &inputs.site.reported_anchors))
    });
    let out = corpus.dir.path().join("public");
    g.bench_function("write_clean", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_dir_all(&out);
                // Writing takes the output; a copy shares its files' bytes.
                output.clone()
            },
            |output| output.write(&out).expect("write"),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("write_unchanged", |b| {
        output.clone().write(&out).expect("write");
        b.iter_batched(
            || output.clone(),
            |output| output.write(&out).expect("write"),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("generate", |b| {
        b.iter_batched(
            || inputs.sources.clone(),
            |sources| diptych::generate(&inputs.config, sources, false).expect("generate"),
            BatchSize::LargeInput,
        )
    });
    // The dev server after an edit: of a section's text, of an article's text (it is in
    // the feeds too), of its title, of its slug (a new URL) and of its date (which moves
    // it in its lists), all patched.
    type Edit = fn(&str, u64) -> String;
    let edits: [(&str, &str, Edit); 5] = [
        (
            "serve_rebuild_section_text",
            "content/energie/_index.nl.md",
            |t, n| format!("{t}\nEdit {n}.\n"),
        ),
        (
            "serve_rebuild_article_text",
            "content/energie/p00000.nl.md",
            |t, n| format!("{t}\nEdit {n}.\n"),
        ),
        (
            "serve_rebuild_article_title",
            "content/energie/p00000.nl.md",
            |t, n| t.replacen("title: \"", &format!("title: \"{n} "), 1),
        ),
        (
            "serve_rebuild_article_slug",
            "content/energie/p00000.nl.md",
            |t, n| t.replacen("slug: \"", &format!("slug: \"{n}-"), 1),
        ),
        (
            "serve_rebuild_article_date",
            "content/energie/p00000.nl.md",
            |t, n| {
                let day = format!("date: {}-01-01", 1990 + n % 30);
                let lines = t
                    .lines()
                    .map(|l| if l.starts_with("date: ") { &day } else { l });
                lines.collect::<Vec<_>>().join("\n") + "\n"
            },
        ),
    ];
    for (name, file, edit) in edits {
        g.bench_function(name, |b| serve_edit(b, &root, file, edit));
    }
    // A page added, then removed again, by turns: each a full build of the dev server.
    g.bench_function("serve_rebuild_page_added_or_removed", |b| {
        serve_add_remove(b, &root)
    });
    // A theme's template edited (the watcher names no content file): the files whose
    // template reads it are rendered again. `section.html` is read by the sections'
    // pages only, `base.html` by every page.
    let theme = std::fs::read_dir(root.join("themes"))
        .expect("themes/")
        .next()
        .expect("a theme")
        .expect("a theme")
        .path();
    let (section, base) = (
        theme.join("templates/section.html"),
        theme.join("templates/base.html"),
    );
    g.bench_function("serve_rebuild_template_section", |b| {
        serve_template_edit(b, &root, &section)
    });
    g.bench_function("serve_rebuild_template_base", |b| {
        serve_template_edit(b, &root, &base)
    });
    // The edit of `base.html` with a section and an article open in a browser: the time
    // until those two are shown (the rest is rendered next, and not timed here).
    g.bench_function("serve_rebuild_template_base_pages_in_view", |b| {
        let viewing = [
            "nl/energie/index.html",
            "nl/energie/boterdiep-biolabs-opent-nieuwe-vestiging-in-meerstad-0/index.html",
        ];
        serve_template_edit_in_view(b, &root, &base, viewing.map(String::from).into())
    });
    // The same edit with no page open: the time until a page asked for as soon as the
    // first look is shown (one the rest's render would reach after nine tenths of its
    // files, in order) is rendered and handed over. The rest is rendered after it,
    // untimed.
    g.bench_function("serve_rebuild_template_base_page_asked", |b| {
        let text = std::fs::read_to_string(&base).expect("template");
        serve_edit_asked(b, &root, |n| {
            std::fs::write(&base, template_edit(&text, n)).expect("edit");
        });
        std::fs::write(&base, &text).expect("restore");
    });
    // A Fluent message edited: the files that showed it in its language are rendered
    // again. `not-found-text` is on the two Dutch 404 pages, `footer-top` on every
    // Dutch page.
    let messages = root.join("locales/nl/site.ftl");
    for (name, id) in [
        ("serve_rebuild_message_few_pages", "not-found-text = "),
        ("serve_rebuild_message_every_dutch_page", "footer-top = "),
    ] {
        g.bench_function(name, |b| serve_message_edit(b, &root, &messages, id));
    }
    g.bench_function("serve_rebuild_message_every_dutch_page_asked", |b| {
        let text = std::fs::read_to_string(&messages).expect("messages");
        serve_edit_asked(b, &root, |n| {
            let edited = text.replacen("footer-top = ", &format!("footer-top = {n} "), 1);
            std::fs::write(&messages, edited).expect("edit");
        });
        std::fs::write(&messages, &text).expect("restore");
    });
    // The article text edit again with 100 MB of photos in the site's static/ (a real
    // site's images, which the corpus lacks): they are read, hashed and published too.
    let photos = root.join("static/img");
    std::fs::create_dir_all(&photos).expect("static/img");
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    for i in 0..40 {
        let bytes: Vec<u8> = (0..2_500_000)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        std::fs::write(photos.join(format!("photo-{i:02}.jpg")), bytes).expect("photo");
    }
    g.bench_function("serve_rebuild_article_text_100mb_static", |b| {
        serve_edit(b, &root, edits[1].1, edits[1].2)
    });
    std::fs::remove_dir_all(root.join("static")).expect("remove static/");
    // An article's slug edited when every other Dutch article links to it by its file:
    // each of them takes the new URL.
    let edited = root.join(edits[3].1);
    let mut linking = Vec::new();
    for section in std::fs::read_dir(root.join("content"))
        .expect("content/")
        .flatten()
    {
        for page in std::fs::read_dir(section.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = page.path();
            let name = page.file_name().to_string_lossy().into_owned();
            if name.ends_with(".nl.md") && !name.starts_with('_') && path != edited {
                let text = std::fs::read_to_string(&path).expect("page");
                linking.push((path, text));
            }
        }
    }
    let link = format!(
        "\nZie ook [het eerste artikel](../{}).\n",
        edits[3].1.trim_start_matches("content/")
    );
    for (path, text) in &linking {
        std::fs::write(path, format!("{text}{link}")).expect("link");
    }
    g.bench_function("serve_rebuild_article_slug_linked_from_every_page", |b| {
        serve_edit(b, &root, edits[3].1, edits[3].2)
    });
    for (path, text) in &linking {
        std::fs::write(path, text).expect("restore");
    }
    g.finish();
}

/// The dev server's rebuilds, as `serve` runs them: a first build, then for each
/// iteration `change(n)` (n from 1) changes the files and names the content files it
/// touched, as the watcher would.
fn serve_rebuilds(
    b: &mut criterion::Bencher,
    root: &Path,
    mut change: impl FnMut(u64) -> Vec<std::path::PathBuf>,
) {
    let mut session = Session::new(root.to_path_buf(), false);
    session.rebuild().expect("first build");
    let mut n = 0u64;
    b.iter(|| {
        n += 1;
        let named = change(n);
        session.rebuild_after(Some(named)).expect("rebuild")
    });
}

/// The dev server's rebuild after `edit` rewrote `file`.
fn serve_edit(b: &mut criterion::Bencher, root: &Path, file: &str, edit: fn(&str, u64) -> String) {
    let page = root.join(file);
    let text = std::fs::read_to_string(&page).expect("page");
    serve_rebuilds(b, root, |n| {
        std::fs::write(&page, edit(&text, n)).expect("edit");
        vec![std::path::PathBuf::from(file)]
    });
    std::fs::write(&page, &text).expect("restore");
}

/// The dev server's rebuild after the template at `path` changed (no content file named).
fn serve_template_edit(b: &mut criterion::Bencher, root: &Path, path: &Path) {
    let text = std::fs::read_to_string(path).expect("template");
    serve_rebuilds(b, root, |n| {
        std::fs::write(path, template_edit(&text, n)).expect("edit");
        Vec::new()
    });
    std::fs::write(path, &text).expect("restore");
}

/// The dev server's rebuild after the message `id` (as `id = `) in the Fluent file at
/// `path` changed (no content file named).
fn serve_message_edit(b: &mut criterion::Bencher, root: &Path, path: &Path, id: &str) {
    let text = std::fs::read_to_string(path).expect("messages");
    assert!(text.contains(id), "{id} is not in {}", path.display());
    serve_rebuilds(b, root, |n| {
        std::fs::write(path, text.replacen(id, &format!("{id}{n} "), 1)).expect("edit");
        Vec::new()
    });
    std::fs::write(path, &text).expect("restore");
}

/// Template `text`, edited for the `n`th time (a comment: the output stays the same).
fn template_edit(text: &str, n: u64) -> String {
    format!("{text}{{# edit {n} #}}")
}

/// The dev server's first look after the template at `path` changed, with `viewing`
/// open: the time until those pages are rendered; the rest is rendered after each
/// iteration, untimed.
fn serve_template_edit_in_view(
    b: &mut criterion::Bencher,
    root: &Path,
    path: &Path,
    viewing: std::collections::HashSet<String>,
) {
    let text = std::fs::read_to_string(path).expect("template");
    let mut session = Session::new(root.to_path_buf(), false);
    session.rebuild().expect("first build");
    let mut n = 0u64;
    b.iter_custom(|iterations| {
        let mut took = std::time::Duration::ZERO;
        for _ in 0..iterations {
            n += 1;
            std::fs::write(path, template_edit(&text, n)).expect("edit");
            let started = std::time::Instant::now();
            let look = session.rebuild_viewing(Some(Vec::new()), viewing.clone());
            took += started.elapsed();
            let look = look.expect("first look");
            assert!(
                viewing.iter().all(|v| look.output.files.contains_key(v)),
                "a page in view is missing"
            );
            assert!(!look.pending.is_empty(), "nothing was left for later");
            drop(look);
            session.rebuild_after(Some(Vec::new())).expect("the rest");
        }
        took
    });
    std::fs::write(path, &text).expect("restore");
}

/// The dev server after `edit(n)` reached many pages, none open: the time until the
/// first look is shown and then a file asked for at once (the pending file nine tenths
/// of the way through them) is rendered and handed over. The rest of the build is
/// finished after, untimed.
fn serve_edit_asked(b: &mut criterion::Bencher, root: &Path, mut edit: impl FnMut(u64)) {
    use std::sync::{Arc, Condvar, Mutex};
    let mut session = Session::new(root.to_path_buf(), false);
    session.rebuild().expect("first build");
    let signal = Arc::new((Mutex::new(()), Condvar::new()));
    let wake = signal.clone();
    let asked = Arc::new(diptych::render::Asked::new(move || {
        let _held = wake.0.lock().expect("lock");
        wake.1.notify_all();
    }));
    let mut n = 0u64;
    b.iter_custom(|iterations| {
        let mut took = std::time::Duration::ZERO;
        for _ in 0..iterations {
            n += 1;
            edit(n);
            asked.clear();
            let started = std::time::Instant::now();
            let look = session.rebuild_viewing(Some(Vec::new()), Default::default());
            let pending = look.expect("first look").pending;
            let page = pending[pending.len() * 9 / 10].clone();
            std::thread::scope(|s| {
                let rest = s.spawn(|| session.rebuild_rest(asked.clone()));
                let mut held = signal.0.lock().expect("lock");
                while asked.ask(&page).is_none() {
                    assert!(!rest.is_finished(), "the rest never handed over {page}");
                    let wait = std::time::Duration::from_millis(100);
                    held = signal.1.wait_timeout(held, wait).expect("wait").0;
                }
                took += started.elapsed();
                drop(held);
                rest.join().expect("the rest").expect("the rest built");
            });
        }
        took
    });
}

/// The dev server's rebuild after a new page was written, or removed again, by turns.
fn serve_add_remove(b: &mut criterion::Bencher, root: &Path) {
    let file = "content/energie/added-by-the-benchmark.nl.md";
    let page = root.join(file);
    serve_rebuilds(b, root, |n| {
        if n % 2 == 1 {
            let text = "---\ntitle: \"Added\"\ntranslate: false\n---\n\nA new page.\n";
            std::fs::write(&page, text).expect("add");
        } else {
            std::fs::remove_file(&page).expect("remove");
        }
        vec![std::path::PathBuf::from(file)]
    });
    if page.exists() {
        std::fs::remove_file(&page).expect("remove");
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
