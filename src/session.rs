//! A site kept in memory between builds, for the dev server.
//!
//! Takes the site root; produces a fresh [`Generated`] on every [`Session::rebuild`],
//! re-parsing only the content files whose text changed since the last build (the
//! cache is dropped when `site.yaml` changes what parsing depends on). Rejects nothing
//! itself: build problems come back as errors, and the next rebuild starts over.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, ParseOptions};
use crate::error::Result;
use crate::lang::Lang;
use crate::render_memo::RenderMemo;
use crate::sources::Sources;
use crate::{Generated, generate_with};

/// A page parsed (or refused), as parsing left it.
type Parsed = std::result::Result<Document, Vec<Diagnostic>>;

/// Parsed documents by path, with the text they were parsed from.
#[derive(Default)]
pub struct ParseCache {
    /// What the parse depended on (languages, taxonomies, sanitizing).
    settings: String,
    entries: HashMap<PathBuf, (Arc<str>, Parsed)>,
    /// How many files the last call parsed (the rest came from the cache).
    pub parsed: usize,
    /// Rendered pages of the last build, when rebuilds should reuse them.
    pub render: Option<RenderMemo>,
    /// Keep parsed pages for the next call (the dev server). A one-off build leaves
    /// the cache empty and hands its documents over instead of copies.
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
    ) -> Vec<Document> {
        let langs: Vec<&str> = config.langs().map(Lang::as_str).collect();
        let taxonomies: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
        let settings = format!("{langs:?}{taxonomies:?}{}", config.unsafe_html);
        if settings != self.settings {
            self.entries.clear();
            self.settings = settings;
        }
        let opts = ParseOptions {
            langs: &langs,
            taxonomies: &taxonomies,
            sanitize: !config.unsafe_html,
        };
        let cached = &self.entries;
        let fresh: Vec<(usize, Parsed)> = sources
            .pages
            .par_iter()
            .enumerate()
            .filter(|(_, s)| {
                cached
                    .get(&s.path)
                    .is_none_or(|(text, _)| !Arc::ptr_eq(text, &s.text) && *text != s.text)
            })
            .map(|(i, s)| (i, Document::parse(s, opts)))
            .collect();
        self.parsed = fresh.len();
        if !self.keep {
            let mut docs = Vec::with_capacity(fresh.len());
            for (_, result) in fresh {
                match result {
                    Ok(d) => docs.push(d),
                    Err(e) => errors.extend(e),
                }
            }
            return docs;
        }
        for (i, result) in fresh {
            let s = &sources.pages[i];
            self.entries
                .insert(s.path.clone(), (s.text.clone(), result));
        }
        let current: std::collections::HashSet<&PathBuf> =
            sources.pages.iter().map(|s| &s.path).collect();
        self.entries.retain(|path, _| current.contains(path));
        let mut docs = Vec::with_capacity(sources.pages.len());
        for s in &sources.pages {
            match self.entries.get(&s.path).map(|(_, r)| r) {
                Some(Ok(d)) => docs.push(d.clone()),
                Some(Err(e)) => errors.extend(e.iter().cloned()),
                None => {}
            }
        }
        docs
    }
}

/// The dev server's site: the root, and what the last build can lend the next.
pub struct Session {
    root: PathBuf,
    drafts: bool,
    cache: ParseCache,
    files: crate::sources::PageCache,
}

impl Session {
    pub fn new(root: PathBuf, drafts: bool) -> Session {
        Session {
            root,
            drafts,
            cache: ParseCache {
                render: Some(RenderMemo::default()),
                keep: true,
                ..ParseCache::default()
            },
            files: Default::default(),
        }
    }

    /// Builds the site in memory again, reusing every unchanged parsed page.
    pub fn rebuild(&mut self) -> Result<Generated> {
        let mut clock = crate::Stages::start();
        let mut config = Config::load(&self.root)?;
        config.today = Some(preview_today());
        let sources = Sources::load_with(&config, &mut self.files)?;
        clock.lap("load");
        generate_with(&config, &sources, self.drafts, &mut self.cache)
    }

    /// Files parsed by the last rebuild (the others came from the cache).
    pub fn parsed_last_time(&self) -> usize {
        self.cache.parsed
    }

    /// Files rendered by the last rebuild (the others came from the previous build).
    pub fn rendered_last_time(&self) -> usize {
        self.cache.render.as_ref().map_or(0, |m| m.rendered)
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
mod tests {
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
        let mut config = Config::load(root).unwrap();
        config.today = Some(preview_today());
        let sources = Sources::load(&config).unwrap();
        crate::generate(&config, &sources, false).unwrap().output
    }

    #[test]
    fn a_rebuild_renders_only_changed_pages_and_equals_a_clean_build() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in [
            "site.yaml",
            "content",
            "data",
            "locales",
            "themes",
            "static",
        ] {
            copy(&repo.join(part), &tmp.path().join(part));
        }
        let mut session = Session::new(tmp.path().to_path_buf(), false);
        session.rebuild().unwrap();
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
}
