//! One parsed content file.
//!
//! Takes a [`SourceFile`]; produces a [`Document`]: validated front matter plus the
//! rendered markdown with its links and headings. Rejects (as located diagnostics)
//! everything the front matter and markdown stages reject.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::frontmatter::{self, FrontMatter};
use crate::lang::Lang;
use crate::markdown::{self, Markdown};
use crate::sources::{PageKey, SourceFile};

/// What parsing needs to know about the site.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions<'a> {
    pub langs: &'a [&'a str],
    pub taxonomies: &'a [&'a str],
    pub sanitize: bool,
}

/// What parsing needs to know, taken from a site's configuration once per build.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseSettings<'a> {
    langs: Vec<&'a str>,
    taxonomies: Vec<&'a str>,
    sanitize: bool,
}

impl<'a> ParseSettings<'a> {
    pub fn of(config: &'a crate::config::Config) -> ParseSettings<'a> {
        ParseSettings {
            langs: config.langs().map(Lang::as_str).collect(),
            taxonomies: config.taxonomies.iter().map(|t| t.name.as_str()).collect(),
            sanitize: !config.unsafe_html,
        }
    }

    pub fn options(&self) -> ParseOptions<'_> {
        ParseOptions {
            langs: &self.langs,
            taxonomies: &self.taxonomies,
            sanitize: self.sanitize,
        }
    }
}

/// A content file, parsed.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub lang: Lang,
    pub key: PageKey,
    pub front: FrontMatter,
    pub body: Markdown,
    /// The file's text, kept for locating problems found later and for the translation
    /// check (a one-off build then drops it: [`crate::site::Site::drop_inputs`]).
    pub text: Arc<str>,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
    /// A hash of the path and text (what the document is made from, with the build's
    /// configuration): the dev server's fingerprints take it instead of every field
    /// made from them ([`Document::with_digest`]). None in one-off builds.
    pub digest: Option<u128>,
}

impl Document {
    /// The document with its [`Document::digest`].
    pub fn with_digest(mut self) -> Document {
        let path = self.path.as_os_str().as_encoded_bytes();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path);
        h.update(self.text.as_bytes());
        self.digest = Some(h.digest128());
        self
    }

    /// Parses front matter and markdown; every problem in the file is returned.
    pub fn parse(src: &SourceFile, opts: ParseOptions) -> Result<Document, Vec<Diagnostic>> {
        let split = frontmatter::split(&src.path, &src.text).map_err(|d| vec![d])?;
        let front = frontmatter::parse(&src.path, &src.text, split, opts.taxonomies);
        let (body, problems) =
            markdown::render(&src.text, split.body, &src.key, opts.langs, opts.sanitize);
        let mut diags: Vec<Diagnostic> = problems
            .into_iter()
            .map(|p| {
                Diagnostic::error("link", &src.path, p.message)
                    .at(&src.text, p.span)
                    .with_help(p.help)
            })
            .collect();
        match front {
            Ok(front) if diags.is_empty() => Ok(Document {
                path: src.path.clone(),
                lang: src.lang.clone(),
                key: src.key.clone(),
                front,
                body,
                text: src.text.clone(),
                body_start: split.body,
                digest: None,
            }),
            Ok(_) => Err(diags),
            Err(mut fm) => {
                fm.append(&mut diags);
                Err(fm)
            }
        }
    }
}
