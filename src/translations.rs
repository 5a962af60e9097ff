//! Translation control: which pages lack a language, and which translations went stale.
//!
//! Takes the assembled [`Site`], the [`Config`] and the lock file `translations.lock`
//! (page key → language → content hash when the pair was last marked in sync);
//! produces a [`Status`]: missing translations (warnings, unless the page says
//! `translate: false`), stale ones (warnings naming the side that moved), pairs never
//! marked, and per-language counts. [`Lock::mark`] records the current hashes.
//! Rejects a lock file that does not parse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::site::Site;
use crate::sources::PageKey;
use crate::yaml;

/// The lock file's name, at the site root.
pub const LOCK_FILE: &str = "translations.lock";

/// Content hashes per page key and language, as last marked in sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    pub pairs: BTreeMap<String, BTreeMap<String, String>>,
}

impl Lock {
    /// Parses the lock file's text; an empty or absent file is an empty lock.
    pub fn parse(text: &str) -> std::result::Result<Lock, Diagnostic> {
        if text.trim().is_empty() {
            return Ok(Lock::default());
        }
        yaml::from_str(text)
            .map(|pairs| Lock { pairs })
            .map_err(|e| {
                e.diagnostic("translations", Path::new(LOCK_FILE), text, 0)
                    .with_help("fix the file, or delete it and run `diptych mark-synced --all`")
            })
    }

    /// The lock file's text: sorted, one hash per line, stable byte for byte.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Written by `diptych mark-synced`: a hash of each language side of a page when its\n# translations were last checked to say the same. Commit this file.\n",
        );
        for (key, hashes) in &self.pairs {
            out.push_str(&format!("{}:\n", yaml_key(key)));
            for (lang, hash) in hashes {
                out.push_str(&format!("  {lang}: {hash}\n"));
            }
        }
        out
    }

    /// Records the current hashes of `keys` (every page with two or more languages
    /// when `keys` is empty). Unknown keys and one-language pages are errors.
    pub fn mark(
        &mut self,
        site: &Site,
        keys: &[String],
    ) -> std::result::Result<Vec<String>, String> {
        let wanted: Vec<&PageKey> = if keys.is_empty() {
            site.by_key
                .iter()
                .filter(|(_, m)| m.len() > 1)
                .map(|(k, _)| k)
                .collect()
        } else {
            let mut v = Vec::new();
            for k in keys {
                let key = site.by_key.keys().find(|pk| pk.as_str() == k).ok_or_else(|| format!("there is no page `{k}` (keys are paths under content/ without the language, e.g. `sectors/energy`)"))?;
                if site.by_key[key].len() < 2 {
                    return Err(format!(
                        "`{k}` exists in one language only; there is no pair to mark"
                    ));
                }
                v.push(key);
            }
            v
        };
        let mut marked = Vec::new();
        for key in wanted {
            let hashes = site.by_key[key]
                .iter()
                .map(|(lang, &i)| (lang.to_string(), content_hash(&site.pages[i].doc)))
                .collect();
            self.pairs.insert(key.to_string(), hashes);
            marked.push(key.to_string());
        }
        Ok(marked)
    }

    /// Writes the lock file next to `site.yaml` (via a temporary file and a rename).
    pub fn save(&self, root: &Path) -> Result<()> {
        let path = root.join(LOCK_FILE);
        let tmp = root.join(format!(".{LOCK_FILE}.tmp"));
        std::fs::write(&tmp, self.to_text()).map_err(Error::write(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(Error::write(&path))
    }
}

fn yaml_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_alphanumeric() || "/_-.".contains(c))
        && !key.starts_with(['-', '.'])
    {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_else(|_| key.to_string())
    }
}

/// A hash of what a translator translates: title, description, image text, event
/// location and the body (line endings and trailing spaces do not count).
pub fn content_hash(doc: &Document) -> String {
    let fm = &doc.front;
    let body = &doc.text[doc.body_start.min(doc.text.len())..];
    let mut h = Fnv::default();
    for part in [
        Some(fm.title.as_str()),
        fm.description.as_deref(),
        fm.image_alt.as_deref(),
        fm.event.as_ref().and_then(|e| e.location.as_deref()),
    ] {
        h.write(part.unwrap_or("").trim().as_bytes());
        h.write(b"\0");
    }
    for line in body.lines() {
        h.write(line.trim_end().as_bytes());
        h.write(b"\n");
    }
    format!("{:016x}", h.0)
}

/// FNV-1a, 64 bits: stable across platforms and Rust versions (std's hasher is not).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// One stale pair: `changed` moved since the pair was marked, `behind` did not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stale {
    pub key: String,
    pub changed: Vec<Lang>,
    pub behind: Vec<Lang>,
}

/// Per-language counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LangSummary {
    pub pages: usize,
    pub missing: usize,
    pub single_language: usize,
    pub stale: usize,
    pub messages_missing: usize,
}

/// The state of every translation in the site.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    /// Keys that lack a language, with the languages they lack.
    pub missing: BTreeMap<String, Vec<Lang>>,
    /// Keys that exist in one language on purpose (`translate: false`).
    pub single_language: BTreeMap<String, Vec<Lang>>,
    /// Stale pairs, sorted by key ([`Status::newer_than`] searches them by it).
    pub stale: Vec<Stale>,
    /// Pairs never marked with `diptych mark-synced`.
    pub unsynced: Vec<String>,
    pub languages: BTreeMap<Lang, LangSummary>,
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

impl Status {
    /// Compares every key's languages with the configured ones and with the lock.
    pub fn check(site: &Site, config: &Config, lock: &Lock) -> Status {
        let mut status = Status::default();
        for lang in config.langs() {
            status
                .languages
                .insert(lang.clone(), LangSummary::default());
        }
        for (key, versions) in &site.by_key {
            for lang in versions.keys() {
                if let Some(s) = status.languages.get_mut(lang) {
                    s.pages += 1;
                }
            }
            status.missing_languages(site, config, key, versions);
            if versions.len() > 1 {
                status.compare_with_lock(site, key, versions, lock);
            }
        }
        // By key, so that a page's stale pairs are found without reading all of them.
        status.stale.sort_by(|a, b| a.key.cmp(&b.key));
        status
    }

    fn missing_languages(
        &mut self,
        site: &Site,
        config: &Config,
        key: &PageKey,
        versions: &BTreeMap<Lang, usize>,
    ) {
        let absent: Vec<Lang> = config
            .langs()
            .filter(|l| !versions.contains_key(*l))
            .cloned()
            .collect();
        if absent.is_empty() {
            return;
        }
        let on_purpose = versions
            .values()
            .any(|&i| !site.pages[i].doc.front.translate);
        let target = if on_purpose {
            &mut self.single_language
        } else {
            &mut self.missing
        };
        target.insert(key.to_string(), absent.clone());
        for lang in &absent {
            if let Some(s) = self.languages.get_mut(lang) {
                if on_purpose {
                    s.single_language += 1;
                } else {
                    s.missing += 1;
                }
            }
        }
        if on_purpose {
            return;
        }
        let (have, &first) = versions
            .iter()
            .next()
            .expect("a key has at least one version");
        let doc = &site.pages[first].doc;
        let names: Vec<&str> = absent.iter().map(Lang::as_str).collect();
        let files: Vec<String> = absent
            .iter()
            .map(|l| format!("content/{key}.{l}.md"))
            .collect();
        self.warnings.push(
            Diagnostic::warning("translation", &doc.path, format!("`{key}` has no {} translation", names.join(", ")))
                .with_help(format!("create {}, or add `translate: false` to the front matter if this page exists in {have} only on purpose", files.join(" and ")))
                .about(key.as_str()),
        );
    }

    fn compare_with_lock(
        &mut self,
        site: &Site,
        key: &PageKey,
        versions: &BTreeMap<Lang, usize>,
        lock: &Lock,
    ) {
        let Some(marked) = lock.pairs.get(key.as_str()) else {
            self.unsynced.push(key.to_string());
            return;
        };
        if versions.keys().any(|l| !marked.contains_key(l.as_str())) {
            self.unsynced.push(key.to_string());
            return;
        }
        let (changed, behind): (Vec<Lang>, Vec<Lang>) = versions
            .iter()
            .map(|(l, &i)| {
                (
                    l.clone(),
                    marked[l.as_str()] != content_hash(&site.pages[i].doc),
                )
            })
            .fold((Vec::new(), Vec::new()), |(mut c, mut b), (l, moved)| {
                if moved {
                    c.push(l)
                } else {
                    b.push(l)
                }
                (c, b)
            });
        if changed.is_empty() {
            return;
        }
        for lang in &behind {
            if let Some(s) = self.languages.get_mut(lang) {
                s.stale += 1;
            }
        }
        self.warnings
            .push(stale_warning(site, key, versions, &changed, &behind));
        self.stale.push(Stale {
            key: key.to_string(),
            changed,
            behind,
        });
    }

    /// Counts, per language, the default language's messages it lacks.
    pub fn count_missing_messages(&mut self, locales: &crate::locales::Locales) {
        let Some(reference) = locales.messages(locales.default_lang()) else {
            return;
        };
        for lang in locales.langs() {
            let have = locales.messages(lang);
            let missing = reference
                .keys()
                .filter(|id| !have.is_some_and(|m| m.contains_key(*id)))
                .count();
            if let Some(s) = self.languages.get_mut(lang) {
                s.messages_missing = missing;
            }
        }
    }

    /// The languages whose version of `key` moved on while `lang`'s did not.
    pub fn newer_than(&self, key: &str, lang: &Lang) -> Vec<&Lang> {
        let first = self.stale.partition_point(|s| s.key.as_str() < key);
        self.stale[first..]
            .iter()
            .take_while(|s| s.key == key)
            .filter(|s| s.behind.contains(lang))
            .flat_map(|s| s.changed.iter())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}

/// The warning for page `key`, whose versions in `changed` changed since they were
/// marked in sync and those in `behind` did not.
fn stale_warning(
    site: &Site,
    key: &PageKey,
    versions: &BTreeMap<Lang, usize>,
    changed: &[Lang],
    behind: &[Lang],
) -> Diagnostic {
    let list = |ls: &[Lang]| ls.iter().map(Lang::as_str).collect::<Vec<_>>().join(", ");
    let (message, file) = if behind.is_empty() {
        (
            format!("every language of `{key}` changed since they were marked in sync"),
            versions[&changed[0]],
        )
    } else {
        (
            format!(
                "{} changed since the {} translation was synced",
                list(changed),
                list(behind)
            ),
            versions[&behind[0]],
        )
    };
    let help = format!("bring the translations up to date, then run `diptych mark-synced {key}`");
    Diagnostic::warning("stale", &site.pages[file].doc.path, message)
        .with_help(help)
        .about(key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_text_round_trips_and_is_sorted() {
        let mut lock = Lock::default();
        lock.pairs.insert(
            "b/x".into(),
            [("nl".into(), "2".into()), ("en".into(), "1".into())].into(),
        );
        lock.pairs
            .insert("a".into(), [("nl".into(), "3".into())].into());
        let text = lock.to_text();
        assert!(text.find("a:\n").unwrap() < text.find("b/x:\n").unwrap());
        assert!(text.contains("b/x:\n  en: 1\n  nl: 2\n"));
        assert_eq!(Lock::parse(&text).unwrap(), lock);
        assert_eq!(Lock::parse(&text).unwrap().to_text(), text);
    }

    #[test]
    fn locates_lock_file_errors() {
        let d = Lock::parse("a:\n  nl: [1\n").unwrap_err();
        assert!(d.location.is_some());
    }

    #[test]
    fn fnv_matches_the_reference_vectors() {
        let mut h = Fnv::default();
        h.write(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn finds_the_newer_languages_of_a_key_among_many_stale_pairs() {
        let (nl, en) = (Lang::parse("nl").unwrap(), Lang::parse("en").unwrap());
        let stale = |key: &str, changed: &Lang, behind: &Lang| Stale {
            key: key.into(),
            changed: vec![changed.clone()],
            behind: vec![behind.clone()],
        };
        let status = Status {
            stale: vec![
                stale("a", &nl, &en),
                stale("b/x", &en, &nl),
                stale("b/y", &nl, &en),
                stale("c", &en, &nl),
            ],
            ..Status::default()
        };
        assert_eq!(status.newer_than("b/x", &nl), [&en]);
        assert!(status.newer_than("b/x", &en).is_empty());
        assert_eq!(status.newer_than("b/y", &en), [&nl]);
        assert_eq!(status.newer_than("c", &nl), [&en]);
        assert!(status.newer_than("b", &nl).is_empty());
        assert!(status.newer_than("d", &nl).is_empty());
    }
}
