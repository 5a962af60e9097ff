//! A site kept in memory between builds, for the dev server.
//!
//! Takes the site root; produces a fresh [`crate::Generated`] on every
//! [`Session::rebuild`]. A rebuild patches the last build when only page texts changed,
//! or only templates that few files read; else it builds in full, re-parsing only the
//! content files whose text changed, rendering again only the files whose template
//! context or templates changed, checking again only the links that could have
//! changed, and updating the search words of the changed pages (the parse cache is
//! dropped when `site.yaml` changes what parsing depends on). Rejects nothing itself: build problems come back as errors, and the next
//! rebuild starts over.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::LinkMemo;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, ParseOptions, ParseSettings};
use crate::error::Result;
use crate::generate_kept;
use crate::lang::Lang;
use crate::patch::Last;
use crate::publish::assets::LinkedMemo;
use crate::publish::search::Postings;
use crate::render::Output;
use crate::render_memo::RenderMemo;
use crate::sources::Sources;

/// A page parsed (or refused), as parsing left it.
type Parsed = std::result::Result<Arc<Document>, Vec<Diagnostic>>;

/// Parsed documents by path, with the text they were parsed from; for the dev server
/// also what else a build lends the next (rendered pages, link check, search words).
#[derive(Default)]
pub struct ParseCache {
    /// What the parse depended on (languages, taxonomies, sanitizing).
    settings: String,
    entries: crate::sources::ByPath<(Arc<str>, Parsed)>,
    /// How many files the last call parsed (the rest came from the cache).
    pub parsed: usize,
    /// Rendered pages of the last build, when rebuilds should reuse them.
    pub render: Option<RenderMemo>,
    /// The link check of the last build, when rebuilds should reuse it.
    pub links: Option<LinkMemo>,
    /// The search words of the last good build, for the next to update.
    pub search: Option<BTreeMap<Lang, Postings>>,
    /// Which static files the last build's pages link by plain name.
    pub assets: Option<LinkedMemo>,
    /// The content pages' sitemap entries of the last build.
    pub sitemap: Option<crate::publish::sitemap::SitemapMemo>,
    /// What the last build assembled its site from: a fingerprint of the configuration
    /// (and drafts), and the parsed documents.
    pub assembled_from: Option<(u64, Vec<Arc<Document>>)>,
    /// The last build's site, when nothing changed it since it was assembled (see
    /// `assembled_from`): the next build takes it again if its own documents are the
    /// very same.
    pub last_site: Option<crate::site::Site>,
    /// Keep parsed pages for the next call (the dev server). A one-off build leaves
    /// the cache empty and hands its documents over unshared.
    pub keep: bool,
}

impl ParseCache {
    /// Parses every content file whose text is not in the cache; problems go to
    /// `errors`.
    pub fn parse_all(
        &mut self,
        config: &Config,
        sources: &Sources,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<Arc<Document>> {
        let parse = ParseSettings::of(config);
        let settings = format!("{parse:?}");
        if settings != self.settings {
            self.entries.clear();
            self.settings = settings;
        }
        let opts = parse.options();
        if !self.keep {
            // Every page is parsed; collected in place, the results become the documents
            // without a second list of them.
            let parsed: Vec<Parsed> = sources
                .pages
                .par_iter()
                .map(|s| Document::parse(s, opts).map(Arc::new))
                .collect();
            self.parsed = parsed.len();
            return parsed
                .into_iter()
                .filter_map(|r| r.map_err(|e| errors.extend(e)).ok())
                .collect();
        }
        self.parse_changed(sources, opts);
        // The site shares the cache's documents.
        let entries = &self.entries;
        let parsed: Vec<&Parsed> = sources
            .pages
            .par_iter()
            .filter_map(|s| entries.get(s.path.as_os_str()).map(|(_, r)| r))
            .collect();
        let (docs, problems): (Vec<_>, Vec<_>) =
            parsed.into_par_iter().partition_map(|r| match r {
                Ok(d) => rayon::iter::Either::Left(d.clone()),
                Err(e) => rayon::iter::Either::Right(e.clone()),
            });
        errors.extend(problems.into_iter().flatten());
        docs
    }

    /// Parses into the cache every file of `sources` whose text it does not hold, and
    /// forgets the files that are gone.
    fn parse_changed(&mut self, sources: &Sources, opts: ParseOptions<'_>) {
        let cached = &self.entries;
        let fresh: Vec<(usize, Parsed)> = sources
            .pages
            .par_iter()
            .enumerate()
            .filter(|(_, s)| {
                cached
                    .get(s.path.as_os_str())
                    .is_none_or(|(text, _)| !Arc::ptr_eq(text, &s.text) && *text != s.text)
            })
            .map(|(i, s)| {
                (
                    i,
                    Document::parse(s, opts).map(|d| Arc::new(d.with_digest())),
                )
            })
            .collect();
        self.parsed = fresh.len();
        for (i, result) in fresh {
            let s = &sources.pages[i];
            let key = s.path.clone().into_os_string();
            self.entries.insert(key, (s.text.clone(), result));
        }
        if self.entries.len() > sources.pages.len() {
            let current: std::collections::HashSet<&std::ffi::OsStr> =
                sources.pages.iter().map(|s| s.path.as_os_str()).collect();
            self.entries
                .retain(|path, _| current.contains(path.as_os_str()));
        }
    }
}

/// The dev server's site: the root, and what the last build can lend the next.
pub struct Session {
    root: PathBuf,
    drafts: bool,
    cache: ParseCache,
    files: crate::sources::FileCache,
    /// The last good build, to patch when only page texts change.
    last: Option<Last>,
    /// Files parsed and rendered by the last rebuild.
    parsed: usize,
    rendered: usize,
    patched: bool,
}

/// A dev-server build: the files to serve and what the build warned about.
pub struct Preview {
    pub output: Output,
    pub warnings: Vec<Diagnostic>,
    /// Output paths not rendered yet (see [`Session::rebuild_viewing`]): `output` lacks
    /// them, its links are not checked, and `warnings` lack the link check's.
    pub pending: Vec<String>,
}

impl Session {
    pub fn new(root: PathBuf, drafts: bool) -> Session {
        crate::fast_map_seeds();
        Session {
            root,
            drafts,
            cache: ParseCache {
                render: Some(RenderMemo::default()),
                links: Some(LinkMemo::default()),
                assets: Some(LinkedMemo::default()),
                keep: true,
                ..ParseCache::default()
            },
            files: Default::default(),
            last: None,
            parsed: 0,
            rendered: 0,
            patched: false,
        }
    }

    /// Builds the site in memory again: patches the last build when only page texts
    /// changed (the `patch` module), else builds in full reusing every unchanged
    /// parsed and rendered page.
    pub fn rebuild(&mut self) -> Result<Preview> {
        self.rebuild_after(None)
    }

    /// [`Session::rebuild`] after the file watcher saw only the content files `edited`
    /// (relative to the site root) change in place, nothing come, go or move there
    /// (see [`crate::watch::content_edits`]): the content folder is then not listed
    /// again. `None`: it is.
    pub fn rebuild_after(&mut self, edited: Option<Vec<PathBuf>>) -> Result<Preview> {
        self.rebuild_with(edited, None)
    }

    /// [`Session::rebuild_after`], putting the pages open in a browser first: when the
    /// change reaches many files (a template, a message, `site.yaml`), only those of
    /// the output files `viewing` (which may be none) are rendered, and the preview
    /// lists the others as `pending`, without checking links. The next rebuild (call
    /// [`Session::rebuild_rest`] at once) renders them. A failed first look is
    /// replaced by the whole build's failure, so that every problem is reported.
    pub fn rebuild_viewing(
        &mut self,
        edited: Option<Vec<PathBuf>>,
        viewing: std::collections::HashSet<String>,
    ) -> Result<Preview> {
        self.rebuild_with(edited, Some(viewing))
    }

    /// The build after a first look ([`Session::rebuild_viewing`]) that left files
    /// pending: [`Session::rebuild_after`] with no content file edited, rendering
    /// first the files `asked` for while it runs and handing each to `asked` as soon
    /// as it is rendered, so that a page opened meanwhile need not wait for the rest.
    pub fn rebuild_rest(&mut self, asked: Arc<crate::render::Asked>) -> Result<Preview> {
        if let Some(memo) = self.cache.render.as_mut() {
            memo.asked = Some(asked);
        }
        let rest = self.rebuild_after(Some(Vec::new()));
        if let Some(memo) = self.cache.render.as_mut() {
            memo.asked = None;
        }
        rest
    }

    fn rebuild_with(
        &mut self,
        edited: Option<Vec<PathBuf>>,
        viewing: Option<std::collections::HashSet<String>>,
    ) -> Result<Preview> {
        self.files.only_changed(edited);
        let mut clock = crate::Stages::start();
        let mut config = Config::load(&self.root)?;
        config.today = Some(preview_today());
        let mut sources = Sources::load_with(&config, &mut self.files)?;
        let inputs = crate::patch::inputs(&sources, &config, self.drafts);
        clock.lap("load");
        let mut replaced = None;
        if let Some(mut last) = self.last.take() {
            let links = self.cache.links.get_or_insert_default();
            if let Some(done) = last.patch(&config, &sources, inputs, links) {
                clock.lap("patch");
                (self.parsed, self.rendered) = (done.parsed, done.rendered);
                self.patched = true;
                let preview = last.preview();
                self.last = Some(last);
                return Ok(preview);
            }
            self.cache.search = Some(last.take_search());
            self.cache.last_site = last.take_site();
            replaced = Some(last);
        }
        let built = self.build_in_full(&config, &mut sources, viewing);
        // The build this one replaces is freed on a thread of its own, once this one is
        // done (freeing ten thousand pages takes a few milliseconds).
        if let Some(old) = replaced {
            std::thread::spawn(move || drop(old));
        }
        let (generated, kept, pending) = built?;
        if !pending.is_empty() {
            // Not a whole build: nothing to patch; the next one goes on from its words
            // and its site.
            self.cache.search = Some(kept.search);
            self.cache.last_site = Some(generated.site);
            return Ok(Preview {
                output: generated.output,
                warnings: generated.warnings,
                pending,
            });
        }
        let shared = self
            .cache
            .render
            .as_ref()
            .map(|m| m.shared.clone())
            .unwrap_or_default();
        let last = Last::new(inputs, sources, (generated, kept), shared);
        let preview = last.preview();
        self.last = Some(last);
        Ok(preview)
    }

    /// Builds `sources` in full, from what the cache kept. With `viewing`, when every
    /// page must be rendered again, renders of them only those output files and hands
    /// back the others' paths (else none); a failed first look builds everything, so
    /// that every problem is reported.
    fn build_in_full(
        &mut self,
        config: &Config,
        sources: &mut Sources,
        viewing: Option<std::collections::HashSet<String>>,
    ) -> Result<(crate::Generated, crate::generate::Kept, Vec<String>)> {
        if let Some(memo) = self.cache.render.as_mut() {
            memo.defer = viewing;
            memo.gathered = false;
        }
        let built = generate_kept(config, sources, self.drafts, &mut self.cache);
        // The files this build left (a build that failed before rendering left none; the
        // memo keeps the last render's for the next first look).
        let pending = (self.cache.render.as_mut()).map_or_else(Vec::new, |m| {
            m.defer = None;
            if m.gathered {
                m.pending.clone()
            } else {
                Vec::new()
            }
        });
        self.patched = false;
        self.parsed = self.cache.parsed;
        self.rendered = self.cache.render.as_ref().map_or(0, |m| m.rendered);
        match built {
            Err(_) if !pending.is_empty() => self.build_in_full(config, sources, None),
            built => built.map(|(generated, kept)| (generated, kept, pending)),
        }
    }

    /// Whether the last rebuild patched the build before it (only page texts changed).
    pub fn patched_last_time(&self) -> bool {
        self.patched
    }

    /// Files parsed by the last rebuild (the others came from the cache).
    pub fn parsed_last_time(&self) -> usize {
        self.parsed
    }

    /// Files rendered by the last rebuild (the others came from the previous build).
    pub fn rendered_last_time(&self) -> usize {
        self.rendered
    }
}

/// A preview is live: it counts the clock's today (a build takes it as input). The day,
/// like `--today`: with the time of day, no two rebuilds would share a rendered page.
fn preview_today() -> crate::date::DateTime {
    crate::date::DateTime {
        time: None,
        offset: None,
        ..crate::date::DateTime::today()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::Path;

    fn copy(from: &Path, to: &Path) {
        if from.is_dir() {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let entry = entry.unwrap();
                copy(&entry.path(), &to.join(entry.file_name()));
            }
        } else if from.is_file() {
            std::fs::copy(from, to).unwrap();
        }
    }

    /// What a clean in-memory build of `root` gives, with the preview's today.
    fn clean(root: &Path) -> crate::render::Output {
        clean_with_warnings(root).0
    }

    fn clean_with_warnings(root: &Path) -> (crate::render::Output, Vec<String>) {
        let mut config = Config::load(root).unwrap();
        config.today = Some(preview_today());
        let sources = Sources::load(&config).unwrap();
        let g = crate::generate(&config, sources, false).unwrap();
        (g.output, g.warnings.iter().map(|w| w.to_string()).collect())
    }

    /// A copy of the bundled site, in a temporary folder.
    pub(crate) fn bundled_site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in [
            "site.yaml",
            "content",
            "data",
            "locales",
            "themes",
            "static",
            "translations.lock",
        ] {
            copy(&repo.join(part), &tmp.path().join(part));
        }
        tmp
    }

    #[test]
    fn a_rebuild_renders_only_changed_pages_and_equals_a_clean_build() {
        let (tmp, mut session) = built_session();
        let all = session.rendered_last_time();
        let page = tmp.path().join("content/sectors/energy.nl.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nEen nieuwe alinea.\n")).unwrap();
        let body_edit = session.rebuild().unwrap();
        assert!(
            session.rendered_last_time() < all / 4,
            "{} of {all} rendered again",
            session.rendered_last_time()
        );
        assert_eq!(body_edit.output, clean(tmp.path()));
        let retitled = text.replacen("title: ", "title: Nieuw ", 1);
        std::fs::write(&page, retitled).unwrap();
        let title_edit = session.rebuild().unwrap();
        assert_eq!(title_edit.output, clean(tmp.path()));
        assert!(session.rendered_last_time() > 1);
    }

    /// Edits of every kind, one after the other, each rebuilt by the session (patched or
    /// in full) and compared with a clean build: the same files, the same warnings.
    #[test]
    fn every_kind_of_edit_rebuilds_to_what_a_clean_build_gives() {
        let tmp = bundled_site();
        let root = tmp.path();
        // The theme shows no summaries: list them, so edits of one reach other pages.
        let templates = root.join("themes/groningen/templates");
        for (t, list) in [
            ("section.html", "page.pages"),
            ("term.html", "page.pages"),
            ("home.html", "events"),
        ] {
            let text = std::fs::read_to_string(templates.join(t)).unwrap();
            let listed = format!(
                "{{% block content %}}{{% for p in {list} %}}{{{{ p.summary | safe }}}}{{% endfor %}}"
            );
            std::fs::write(
                templates.join(t),
                text.replacen("{% block content %}", &listed, 1),
            )
            .unwrap();
        }
        let mut session = Session::new(root.to_path_buf(), false);
        session.rebuild().unwrap();
        let energy = root.join("content/sectors/energy.nl.md");
        let event = root.join("content/calendar/hydrogen-day-2027.nl.md");
        // Made by a step below (a section within a section), then edited by later ones.
        let charlie = root.join("content/sectors/sub/charlie.nl.md");
        let edit = |path: &Path, f: &dyn Fn(String) -> String| {
            let text = std::fs::read_to_string(path).unwrap();
            std::fs::write(path, f(text)).unwrap();
        };
        type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
        let steps: Vec<Step> = vec![
            (
                "a paragraph added at the end",
                Box::new(|| edit(&energy, &|t| format!("{t}\nEen alinea erbij.\n"))),
            ),
            (
                "the first paragraph (the summary) changed",
                Box::new(|| {
                    edit(&energy, &|t| {
                        t.replacen(
                            "De provincie Groningen",
                            "De provincie Groningen (Stad en Ommeland)",
                            1,
                        )
                    })
                }),
            ),
            (
                "the summary of an event changed",
                Box::new(|| edit(&event, &|t| t.replacen("\n\n", "\n\nVoorbeeld. ", 1))),
            ),
            (
                "a heading added",
                Box::new(|| edit(&energy, &|t| format!("{t}\n## Nieuw kopje\n\nTekst.\n"))),
            ),
            (
                "a link added",
                Box::new(|| edit(&energy, &|t| format!("{t}\nZie [agrifood](agrifood.md).\n"))),
            ),
            (
                "a link to a missing anchor (a warning)",
                Box::new(|| edit(&energy, &|t| format!("{t}\nZie [boven](#bestaat-niet).\n"))),
            ),
            (
                "the text around the bad anchor changed",
                Box::new(|| edit(&energy, &|t| t.replacen("Zie [boven]", "Kijk [boven]", 1))),
            ),
            (
                "an id written in HTML",
                Box::new(|| edit(&energy, &|t| format!("{t}\n<p id=\"hier\">x</p>\n"))),
            ),
            (
                "the title changed",
                Box::new(|| edit(&energy, &|t| t.replacen("title: ", "title: Nieuw ", 1))),
            ),
            (
                "the description changed",
                Box::new(|| {
                    edit(&energy, &|t| {
                        t.replacen(
                            "description: Groningen",
                            "description: De stad Groningen",
                            1,
                        )
                    })
                }),
            ),
            (
                "a section within a section, with pages, added",
                Box::new(|| {
                    let sub = root.join("content/sectors/sub");
                    std::fs::create_dir_all(&sub).unwrap();
                    let page = |name: &str, front: &str| {
                        std::fs::write(
                            sub.join(name),
                            format!("---\n{front}\n---\n\nTekst van {name}.\n"),
                        )
                        .unwrap()
                    };
                    page("_index.nl.md", "title: Deelsector");
                    page("_index.en.md", "title: Subsector");
                    page("alfa.nl.md", "title: Alfa\ntranslate: false");
                    page("bravo.nl.md", "title: Bravo\ntranslate: false");
                    page("charlie.nl.md", "title: Charlie\ntranslate: false");
                    page("only.en.md", "title: Only in English\ntranslate: false");
                }),
            ),
            (
                "the inner section's title changed (breadcrumbs, switchers)",
                Box::new(|| {
                    edit(&root.join("content/sectors/sub/_index.nl.md"), &|t| {
                        t.replacen("Deelsector", "Onderdeel", 1)
                    })
                }),
            ),
            (
                "a page's title changed in place (its neighbours' pager)",
                Box::new(|| {
                    edit(&root.join("content/sectors/sub/bravo.nl.md"), &|t| {
                        t.replacen("Bravo", "Bravissimo", 1)
                    })
                }),
            ),
            (
                "a page's title changed its place in the list",
                Box::new(|| {
                    edit(&root.join("content/sectors/sub/alfa.nl.md"), &|t| {
                        t.replacen("Alfa", "Zulu", 1)
                    })
                }),
            ),
            (
                "an article's date changed in place (feeds, sitemap)",
                Box::new(|| {
                    edit(&energy, &|t| {
                        t.replacen("date: 2025-09-08", "date: 2025-09-09", 1)
                    })
                }),
            ),
            (
                "an article's `updated` added (sitemap, feeds)",
                Box::new(|| {
                    edit(&energy, &|t| {
                        t.replacen(
                            "date: 2025-09-09",
                            "date: 2025-09-09\nupdated: 2025-10-01",
                            1,
                        )
                    })
                }),
            ),
            (
                "an article's weight moved it to the end of its lists",
                Box::new(|| edit(&energy, &|t| t.replacen("weight: 1\n", "weight: 9\n", 1))),
            ),
            (
                "a page's date moved it to the top of its list",
                Box::new(|| {
                    edit(&charlie, &|t| {
                        t.replacen("title: Charlie", "title: Charlie\ndate: 2024-01-01", 1)
                    })
                }),
            ),
            (
                "the date removed again",
                Box::new(|| edit(&charlie, &|t| t.replacen("date: 2024-01-01\n", "", 1))),
            ),
            (
                "a top section's weight moved it in the menu",
                Box::new(|| {
                    edit(&root.join("content/sectors/_index.nl.md"), &|t| {
                        t.replacen("weight: 10\n", "weight: 99\n", 1)
                    })
                }),
            ),
            (
                "a date after today takes a page out of the site",
                Box::new(|| {
                    edit(&charlie, &|t| {
                        t.replacen("title: Charlie", "title: Charlie\ndate: 2999-01-01", 1)
                    })
                }),
            ),
            (
                "and back in",
                Box::new(|| edit(&charlie, &|t| t.replacen("date: 2999-01-01\n", "", 1))),
            ),
            (
                "the slug changed",
                Box::new(|| {
                    edit(&energy, &|t| {
                        t.replacen("slug: energie", "slug: energie-nieuw", 1)
                    })
                }),
            ),
            (
                "a page added",
                Box::new(|| {
                    std::fs::write(
                        root.join("content/sectors/water.nl.md"),
                        "---\ntitle: Water\ntranslate: false\n---\n\nOver water.\n",
                    )
                    .unwrap()
                }),
            ),
            (
                "the added page's text changed",
                Box::new(|| {
                    edit(&root.join("content/sectors/water.nl.md"), &|t| {
                        format!("{t}\nMeer over water.\n")
                    })
                }),
            ),
            (
                "the page removed",
                Box::new(|| {
                    std::fs::remove_file(root.join("content/sectors/water.nl.md")).unwrap()
                }),
            ),
            (
                "a template changed",
                Box::new(|| {
                    edit(&root.join("themes/groningen/templates/page.html"), &|t| {
                        t.replacen("</article>", "</article><!-- x -->", 1)
                    })
                }),
            ),
            (
                "a body edit after all that",
                Box::new(|| edit(&energy, &|t| format!("{t}\nNog een alinea.\n"))),
            ),
        ];
        let mut patched = 0;
        for (what, step) in steps {
            step();
            let preview = session.rebuild().unwrap();
            let (output, warnings) = clean_with_warnings(root);
            assert!(
                preview.output == output,
                "{what}: the files differ from a clean build"
            );
            let shown: Vec<String> = preview.warnings.iter().map(|w| w.to_string()).collect();
            assert_eq!(shown, warnings, "{what}: the warnings differ");
            patched += usize::from(session.patched_last_time());
        }
        // Edits of text, title, date and weight patch (also when they move a page in its
        // lists); the rest (new pages, templates, a date after today) build in full.
        assert!(patched >= 15, "only {patched} rebuilds were patched");
    }

    /// A new slug on a page moves it by a patch: the pages linking to it (here its
    /// section, in both languages' content) link to its new URL, the old file is gone,
    /// and all equals a clean build. A slug that takes a URL, and a section's slug, are
    /// left to the full build.
    #[test]
    fn a_new_slug_moves_a_page_by_a_patch_when_it_can() {
        let tmp = bundled_site();
        let root = tmp.path();
        let mut session = Session::new(root.to_path_buf(), false);
        session.rebuild().unwrap();
        let agrifood = root.join("content/sectors/agrifood.nl.md");
        let text = std::fs::read_to_string(&agrifood).unwrap();
        let slug = |s: &str| {
            std::fs::write(&agrifood, text.replacen("slug: agrifood", s, 1)).unwrap();
        };
        slug("slug: landbouw-en-voeding");
        let (output, warnings) = clean_with_warnings(root);
        let preview = session.rebuild().unwrap();
        assert!(session.patched_last_time());
        assert!(
            preview.output == output,
            "the files differ from a clean build"
        );
        let shown: Vec<String> = preview.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(shown, warnings);
        let files = &preview.output.files;
        assert!(!files.contains_key("nl/kennissectoren/agrifood/index.html"));
        let section = std::str::from_utf8(&files["nl/kennissectoren/index.html"]).unwrap();
        assert!(section.contains("href=\"/nl/kennissectoren/landbouw-en-voeding/\""));
        // The URL of another page: the full build refuses it, and recovers after.
        slug("slug: energie");
        assert!(session.rebuild().is_err());
        slug("slug: agrifood");
        assert_eq!(session.rebuild().unwrap().output, clean(root));
        // A section's pages move with it: that is a full build. (One under a section:
        // the menu lists those at the top, and a change there is a full build anyway.)
        let sub = root.join("content/sectors/sub");
        std::fs::create_dir_all(&sub).unwrap();
        let write = |name: &str, text: &str| std::fs::write(sub.join(name), text).unwrap();
        write(
            "_index.nl.md",
            "---\ntitle: Deel\nslug: deel\n---\n\nTekst.\n",
        );
        write("_index.en.md", "---\ntitle: Part\n---\n\nText.\n");
        write(
            "alfa.nl.md",
            "---\ntitle: Alfa\ntranslate: false\n---\n\nTekst.\n",
        );
        session.rebuild().unwrap();
        write(
            "_index.nl.md",
            "---\ntitle: Deel\nslug: onderdeel\n---\n\nTekst.\n",
        );
        assert_eq!(session.rebuild().unwrap().output, clean(root));
        assert!(!session.patched_last_time());
    }

    /// A session on a copy of the bundled site, after its first build.
    fn built_session() -> (tempfile::TempDir, Session) {
        let tmp = bundled_site();
        let mut session = Session::new(tmp.path().to_path_buf(), false);
        session.rebuild().unwrap();
        (tmp, session)
    }

    /// Writes `mark` into the footer of the bundled theme's `base.html` under `root`:
    /// its path and its text before.
    pub(crate) fn edit_footer(root: &Path, mark: &str) -> (PathBuf, String) {
        let base = root.join("themes/groningen/templates/base.html");
        let text = std::fs::read_to_string(&base).unwrap();
        let footer = "<footer class=\"site-footer\">";
        let edited = text.replacen(footer, &format!("{footer}{mark}"), 1);
        std::fs::write(&base, edited).unwrap();
        (base, text)
    }

    /// The pages the dev-server tests keep open in a browser.
    fn in_view() -> std::collections::HashSet<String> {
        [
            "nl/kennissectoren/energie/index.html",
            "en/knowledge-sectors/energy/index.html",
            "nl/not-a-page/index.html",
        ]
        .map(String::from)
        .into()
    }

    #[test]
    fn a_template_edit_renders_the_pages_in_view_first_and_the_rest_next() {
        let tmp = bundled_site();
        // A photo that only a page out of view links by its plain name.
        std::fs::create_dir_all(tmp.path().join("static/img")).unwrap();
        std::fs::write(tmp.path().join("static/img/plan.svg"), "<svg/>").unwrap();
        let permits = tmp.path().join("content/welcome/permits.nl.md");
        let text = std::fs::read_to_string(&permits).unwrap();
        std::fs::write(&permits, format!("{text}\n![Plan](/img/plan.svg)\n")).unwrap();
        let mut session = Session::new(tmp.path().to_path_buf(), false);
        session.rebuild().unwrap();
        edit_footer(tmp.path(), "<p>Nieuw</p>");
        let look = session.rebuild_viewing(Some(vec![]), in_view()).unwrap();
        let whole = clean(tmp.path());
        assert_eq!(session.rendered_last_time(), 2);
        for page in in_view().iter().filter(|p| whole.files.contains_key(*p)) {
            assert_eq!(look.output.files.get(page), whole.files.get(page), "{page}");
            assert!(String::from_utf8_lossy(&look.output.files[page]).contains("<p>Nieuw</p>"));
        }
        // Every other page waits; every other file is already what it will be.
        let pending: std::collections::HashSet<&String> = look.pending.iter().collect();
        assert!(pending.len() > 40, "{} pending", pending.len());
        for (path, bytes) in &whole.files {
            match pending.contains(path) {
                true => assert!(!look.output.files.contains_key(path), "{path}"),
                false => assert_eq!(look.output.files.get(path), Some(bytes), "{path}"),
            }
        }
        for path in look.output.files.keys() {
            assert!(
                whole.files.contains_key(path) || !path.ends_with(".html"),
                "{path}"
            );
        }
        let rest = session.rebuild_after(Some(vec![])).unwrap();
        assert!(rest.pending.is_empty());
        assert_eq!(session.rendered_last_time(), pending.len());
        assert_eq!(rest.output, whole);
        // So does a message that every Dutch page shows: the other Dutch pages wait.
        let messages = tmp.path().join("locales/nl/site.ftl");
        let text = std::fs::read_to_string(&messages).unwrap();
        let edited = text.replacen("footer-top = Naar boven", "footer-top = Omhoog", 1);
        std::fs::write(&messages, edited).unwrap();
        let look = session.rebuild_viewing(Some(vec![]), in_view()).unwrap();
        assert!(look.pending.len() > 30, "{} pending", look.pending.len());
        let dutch = |p: &&String| p.starts_with("nl/") || !p.contains('/');
        assert!(look.pending.iter().all(|p| dutch(&p)), "{:?}", look.pending);
        let energie = &look.output.files["nl/kennissectoren/energie/index.html"];
        assert!(String::from_utf8_lossy(energie).contains("Omhoog"));
        let rest = session.rebuild_after(Some(vec![])).unwrap();
        assert_eq!(rest.output, clean(tmp.path()));
        // An edit that reaches a few pages renders them all at once.
        let page = tmp.path().join("content/sectors/energy.nl.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nEen nieuwe alinea.\n")).unwrap();
        let named = vec![PathBuf::from("content/sectors/energy.nl.md")];
        let edit = session.rebuild_viewing(Some(named), in_view()).unwrap();
        assert!(edit.pending.is_empty());
        assert_eq!(edit.output, clean(tmp.path()));
    }

    #[test]
    fn with_no_page_open_the_files_asked_for_are_rendered_first_and_handed_over() {
        let (tmp, mut session) = built_session();
        let (base, text) = edit_footer(tmp.path(), "<p>Nieuw</p>");
        // Nothing open: the first look renders none of the pages the edit reached.
        let look = session
            .rebuild_viewing(Some(vec![]), Default::default())
            .unwrap();
        assert_eq!(session.rendered_last_time(), 0);
        assert!(look.pending.len() > 40, "{} pending", look.pending.len());
        let whole = clean(tmp.path());
        let woken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let asked = {
            let woken = woken.clone();
            Arc::new(crate::render::Asked::new(move || {
                woken.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }))
        };
        let page = "en/calendar/index.html";
        assert!(look.pending.iter().any(|p| p == page));
        assert!(asked.ask(page).is_none());
        let rest = session.rebuild_rest(asked.clone()).unwrap();
        assert_eq!(rest.output, whole);
        assert_eq!(woken.load(std::sync::atomic::Ordering::Relaxed), 1);
        // Handed over as it is served at the end, as is every other file rendered.
        assert_eq!(asked.ask(page).as_ref(), whole.files.get(page));
        assert!(String::from_utf8_lossy(&whole.files[page]).contains("<p>Nieuw</p>"));
        for p in &look.pending {
            assert_eq!(asked.ask(p).as_ref(), whole.files.get(p), "{p}");
        }
        // The next build renders as before: nothing is asked of it.
        std::fs::write(&base, &text).unwrap();
        session
            .rebuild_viewing(Some(vec![]), Default::default())
            .unwrap();
        assert_eq!(
            session.rebuild_after(Some(vec![])).unwrap().output,
            clean(tmp.path())
        );
    }

    #[test]
    fn a_rest_stopped_by_another_edit_renders_only_what_was_asked_for() {
        let (tmp, mut session) = built_session();
        edit_footer(tmp.path(), "<p>Nieuw</p>");
        let look = session
            .rebuild_viewing(Some(vec![]), Default::default())
            .unwrap();
        let page = "en/calendar/index.html";
        let stopped = Arc::new(crate::render::Asked::new(|| {}).stopping(|| true));
        assert!(stopped.ask(page).is_none());
        let part = session.rebuild_rest(stopped.clone()).unwrap();
        // The page asked for is rendered, the others still wait, and every file of the
        // first look is still there.
        assert_eq!(session.rendered_last_time(), 1);
        assert_eq!(part.pending.len(), look.pending.len() - 1);
        assert!(!part.pending.iter().any(|p| p == page));
        let whole = clean(tmp.path());
        assert_eq!(part.output.files.get(page), whole.files.get(page));
        assert_eq!(stopped.ask(page).as_ref(), whole.files.get(page));
        for (path, bytes) in &look.output.files {
            assert_eq!(part.output.files.get(path), Some(bytes), "{path}");
        }
        // A text edit next: the files the stopped rest left wait again for the rest
        // (the open page and the edited one are shown first).
        let page = tmp.path().join("content/sectors/energy.nl.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nEen nieuwe alinea.\n")).unwrap();
        let named = vec![PathBuf::from("content/sectors/energy.nl.md")];
        let edit = session.rebuild_viewing(Some(named), in_view()).unwrap();
        assert!(
            session.rendered_last_time() <= 4,
            "{}",
            session.rendered_last_time()
        );
        assert!(
            edit.pending.len() >= part.pending.len() - 2,
            "{}",
            edit.pending.len()
        );
        let energie = &edit.output.files["nl/kennissectoren/energie/index.html"];
        assert!(String::from_utf8_lossy(energie).contains("Een nieuwe alinea."));
        let rest = session.rebuild_rest(Arc::new(crate::render::Asked::new(|| {})));
        assert_eq!(rest.unwrap().output, clean(tmp.path()));
    }

    #[test]
    fn a_template_edit_renders_again_only_the_files_whose_template_reads_it() {
        let (tmp, mut session) = built_session();
        let mut config = Config::load(tmp.path()).unwrap();
        config.today = Some(preview_today());
        let site = crate::generate(&config, Sources::load(&config).unwrap(), false)
            .unwrap()
            .site;
        let of_kind = |kinds: &[crate::site::Kind]| {
            let pages = site.pages.iter().filter(|p| kinds.contains(&p.kind));
            pages.filter(|p| p.doc.front.template.is_none()).count()
        };
        use crate::site::Kind::{Home, Page, Section};
        let templates = tmp.path().join("themes/groningen/templates");
        let edit = |session: &mut Session, name: &str, from: &str, to: &str| {
            let path = templates.join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{name}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            let rebuilt = session.rebuild_after(Some(vec![])).unwrap();
            assert_eq!(rebuilt.output, clean(tmp.path()), "{name}");
            assert!(rebuilt.pending.is_empty());
            (session.rendered_last_time(), session.patched_last_time())
        };
        // Included by the home page's and the sections' templates only.
        let (n, _) = edit(&mut session, "event-item.html", "<li", "<li data-edited");
        assert_eq!(n, of_kind(&[Home, Section]));
        assert!(n > 2);
        // What extends nothing else's.
        let (n, _) = edit(&mut session, "page.html", "</article>", "</article>\n");
        assert_eq!(n, of_kind(&[Page]));
        // The 404 pages of both languages and of the root: few enough to patch the
        // last build.
        assert_eq!(
            edit(&mut session, "404.html", "</h1>", "</h1>\n"),
            (3, true)
        );
        // Read by every page.
        let (all, patched) = edit(&mut session, "logo.html", "<svg", "<svg data-edited");
        let html = clean(tmp.path()).files.into_keys();
        assert_eq!(all, html.filter(|p| p.ends_with(".html")).count());
        assert!(!patched);
        // What a patch cannot do, a full build does: publish a photo by its plain name
        // while a page links it so (and only then), report a mistake or a broken link.
        std::fs::create_dir_all(tmp.path().join("static/img")).unwrap();
        std::fs::write(tmp.path().join("static/img/plan.svg"), "<svg/>").unwrap();
        session.rebuild().unwrap();
        let photo = "<img src=\"/img/plan.svg\" alt=\"\"></h1>";
        assert_eq!(edit(&mut session, "404.html", "</h1>", photo), (3, false));
        assert!(clean(tmp.path()).files.contains_key("img/plan.svg"));
        assert_eq!(edit(&mut session, "404.html", photo, "</h1>"), (3, false));
        assert!(!clean(tmp.path()).files.contains_key("img/plan.svg"));
        let path = templates.join("404.html");
        let good = std::fs::read_to_string(&path).unwrap();
        for (mistake, names) in [
            ("{{ page.nothing.here }}", "404.html"),
            ("<a href=\"/nl/bestaat-niet/\">x</a>", "bestaat-niet"),
        ] {
            let bad = good.replacen("</h1>", &format!("</h1>{mistake}"), 1);
            std::fs::write(&path, bad).unwrap();
            let Err(crate::error::Error::Content(problems)) = session.rebuild_after(Some(vec![]))
            else {
                panic!("{mistake} was not reported");
            };
            assert!(
                problems.iter().any(|d| format!("{d:?}").contains(names)),
                "{problems:?}"
            );
            std::fs::write(&path, &good).unwrap();
            let fixed = session.rebuild_after(Some(vec![])).unwrap();
            assert_eq!(fixed.output, clean(tmp.path()));
        }
        // A template removed that files are made with: the full build names it.
        std::fs::remove_file(&path).unwrap();
        let Err(crate::error::Error::Content(problems)) = session.rebuild_after(None) else {
            panic!("the removed 404.html was not reported");
        };
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains("no template `404.html`")),
            "{problems:?}"
        );
        std::fs::write(&path, &good).unwrap();
        assert_eq!(
            session.rebuild_after(None).unwrap().output,
            clean(tmp.path())
        );
        // An edit of a few files renders them at once, also with pages open.
        let path = templates.join("404.html");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\n")).unwrap();
        let look = session.rebuild_viewing(Some(vec![]), in_view()).unwrap();
        assert!(look.pending.is_empty());
        assert_eq!(session.rendered_last_time(), 3);
        assert_eq!(look.output, clean(tmp.path()));
    }

    #[test]
    fn a_message_edit_renders_again_only_the_files_that_show_it() {
        let (tmp, mut session) = built_session();
        let edit = |session: &mut Session, lang: &str, from: &str, to: &str| {
            let path = tmp.path().join(format!("locales/{lang}/site.ftl"));
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{from}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            let rebuilt = session.rebuild_after(Some(vec![])).unwrap();
            assert_eq!(rebuilt.output, clean(tmp.path()), "{from}");
            session.rendered_last_time()
        };
        // The Dutch 404 pages (the root's is Dutch too), then the English one.
        assert_eq!(edit(&mut session, "nl", "Misschien is", "Wellicht is"), 2);
        assert_eq!(
            edit(
                &mut session,
                "en",
                "not-found-title = ",
                "not-found-title = Oops: "
            ),
            1
        );
        assert_eq!(
            edit(
                &mut session,
                "nl",
                "search-title = Zoeken",
                "search-title = Zoek"
            ),
            1
        );
        // On every Dutch page.
        let html = clean(tmp.path()).files.into_keys();
        let dutch = html
            .filter(|p| p.starts_with("nl/") && p.ends_with(".html"))
            .count();
        let n = edit(
            &mut session,
            "nl",
            "footer-top = Naar boven",
            "footer-top = Omhoog",
        );
        assert!(n >= dutch && n <= dutch + 2, "{n} of {dutch}");
        // A new message: every file again.
        let all = edit(
            &mut session,
            "en",
            "\nfooter-top",
            "\nextra-new = New\nfooter-top",
        );
        assert!(all > 2 * dutch, "{all}");
    }

    #[test]
    fn a_lock_edit_renders_again_the_pages_whose_notice_changed() {
        let (tmp, mut session) = built_session();
        // The Dutch home page no longer as it was synced: the English one says so.
        let lock = tmp.path().join("translations.lock");
        let text = std::fs::read_to_string(&lock).unwrap();
        let synced = "_index:\n  en: efa298e7a4d9e732\n  nl: 3589ceef906269a9";
        assert!(text.contains(synced));
        let edited = text.replacen(
            synced,
            "_index:\n  en: efa298e7a4d9e732\n  nl: 0000000000000000",
            1,
        );
        std::fs::write(&lock, edited).unwrap();
        let rebuilt = session.rebuild_after(Some(vec![])).unwrap();
        assert_eq!(rebuilt.output, clean(tmp.path()));
        let home = String::from_utf8_lossy(&rebuilt.output.files["en/index.html"]).to_string();
        std::fs::write(&lock, text).unwrap();
        let back = session.rebuild_after(Some(vec![])).unwrap();
        assert_eq!(back.output, clean(tmp.path()));
        assert_ne!(
            String::from_utf8_lossy(&back.output.files["en/index.html"]),
            home
        );
    }

    #[test]
    fn the_last_site_is_taken_again_only_for_the_same_documents_and_configuration() {
        let tmp = bundled_site();
        let mut cache = ParseCache {
            keep: true,
            ..ParseCache::default()
        };
        let build = |today: &str, cache: &mut ParseCache| {
            let mut config = Config::load(tmp.path()).unwrap();
            config.today = Some(crate::date::DateTime::parse(today).unwrap());
            let mut sources = Sources::load(&config).unwrap();
            crate::generate_kept(&config, &mut sources, false, cache)
                .unwrap()
                .0
        };
        // A later today brings in the pages dated between: the site is assembled again.
        let early = build("2026-10-01", &mut cache);
        cache.last_site = Some(early.site.clone());
        let late = build("2026-12-01", &mut cache);
        assert!(late.site.pages.len() > early.site.pages.len());
        // The same inputs: the site is taken again, and builds the same.
        cache.last_site = Some(late.site.clone());
        let again = build("2026-12-01", &mut cache);
        assert!(cache.last_site.is_none());
        assert_eq!(again.output, late.output);
    }

    #[test]
    fn a_template_mistake_out_of_view_fails_the_rest() {
        let (tmp, mut session) = built_session();
        let term = tmp.path().join("themes/groningen/templates/term.html");
        let text = std::fs::read_to_string(&term).unwrap();
        let block = "{% block content %}";
        let broken = text.replacen(block, &format!("{block}{{{{ no_such_value.x }}}}"), 1);
        std::fs::write(&term, broken).unwrap();
        // Saved with a template that the open pages read.
        let base = tmp.path().join("themes/groningen/templates/base.html");
        let edited = std::fs::read_to_string(&base).unwrap() + "\n";
        std::fs::write(&base, edited).unwrap();
        let look = session.rebuild_viewing(Some(vec![]), in_view()).unwrap();
        assert!(
            look.pending
                .iter()
                .any(|p| p.starts_with("nl/onderwerpen/"))
        );
        let Err(crate::error::Error::Content(problems)) = session.rebuild_after(Some(vec![]))
        else {
            panic!("the mistake in term.html was not reported");
        };
        assert!(
            problems.iter().any(|d| d.path.ends_with("term.html")),
            "{problems:?}"
        );
        std::fs::write(&term, text).unwrap();
        // A mistake in view fails the first look, with every page it fails.
        let page = tmp.path().join("themes/groningen/templates/page.html");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(
            &page,
            text.replacen(block, &format!("{block}{{{{ nope }}}}"), 1),
        )
        .unwrap();
        let Err(crate::error::Error::Content(problems)) =
            session.rebuild_viewing(Some(vec![]), in_view())
        else {
            panic!("the mistake in page.html was not reported");
        };
        let help = problems.iter().find(|d| d.path.ends_with("page.html"));
        let help = help.and_then(|d| d.help.as_deref()).unwrap_or_default();
        assert!(help.contains("other pages"), "{problems:?}");
        std::fs::write(&page, text).unwrap();
        // The open pages read the templates of the last good render again; only
        // `term.html` is not, and the term pages wait for the next build.
        let fixed = session.rebuild_viewing(Some(vec![]), in_view()).unwrap();
        assert!(!fixed.pending.is_empty());
        let terms = |p: &String| p.starts_with("nl/onderwerpen/") || p.starts_with("en/topics/");
        assert!(fixed.pending.iter().all(terms), "{:?}", fixed.pending);
        let rest = session.rebuild_after(Some(vec![])).unwrap();
        assert_eq!(rest.output, clean(tmp.path()));
    }

    #[test]
    fn a_broken_link_fails_the_rebuild_and_its_fix_recovers() {
        let (tmp, mut session) = built_session();
        let page = tmp.path().join("content/sectors/energy.nl.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nZie [weg](weg.md).\n")).unwrap();
        assert!(session.rebuild().is_err());
        std::fs::write(&page, format!("{text}\nZie [iets](agrifood.md).\n")).unwrap();
        assert_eq!(session.rebuild().unwrap().output, clean(tmp.path()));
        std::fs::write(&page, format!("{text}\nZie [iets anders](agrifood.md).\n")).unwrap();
        assert_eq!(session.rebuild().unwrap().output, clean(tmp.path()));
        assert!(session.patched_last_time());
    }
}
