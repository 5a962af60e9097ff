//! `diptych new <section>/<name>`: a new page in every language at once.
//!
//! Takes the page's path under `content/` and a title per language (else one made
//! from the name); produces the files' texts with front matter filled in (title,
//! today's date, a slug from the title) and writes them only if none exists yet. A
//! section without an index in some language gets one too. Rejects paths that are not
//! plain relative segments and titles for languages the site does not have.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::url::{is_safe_segment, slugify};

/// The files `new` would create: path relative to the site root → text.
pub fn plan(
    config: &Config,
    page: &str,
    titles: &BTreeMap<String, String>,
    today: &str,
) -> Result<BTreeMap<PathBuf, String>> {
    let page = page.trim_matches('/').trim_end_matches(".md");
    let segments: Vec<&str> = page.split('/').collect();
    if page.is_empty()
        || !segments
            .iter()
            .all(|s| is_safe_segment(s) && *s != "_index")
    {
        return Err(Error::Usage(format!(
            "`{page}` is not a page path; write it like `sectors/energy` (folders and a name, no language)"
        )));
    }
    if let Some(code) = titles.keys().find(|c| config.language(c).is_none()) {
        return Err(Error::Usage(format!(
            "`--title-{code}`: `{code}` is not one of the site's languages"
        )));
    }
    let name = segments[segments.len() - 1];
    let mut files = BTreeMap::new();
    for lang in config.langs() {
        let title = titles
            .get(lang.as_str())
            .cloned()
            .unwrap_or_else(|| humanize(name));
        files.insert(
            Path::new("content").join(format!("{page}.{lang}.md")),
            page_text(&title, today),
        );
        for depth in 1..segments.len() {
            let dir = segments[..depth].join("/");
            let index = Path::new("content")
                .join(&dir)
                .join(format!("_index.{lang}.md"));
            files
                .entry(index)
                .or_insert_with(|| page_text(&humanize(segments[depth - 1]), ""));
        }
    }
    Ok(files)
}

/// Writes the planned files; refuses when any page file already exists (section
/// indexes that exist are left alone).
pub fn create(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<PathBuf>> {
    let pages: Vec<&PathBuf> = files.keys().filter(|p| !p.ends_with_index()).collect();
    if let Some(existing) = pages.iter().find(|p| root.join(p).exists()) {
        return Err(Error::Usage(format!(
            "{} already exists; diptych new never overwrites a page",
            existing.display()
        )));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let target = root.join(path);
        if target.exists() {
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(Error::write(dir))?;
        }
        std::fs::write(&target, text).map_err(Error::write(&target))?;
        written.push(path.clone());
    }
    Ok(written)
}

trait IndexPath {
    fn ends_with_index(&self) -> bool;
}

impl IndexPath for PathBuf {
    fn ends_with_index(&self) -> bool {
        self.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("_index."))
    }
}

fn page_text(title: &str, date: &str) -> String {
    let quoted = serde_json::to_string(title).unwrap_or_else(|_| format!("\"{title}\""));
    let slug = slugify(title);
    let mut text = format!("---\ntitle: {quoted}\n");
    if !date.is_empty() {
        text.push_str(&format!("date: {date}\n"));
    }
    if !slug.is_empty() {
        text.push_str(&format!("slug: {slug}\n"));
    }
    text.push_str("---\n");
    text
}

/// `energy-transition` → `Energy transition`.
fn humanize(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(Path::new("."), "base_url: https://e.nl\ntheme: t\nlanguages:\n  - {code: nl, name: Nederlands}\n  - {code: en, name: English}\n").unwrap()
    }

    #[test]
    fn plans_a_page_per_language_with_slugs_from_titles() {
        let titles = BTreeMap::from([
            ("nl".to_string(), "Coöperatie in België".to_string()),
            ("en".to_string(), "Cooperation \"in\" Belgium".to_string()),
        ]);
        let files = plan(&config(), "sectors/coop", &titles, "2026-11-26").unwrap();
        assert_eq!(
            files[Path::new("content/sectors/coop.nl.md")],
            "---\ntitle: \"Coöperatie in België\"\ndate: 2026-11-26\nslug: coöperatie-in-belgië\n---\n"
        );
        assert_eq!(
            files[Path::new("content/sectors/coop.en.md")],
            "---\ntitle: \"Cooperation \\\"in\\\" Belgium\"\ndate: 2026-11-26\nslug: cooperation-in-belgium\n---\n"
        );
        assert!(files.contains_key(Path::new("content/sectors/_index.en.md")));
    }

    #[test]
    fn rejects_paths_and_languages_it_cannot_use() {
        for bad in ["", "../x", "a/../b", "a b/c", "sectors/_index"] {
            assert!(plan(&config(), bad, &BTreeMap::new(), "").is_err(), "{bad}");
        }
        let titles = BTreeMap::from([("de".to_string(), "X".to_string())]);
        assert!(plan(&config(), "a", &titles, "").is_err());
    }
}
