//! Every input file of a site, read once.
//!
//! Takes a validated [`Config`]; produces [`Sources`]: the content pages with their
//! language and [`PageKey`], data files, templates (theme first, then the site's
//! overrides), Fluent files and static files. Hidden files are skipped and symlinks are
//! not followed. Rejects content files without a configured language suffix and files
//! that are not UTF-8 (as located diagnostics).

mod cache;
mod statics;

/// A map by file path that hashes and compares a path's bytes (`Path`'s own `Hash`
/// and `Eq` walk its components): look up with `path.as_os_str()`.
pub(crate) type ByPath<V> =
    std::collections::HashMap<std::ffi::OsString, V, crate::publish::search::FastHash>;

pub use cache::FileCache;
pub use statics::StaticFile;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::lang::Lang;

/// The translation key of a page: its path under `content/` without the language
/// suffix (`sectors/energy`, `sectors/_index`, `_index` for the home page).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct PageKey(String);

impl PageKey {
    pub fn new(key: impl Into<String>) -> PageKey {
        PageKey(key.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a section index (`…/_index`) or the home page (`_index`).
    pub fn is_index(&self) -> bool {
        self.0 == "_index" || self.0.ends_with("/_index")
    }

    /// The directory the file is in (`sectors` for `sectors/energy` and for
    /// `sectors/_index`; empty at the top level).
    pub fn dir(&self) -> &str {
        self.0.rfind('/').map_or("", |i| &self.0[..i])
    }

    /// The key of the section index this page belongs to: the `_index` of its directory,
    /// or for a section index, the one of the directory above. `None` for the home page.
    pub fn parent(&self) -> Option<PageKey> {
        self.parent_dir().map(|dir| {
            PageKey(if dir.is_empty() {
                "_index".into()
            } else {
                format!("{dir}/_index")
            })
        })
    }

    /// The directory of [`PageKey::parent`] (empty for the home page's), found without
    /// making a key. `None` for the home page.
    pub fn parent_dir(&self) -> Option<&str> {
        if !self.is_index() {
            return Some(self.dir());
        }
        if self.0 == "_index" {
            return None;
        }
        let d = self.dir();
        Some(d.rfind('/').map_or("", |i| &d[..i]))
    }

    /// The last path segment of the file: `energy`, or the directory name of a section.
    pub fn name(&self) -> &str {
        let path = if self.is_index() { self.dir() } else { &self.0 };
        path.rsplit('/').next().unwrap_or(path)
    }
}

impl fmt::Display for PageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A content file: `content/<dirs>/<name>.<lang>.md`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, for messages (`content/sectors/energy.nl.md`).
    pub path: PathBuf,
    pub lang: Lang,
    pub key: PageKey,
    /// The text, without a leading byte-order mark (shared, not copied, by later stages).
    pub text: Arc<str>,
}

/// Any other text file (data, template, Fluent), with its path relative to the site root.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub path: PathBuf,
    /// The name it is used by: template name, data file stem.
    pub name: String,
    pub text: String,
}

/// All inputs of one build.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub pages: Vec<SourceFile>,
    pub data: Vec<TextFile>,
    /// Theme templates, then site templates; a later one replaces an earlier by name.
    pub templates: Vec<TextFile>,
    /// Fluent files with the language of their folder.
    pub ftl: Vec<(Lang, TextFile)>,
    /// Static files by output path (`css/site.css`); the site's replace the theme's.
    pub statics: BTreeMap<String, StaticFile>,
    /// The text of `translations.lock`, if the site has one.
    pub lock: Option<String>,
}

impl Sources {
    /// Reads every input file of the site described by `config`.
    pub fn load(config: &Config) -> Result<Sources> {
        Sources::load_with(config, &mut FileCache::once())
    }

    /// [`Sources::load`], taking content pages whose size and modification time did not
    /// change from `cache` instead of reading them again (the dev server's rebuilds).
    pub fn load_with(config: &Config, cache: &mut FileCache) -> Result<Sources> {
        let root = &config.root;
        let theme = Path::new("themes").join(&config.theme);
        if !root.join(&theme).is_dir() {
            return Err(Error::Usage(format!(
                "theme `{}` not found: no folder {}",
                config.theme,
                theme.display()
            )));
        }
        let mut problems = Vec::new();
        cache.list(root)?;
        // Named (language and key from the file name) on both cores, in order.
        let found: Vec<std::result::Result<SourceFile, Diagnostic>> = cache
            .read(root, &mut problems)?
            .into_par_iter()
            .map(|(path, text)| page_file(config, path, text))
            .collect();
        let mut pages = Vec::with_capacity(found.len());
        for page in found {
            match page {
                Ok(p) => pages.push(p),
                Err(d) => problems.push(d),
            }
        }
        let data_files = read_all(
            root,
            &files_in(root, "data", &["yaml", "yml"])?,
            &mut problems,
        )?;
        let data = named(data_files, "data", true);
        let mut templates = Vec::new();
        for dir in [theme.join("templates"), PathBuf::from("templates")] {
            let files = files_in(root, &dir, &["html", "xml", "txt", "json", "ics"])?;
            templates.extend(named(read_all(root, &files, &mut problems)?, dir, false));
        }
        let mut ftl = Vec::new();
        for lang in config.langs() {
            let dir = Path::new("locales").join(lang.as_str());
            let files = read_all(root, &files_in(root, &dir, &["ftl"])?, &mut problems)?;
            ftl.extend(
                named(files, &dir, false)
                    .into_iter()
                    .map(|f| (lang.clone(), f)),
            );
        }
        let statics = cache.statics(root, &[theme.join("static"), PathBuf::from("static")])?;
        if problems.iter().any(Diagnostic::is_error) {
            return Err(Error::Content(problems));
        }
        let lock = read_optional(&root.join(crate::translations::LOCK_FILE))?;
        Ok(Sources {
            pages,
            data,
            templates,
            ftl,
            statics,
            lock,
        })
    }
}

/// The text of a file that may be absent.
fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Read {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Files under `root/dir` with one of `exts` (any when empty), relative to `root`,
/// sorted; hidden entries skipped, symlinks neither followed nor returned.
fn files_in(root: &Path, dir: impl AsRef<Path>, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let base = root.join(dir.as_ref());
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let walk = WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in
        walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&base).to_path_buf();
            Error::Read {
                path,
                source: e.into(),
            }
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        if exts.is_empty() || exts.contains(&ext) {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            out.push(rel.to_path_buf());
        }
    }
    Ok(out)
}

/// Reads files in parallel; invalid UTF-8 becomes a located diagnostic.
fn read_all(
    root: &Path,
    paths: &[PathBuf],
    problems: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, String)>> {
    let read: Vec<Result<std::result::Result<(PathBuf, String), Diagnostic>>> = paths
        .par_iter()
        .map(|p| {
            let bytes = std::fs::read(root.join(p)).map_err(Error::read(root.join(p)))?;
            Ok(decode(p, bytes))
        })
        .collect();
    let mut out = Vec::with_capacity(read.len());
    for r in read {
        match r? {
            Ok(file) => out.push(file),
            Err(d) => problems.push(d),
        }
    }
    Ok(out)
}

fn decode(path: &Path, bytes: Vec<u8>) -> std::result::Result<(PathBuf, String), Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok((path.to_path_buf(), text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let shown = lossy.char_indices().take_while(|(i, _)| *i < at).count();
            let offset = lossy
                .char_indices()
                .nth(shown)
                .map_or(lossy.len(), |(i, _)| i);
            Err(Diagnostic::error(
                "encoding",
                path,
                format!("the file is not valid UTF-8 (byte {at})"),
            )
            .at(&lossy, offset..offset + 1)
            .with_help("save the file as UTF-8"))
        }
    }
}

/// Names files by their path under `dir` (`base.html`, `partials/nav.html`); data files
/// by stem with `-` as `_` (`key_figures`).
fn named(files: Vec<(PathBuf, String)>, dir: impl AsRef<Path>, data: bool) -> Vec<TextFile> {
    files
        .into_iter()
        .map(|(path, text)| {
            let rel = rel_name(&path, dir.as_ref());
            let name = if data {
                rel.rsplit_once('.')
                    .map_or(rel.as_str(), |(stem, _)| stem)
                    .replace(['-', '/'], "_")
            } else {
                rel
            };
            TextFile { path, name, text }
        })
        .collect()
}

fn rel_name(path: &Path, dir: &Path) -> String {
    // Most paths are plain text under `dir` (`content/a/b.nl.md`): the name is the rest
    // of the text, when no component would be dropped or changed by walking them.
    if std::path::MAIN_SEPARATOR == '/'
        && let (Some(p), Some(d)) = (path.to_str(), dir.to_str())
        && let Some(rest) = p.strip_prefix(d).and_then(|r| r.strip_prefix('/'))
        && !rest.split('/').any(|c| c.is_empty() || c == ".")
    {
        return rest.to_string();
    }
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits `content/a/b.nl.md` into its key and language, or reports why it cannot.
fn page_file(
    config: &Config,
    path: PathBuf,
    text: Arc<str>,
) -> std::result::Result<SourceFile, Diagnostic> {
    let rel = rel_name(&path, Path::new("content"));
    let stem = rel.strip_suffix(".md").unwrap_or(&rel);
    let codes = || config.langs().map(Lang::as_str).collect::<Vec<&str>>();
    let Some((key, code)) = stem.rsplit_once('.') else {
        return Err(Diagnostic::error(
            "content",
            &path,
            "a page's file name needs a language suffix",
        )
        .with_help(format!(
            "rename it to `{stem}.{}.md`",
            codes()[config.default]
        )));
    };
    match config.language(code) {
        Some(lang) => {
            let (lang, key_len) = (lang.code.clone(), key.len());
            // The key is the start of the name: that text, cut, is the key's.
            let mut key = rel;
            key.truncate(key_len);
            Ok(SourceFile {
                lang,
                key: PageKey::new(key),
                path,
                text,
            })
        }
        None => {
            let codes = codes();
            Err(Diagnostic::error(
                "content",
                &path,
                format!(
                    "`{code}` is not one of the site's languages ({})",
                    codes.join(", ")
                ),
            )
            .with_help(format!(
                "rename the file to end in one of: {}, or add `{code}` to `languages` in site.yaml",
                codes
                    .iter()
                    .map(|c| format!(".{c}.md"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_components_joined_whatever_the_path_looks_like() {
        let content = Path::new("content");
        for (path, name) in [
            ("content/a/b.nl.md", "a/b.nl.md"),
            ("content/b.nl.md", "b.nl.md"),
            ("content//a/b.nl.md", "a/b.nl.md"),
            ("content/./a/b.nl.md", "a/b.nl.md"),
            ("content/a/./b.nl.md", "a/b.nl.md"),
            ("contented/b.nl.md", "contented/b.nl.md"),
        ] {
            assert_eq!(rel_name(Path::new(path), content), name, "{path}");
        }
    }

    #[test]
    fn keys_know_their_section_and_name() {
        let page = PageKey::new("sectors/energy");
        assert_eq!(page.parent().unwrap().as_str(), "sectors/_index");
        assert_eq!(page.name(), "energy");
        let section = PageKey::new("sectors/_index");
        assert!(section.is_index());
        assert_eq!(section.parent().unwrap().as_str(), "_index");
        assert_eq!(section.name(), "sectors");
        let nested = PageKey::new("a/b/_index");
        assert_eq!(nested.parent().unwrap().as_str(), "a/_index");
        assert_eq!(PageKey::new("_index").parent(), None);
        assert_eq!(nested.parent_dir(), Some("a"));
        assert_eq!(page.parent_dir(), Some("sectors"));
        assert_eq!(PageKey::new("about").parent_dir(), Some(""));
        assert_eq!(PageKey::new("about").parent().unwrap().as_str(), "_index");
    }

    #[test]
    fn reports_invalid_utf8_at_its_line_and_column() {
        let d = decode(Path::new("x.md"), b"---\ntitle: caf\xe9\n".to_vec()).unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 11));
    }

    #[test]
    fn strips_a_byte_order_mark() {
        let (_, text) = decode(Path::new("x.md"), b"\xef\xbb\xbf---\n".to_vec()).unwrap();
        assert_eq!(text, "---\n");
    }
}
