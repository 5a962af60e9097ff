//! Rendered pages kept between the dev server's builds, so a rebuild renders again only
//! the pages whose inputs changed.
//!
//! Takes a fingerprint of everything all pages share (static files, data,
//! configuration and each language's global template context); per output file, a
//! fingerprint of its own context and of the templates its template can read (see
//! [`crate::theme::Theme::reach`]); and per file the Fluent messages its render asked
//! `t()` for, in which language (see [`crate::template_fns::recording`]), with each
//! message's fingerprint ([`messages`]). Produces the previous bytes when the
//! fingerprints match and none of those messages changed. Tera renders the same bytes
//! from the same templates, context and functions (the functions read only messages
//! and static files), so a match is safe to reuse. An edit of one template or message
//! thus renders again only the files that read it. Rejects nothing: a miss renders.
//!
//! When an edit reaches many pages (a template most pages read, a message in the
//! footer, `site.yaml`), the dev server can ask for the pages open in a browser first:
//! with [`RenderMemo::defer`] set, a build that must render more than a tenth of the
//! files again renders of those only the ones named, and lists the rest as pending.
//! The next build renders them (the memo holds nothing for them); with
//! [`RenderMemo::asked`] set, it renders first the files asked for while it runs and
//! hands each over as soon as it is done.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use bytes::Bytes;

use crate::config::Config;
use crate::document::Document;
use crate::lang::Lang;
use crate::locales::Locales;
use crate::site::Site;
use crate::sources::Sources;

/// Output path → the fingerprint a file was rendered from, its bytes, and the messages
/// its render asked for (one bit each, by [`Locales::slot`]).
pub(crate) type Pages =
    HashMap<String, (u128, Bytes, Box<[u64]>), crate::publish::search::FastHash>;

/// Rendered bytes by output path, with the fingerprint they were rendered from.
#[derive(Default)]
pub struct RenderMemo {
    /// Fingerprint of the site-wide inputs of the build that filled `pages`.
    inputs: u64,
    pages: Pages,
    /// How many files the last render rendered (the rest came from the memo).
    pub rendered: usize,
    /// Each language's fingerprint of what all its pages share in their context, in
    /// the last render.
    pub shared: BTreeMap<Lang, u128>,
    /// Whether this build's site-wide inputs differ from the last build's.
    changed: bool,
    /// Each template's reach ([`crate::theme::Theme::reach`]) in the last render.
    reach: BTreeMap<String, u128>,
    /// Each message in each language of the last render, by [`Locales::slot`], and
    /// their fingerprints ([`messages`]).
    slots: Vec<(Lang, String)>,
    messages: Messages,
    /// This build's fingerprints of the messages, kept once it renders.
    next_messages: Messages,
    /// One bit per slot whose message changed since the last render.
    changed_messages: Vec<u64>,
    /// The last render's site, as what determines every file's context beside the
    /// site-wide inputs: each page's parsed document and newer translations.
    site: Vec<(Arc<Document>, Vec<Lang>)>,
    /// For the next build: the output paths to render now, when many files must be
    /// rendered again (see the module's notes); the others wait. The dev server sets
    /// it for one build, and takes `pending` after it.
    pub defer: Option<HashSet<String>>,
    /// The output paths the last render left to render (see `defer`); a first look
    /// counts them as stale, since the memo holds nothing for them.
    pub pending: Vec<String>,
    /// Whether the last build got as far as rendering, so that `pending` is its own
    /// (the dev server clears it before each build).
    pub gathered: bool,
    /// For the next build: the files asked for while it renders, rendered first and
    /// handed over as each is done (the dev server's second build after `defer`).
    pub asked: Option<Arc<crate::render::Asked>>,
}

impl RenderMemo {
    /// Starts a build whose site-wide inputs are `sources`, `config` and `drafts`, with
    /// the messages of `locales`; forgets every page when any of those inputs changed
    /// or a message came or went, and notes which messages changed.
    pub fn begin(&mut self, sources: &Sources, config: &Config, drafts: bool, locales: &Locales) {
        let inputs = site_inputs(sources, config, drafts);
        let langs: Vec<&Lang> = locales.langs().collect();
        let messages = messages(sources, &langs, locales.default_lang(), |lang, id| {
            locales.covers(lang, id)
        });
        let slots: Vec<(Lang, String)> = (locales.ids().iter())
            .flat_map(|id| langs.iter().map(move |&l| (l.clone(), id.clone())))
            .collect();
        self.changed = inputs != self.inputs || self.slots != slots;
        if self.changed {
            self.pages.clear();
            self.inputs = inputs;
            self.slots = slots;
            self.messages = messages.clone();
        }
        self.changed_messages = vec![0; self.slots.len().div_ceil(64)];
        for (n, (lang, id)) in self.slots.iter().enumerate() {
            let key = (lang.clone(), id.clone());
            if messages.get(&key) != self.messages.get(&key) {
                self.changed_messages[n / 64] |= 1 << (n % 64);
            }
        }
        self.next_messages = messages;
    }

    /// How many (message, language) slots a render records the use of (see
    /// [`crate::template_fns::recording`]).
    pub fn messages(&self) -> usize {
        self.slots.len()
    }

    /// Whether the file `out` must be rendered again because a message its last render
    /// asked for changed.
    pub fn messages_changed(&self, out: &str) -> bool {
        self.pages
            .get(out)
            .is_some_and(|(_, _, used)| self.any_changed(used))
    }

    /// Whether one of the messages `used` (a render's record) changed.
    fn any_changed(&self, used: &[u64]) -> bool {
        used.iter()
            .zip(&self.changed_messages)
            .any(|(u, c)| u & c != 0)
    }

    /// Whether any message changed since the last render.
    pub fn any_message_changed(&self) -> bool {
        self.changed_messages.iter().any(|&c| c != 0)
    }

    /// Whether a file of a language whose pages share `shared` in their context must be
    /// rendered again: the site-wide inputs or the language's shared context changed, or
    /// `template` (the templates its template reads changed; see
    /// [`crate::theme::Theme::stale_since`] and [`RenderMemo::reach`]).
    pub fn stale(&self, lang: &Lang, shared: u128, template: bool) -> bool {
        self.changed || self.shared.get(lang) != Some(&shared) || template
    }

    /// Each template's reach ([`crate::theme::Theme::reach`]) in the last render.
    pub fn reach(&self) -> &BTreeMap<String, u128> {
        &self.reach
    }

    /// Whether `site` is the site of the last render: the same parsed documents (the
    /// parse cache hands out the very same), the same newer translations, and the same
    /// site-wide inputs. Its files' contexts are then the same too, and a file that is
    /// not stale needs no fingerprint to be taken from the memo ([`RenderMemo::kept`]).
    pub fn same_site(&self, site: &Site) -> bool {
        let same = |((doc, newer), page): (&(Arc<Document>, Vec<Lang>), &crate::site::Page)| {
            Arc::ptr_eq(doc, &page.doc) && *newer == page.newer
        };
        !self.changed
            && self.site.len() == site.pages.len()
            && self.site.iter().zip(&site.pages).all(same)
    }

    /// The fingerprint, bytes and messages rendered last time for `out`, if no message
    /// they used changed.
    pub fn kept(&self, out: &str) -> Option<(u128, &Bytes, &[u64])> {
        let (f, bytes, used) = self.pages.get(out)?;
        (!self.any_changed(used)).then_some((*f, bytes, &used[..]))
    }

    /// The bytes rendered last time for `out`, if they came from `fingerprint` and no
    /// message they used changed; with those messages.
    pub fn get(&self, out: &str, fingerprint: u128) -> Option<(&Bytes, &[u64])> {
        let (f, bytes, used) = self.pages.get(out)?;
        (*f == fingerprint && !self.any_changed(used)).then_some((bytes, &used[..]))
    }

    /// Makes the memo this build's files (path, fingerprint, bytes, messages used),
    /// rendered with `shared` and templates of `reach`: updated in place, so that a
    /// path already there costs no new key.
    pub(crate) fn keep<'a>(
        &mut self,
        files: impl Iterator<Item = (&'a str, u128, &'a Bytes, Box<[u64]>)>,
        rendered: usize,
        (shared, reach, site): (BTreeMap<Lang, u128>, BTreeMap<String, u128>, &Site),
    ) {
        let mut now = Vec::new();
        for (path, fingerprint, bytes, used) in files {
            match self.pages.get_mut(path) {
                Some(e) => *e = (fingerprint, bytes.clone(), used),
                None => {
                    self.pages
                        .insert(path.to_string(), (fingerprint, bytes.clone(), used));
                }
            }
            now.push(path);
        }
        // Files this build did not make go.
        if self.pages.len() > now.len() {
            let now: std::collections::HashSet<&str> = now.into_iter().collect();
            self.pages.retain(|p, _| now.contains(p.as_str()));
        }
        self.rendered = rendered;
        self.shared = shared;
        self.reach = reach;
        self.messages = std::mem::take(&mut self.next_messages);
        self.changed_messages.fill(0);
        let pages = site.pages.iter();
        self.site = pages
            .map(|p| (Arc::clone(&p.doc), p.newer.clone()))
            .collect();
    }
}

/// A fingerprint of the site-wide inputs of a build but the templates (each file's
/// fingerprint takes in those its template reads) and the messages (each file is
/// rendered again when one it used changed): data, static files, configuration (with
/// the build's today and its site titles) and whether drafts are in.
pub fn site_inputs(sources: &Sources, config: &Config, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    for t in &sources.data {
        (&t.name, &t.text).hash(&mut h);
    }
    sources.statics.hash(&mut h);
    format!("{config:?}").hash(&mut h);
    drafts.hash(&mut h);
    h.finish()
}

/// Fingerprints of messages by language and id (see [`messages`]).
pub type Messages = BTreeMap<(Lang, String), u128>;

/// Each message's (and term's) fingerprint in each of `langs`: its text there, and that
/// of every message and term its text names there, and so on from those (Fluent looks
/// them up in the same language); a language that lacks it gets the `default`
/// language's (whose text it shows), and one whose message there lacks a value or an
/// attribute the default's has (where `complete` says no) gets both. A message may
/// name another in a placeable (`{ other }`, `{ -term }`, `{ other.attribute }`);
/// every word of its text that is an id is taken to be one, which may take in more
/// than it needs, never less.
pub fn messages(
    sources: &Sources,
    langs: &[&Lang],
    default: &Lang,
    complete: impl Fn(&Lang, &str) -> bool,
) -> Messages {
    let mut texts: BTreeMap<&Lang, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (lang, file) in &sources.ftl {
        let text = file.text.as_str();
        let defined = crate::message_info::definitions(text);
        let entries = texts.entry(lang).or_default();
        for (k, &(id, at)) in defined.iter().enumerate() {
            let end = defined.get(k + 1).map_or(text.len(), |&(_, next)| next);
            entries.entry(id).or_default().push(&text[at..end]);
        }
    }
    let none = BTreeMap::new();
    let own = |lang: &Lang| -> BTreeMap<&str, u128> {
        let entries = texts.get(lang).unwrap_or(&none);
        entries
            .keys()
            .map(|&id| {
                (
                    id,
                    crate::fingerprint::fingerprint(0, &(lang, reads(entries, id))),
                )
            })
            .collect()
    };
    let fallback = own(default);
    let mut out = Messages::new();
    for &lang in langs {
        let mine = own(lang);
        for (id, fp) in &fallback {
            out.insert((lang.clone(), id.to_string()), *fp);
        }
        for (id, fp) in mine {
            let fp = match fallback.get(id) {
                Some(theirs) if lang != default && !complete(lang, id) => {
                    crate::fingerprint::fingerprint(fp, theirs)
                }
                _ => fp,
            };
            out.insert((lang.clone(), id.to_string()), fp);
        }
    }
    out
}

/// The texts of message `id` and of every message and term it names, and so on, in
/// one language's `entries` (id → its texts), by id.
fn reads<'a>(
    entries: &'a BTreeMap<&'a str, Vec<&'a str>>,
    id: &'a str,
) -> Vec<(&'a str, &'a [&'a str])> {
    let word = |c: char| !(c.is_alphanumeric() || c == '_' || c == '-');
    let mut seen = std::collections::BTreeSet::from([id]);
    let mut next = vec![id];
    while let Some(m) = next.pop() {
        for w in entries[m].iter().flat_map(|t| t.split(word)) {
            if let Some((&named, _)) = entries.get_key_value(w)
                && seen.insert(named)
            {
                next.push(named);
            }
        }
    }
    seen.into_iter().map(|m| (m, &entries[m][..])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_bytes_only_for_the_same_fingerprint() {
        let mut memo = RenderMemo::default();
        let site = Site::default();
        let x = Bytes::from_static(b"x");
        let used = || Box::from([0b10u64]);
        let bytes = |got: Option<(&Bytes, &[u64])>| got.map(|(b, u)| (b.to_vec(), u.to_vec()));
        memo.keep(
            [("nl/index.html", 7, &x, used())].into_iter(),
            1,
            (Default::default(), Default::default(), &site),
        );
        assert_eq!(
            bytes(memo.get("nl/index.html", 7)),
            Some((b"x".to_vec(), vec![0b10]))
        );
        assert_eq!(memo.get("nl/index.html", 8), None);
        assert_eq!(memo.get("en/index.html", 7), None);
        // Kept in place: a file of the last build that this one did not make is gone.
        let y = Bytes::from_static(b"y");
        let files = [
            ("nl/index.html", 9, &y, used()),
            ("en/index.html", 7, &x, used()),
        ];
        memo.keep(
            files.into_iter(),
            2,
            (Default::default(), Default::default(), &site),
        );
        memo.keep(
            [("en/index.html", 7, &x, used())].into_iter(),
            0,
            (Default::default(), Default::default(), &site),
        );
        assert_eq!(memo.get("nl/index.html", 9), None);
        assert_eq!(bytes(memo.get("en/index.html", 7)).unwrap().0, b"x");
    }

    fn ftl(files: &[(&str, &str)]) -> Sources {
        let ftl = files.iter().map(|(lang, text)| {
            let file = crate::sources::TextFile {
                path: format!("locales/{lang}/site.ftl").into(),
                name: "site.ftl".into(),
                text: text.to_string(),
            };
            (Lang::parse(lang).unwrap(), file)
        });
        Sources {
            ftl: ftl.collect(),
            ..Sources::default()
        }
    }

    /// The (language, id) whose fingerprints differ between the two sets of files
    /// (nl the default).
    fn moved(a: &[(&str, &str)], b: &[(&str, &str)]) -> Vec<String> {
        let (nl, en) = (Lang::parse("nl").unwrap(), Lang::parse("en").unwrap());
        let of = |files| messages(&ftl(files), &[&nl, &en], &nl, |_, id| id != "home");
        let (a, b) = (of(a), of(b));
        let keys: std::collections::BTreeSet<&(Lang, String)> = a.keys().chain(b.keys()).collect();
        let differ = keys.into_iter().filter(|k| a.get(*k) != b.get(*k));
        differ.map(|(l, id)| format!("{l} {id}")).collect()
    }

    #[test]
    fn a_message_changes_with_what_it_names_and_where_it_is_shown() {
        let nl = "-brand = Kennisstad\nabout = Over { -brand }\nhome = Start\n    .title = Begin\nback = Terug naar { home.title }\nlone = Alleen\n";
        let en = "-brand = City\nabout = About { -brand }\nhome = Home\n    .title = Start\nback = Back to { home.title }\n";
        let base = [("nl", nl), ("en", en)];
        let edit = |lang: &str, from: &str, to: &str| {
            let files = base.map(|(l, t)| {
                (
                    l,
                    if l == lang {
                        t.replacen(from, to, 1)
                    } else {
                        t.to_string()
                    },
                )
            });
            let files: Vec<(&str, &str)> = files.iter().map(|(l, t)| (*l, t.as_str())).collect();
            moved(&base, &files)
        };
        assert_eq!(edit("en", "City", "Town"), ["en -brand", "en about"]);
        assert_eq!(
            edit("en", ".title = Start", ".title = First"),
            ["en back", "en home"]
        );
        // A message only the default language has is what the other shows too.
        assert_eq!(edit("nl", "Alleen", "Enkel"), ["en lone", "nl lone"]);
        assert_eq!(edit("nl", "Terug", "Weer"), ["nl back"]);
        // So is an attribute a language's message lacks (`complete` says so of home).
        assert_eq!(
            edit("nl", "home = Start", "home = Begin"),
            ["en home", "nl back", "nl home"]
        );
    }
}
