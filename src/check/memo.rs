//! The dev server's link check: each HTML file's problems kept between builds, and
//! read again only when the file, or a file its links looked up, changed.
//!
//! Takes the complete [`Output`] of a build (and the anchors content already
//! reported); produces what [`super::output_links`] gives for it. Rejects nothing.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use bytes::Bytes;
use rayon::prelude::*;

use super::links::{FastHash, Links, built};
use crate::diagnostic::Diagnostic;
use crate::render::Output;

/// The link check kept between the dev server's builds: each HTML file's problems and
/// the files its links looked up. A file is checked again only when its own bytes
/// changed, or a file it looked up changed, appeared or went; the result is what
/// [`super::output_links`] gives for the same output.
#[derive(Default)]
pub struct LinkMemo {
    /// The files of the output the last check read, by [`path_key`] (kept, so that an
    /// unchanged file is known by its bytes being the very same allocation, or else
    /// equal).
    output: HashMap<u128, Bytes, FastHash>,
    /// The anchors content already reported, as the last check had them.
    reported: BTreeSet<String>,
    files: HashMap<String, Checked, FastHash>,
    /// The files with problems, in path order (the order the problems are listed in).
    with_problems: BTreeSet<String>,
}

/// One HTML file's check.
struct Checked {
    problems: Vec<Diagnostic>,
    /// Every output path its links looked up, found or not (as [`path_hash`]), and
    /// whether the check read its bytes (for an `id`) or only asked whether it is there.
    looked_up: Vec<(u64, bool)>,
}

/// A path by its 128-bit hash, as the kept output knows it (no two paths of a site
/// share one).
fn path_key(path: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(path.as_bytes())
}

/// Paths by a 64-bit hash (a part of [`path_key`]): a file is checked again when a path
/// it looked up has the hash of a changed one, so a collision can only check a file
/// once too often.
fn path_hash(path: &str) -> u64 {
    short(path_key(path))
}

fn short(key: u128) -> u64 {
    key as u64
}

impl LinkMemo {
    /// The problems of `output`'s links, reading again only the files whose check
    /// could have changed since the last call.
    pub fn check(&mut self, output: &Output, reported: &BTreeSet<String>) -> Vec<Diagnostic> {
        if *reported != self.reported {
            self.files.clear();
            self.with_problems.clear();
            self.reported = reported.clone();
        }
        let (changed, came_or_went, now) = changed_files(&self.output, &output.files);
        let again = self.to_check(output, &changed, &came_or_went);
        let built = built(output);
        let checked: Vec<(&str, Option<Checked>)> = again
            .into_par_iter()
            .map(|path| {
                (
                    path,
                    check_file(path, &output.files[path], &built, reported),
                )
            })
            .collect();
        for (path, c) in checked {
            let has_problems = c.as_ref().is_some_and(|c| !c.problems.is_empty());
            match c {
                Some(c) => self.files.insert(path.to_string(), c),
                None => self.files.remove(path),
            };
            if has_problems {
                self.with_problems.insert(path.to_string());
            } else {
                self.with_problems.remove(path);
            }
        }
        // Files leave the memo only when they left the output.
        if !came_or_went.is_empty() {
            self.files.retain(|p, _| output.files.contains_key(p));
            self.with_problems.retain(|p| output.files.contains_key(p));
        }
        self.output = now;
        let mut problems: Vec<Diagnostic> = self
            .with_problems
            .iter()
            .filter_map(|p| self.files.get(p.as_str()))
            .flat_map(|c| c.problems.iter().cloned())
            .collect();
        problems.dedup();
        problems
    }

    /// The HTML files of `output` to check again: those `changed`, those never checked,
    /// and those that read a file that `changed` or asked for one that `came_or_went`.
    fn to_check<'o>(
        &self,
        output: &'o Output,
        changed: &Hashes,
        came_or_went: &Hashes,
    ) -> Vec<&'o str> {
        // Most looked-up paths are in neither set: one bit of a mask says so at once.
        let (changed_bits, moved_bits) = (bits(changed), bits(came_or_went));
        output
            .files
            .par_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, _)| p.as_str())
            .filter(|p| {
                changed.contains(&path_hash(p))
                    || self.files.get(*p).is_none_or(|c| {
                        c.looked_up.iter().any(|(t, read)| {
                            let (set, mask) = if *read {
                                (changed, changed_bits)
                            } else {
                                (came_or_went, moved_bits)
                            };
                            mask & bit(*t) != 0 && set.contains(t)
                        })
                    })
            })
            .collect()
    }
}

/// The check of the HTML file `path` (`text`) against the files of the output (`built`),
/// noting every path its links look up; none when it is not UTF-8 (nothing checks it).
fn check_file(
    path: &str,
    text: &[u8],
    built: &HashMap<&str, &[u8], FastHash>,
    reported: &BTreeSet<String>,
) -> Option<Checked> {
    std::str::from_utf8(text).ok()?;
    let looked_up = RefCell::new(Vec::new());
    let links = Links {
        file: |t: &str, read: bool| {
            looked_up.borrow_mut().push((path_hash(t), read));
            built.get(t).copied().into()
        },
        reported,
        complete: true,
        ids: Default::default(),
    };
    let problems = links.problems(path, text, links.scan(path, text));
    Some(Checked {
        problems,
        looked_up: looked_up.into_inner(),
    })
}

/// The bit of a 64-bit mask that `hash` sets.
fn bit(hash: u64) -> u64 {
    1 << (hash % 64)
}

/// The mask of all `hashes`: a hash whose bit is not in it is not among them.
fn bits(hashes: &HashSet<u64, FastHash>) -> u64 {
    hashes.iter().fold(0, |mask, &h| mask | bit(h))
}

/// Paths as [`path_hash`].
type Hashes = HashSet<u64, FastHash>;

/// The paths (as [`path_hash`]) of files that differ between two outputs (added,
/// removed, or with other bytes), and of those only the added and removed; with the
/// files of `now` by [`path_key`], to compare the next output with.
fn changed_files(
    before: &HashMap<u128, Bytes, FastHash>,
    now: &BTreeMap<String, Bytes>,
) -> (Hashes, Hashes, HashMap<u128, Bytes, FastHash>) {
    let same = |a: &Bytes, b: &Bytes| (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b;
    let keyed: Vec<(u128, &Bytes)> = now.par_iter().map(|(p, b)| (path_key(p), b)).collect();
    // New and changed files, on both cores.
    let found: Vec<(u64, bool)> = keyed
        .par_iter()
        .filter_map(|(k, b)| match before.get(k) {
            Some(a) if same(a, b) => None,
            Some(_) => Some((short(*k), false)),
            None => Some((short(*k), true)),
        })
        .collect();
    let came = found.iter().filter(|(_, new)| *new).count();
    let (mut changed, mut came_or_went) = (HashSet::default(), HashSet::default());
    for (h, new) in found {
        changed.insert(h);
        if new {
            came_or_went.insert(h);
        }
    }
    let kept: HashMap<u128, Bytes, FastHash> =
        keyed.into_iter().map(|(k, b)| (k, b.clone())).collect();
    // Files gone: fewer of the earlier ones are here than there were.
    if kept.len() - came < before.len() {
        for k in before.keys().filter(|k| !kept.contains_key(k)) {
            changed.insert(short(*k));
            came_or_went.insert(short(*k));
        }
    }
    (changed, came_or_went, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::output_links;

    #[test]
    fn the_memo_finds_what_a_check_of_the_whole_output_finds() {
        let a = "<a href=\"/b/#x\">b</a> <a href=\"/c/\">c</a> <link href=\"/atom.xml\"> <a href=\"#top\">t</a>";
        let b = "<h2 id=\"y\">";
        let outputs = [
            (
                "the first check",
                vec![
                    ("a/index.html", a),
                    ("b/index.html", b),
                    ("c/index.html", "<p>"),
                ],
            ),
            (
                "nothing changed",
                vec![
                    ("a/index.html", a),
                    ("b/index.html", b),
                    ("c/index.html", "<p>"),
                ],
            ),
            (
                "the target gains the id (the linking page is unchanged)",
                vec![
                    ("a/index.html", a),
                    ("b/index.html", "<h2 id=\"x\">"),
                    ("c/index.html", "<p>"),
                ],
            ),
            (
                "a target without a fragment changed (nothing to read again)",
                vec![
                    ("a/index.html", a),
                    ("b/index.html", "<h2 id=\"x\">"),
                    ("c/index.html", "<p>!"),
                ],
            ),
            (
                "a target went",
                vec![("a/index.html", a), ("b/index.html", "<h2 id=\"x\">")],
            ),
            (
                "targets came",
                vec![
                    ("a/index.html", a),
                    ("b/index.html", "<h2 id=\"x\">"),
                    ("c/index.html", "<p>"),
                    ("atom.xml", "<feed/>"),
                ],
            ),
            (
                "the page itself changed",
                vec![
                    ("a/index.html", "<a href=\"/d/\" id=\"top\">"),
                    ("b/index.html", b),
                ],
            ),
            ("the page went", vec![("b/index.html", b)]),
            (
                "a page that links nowhere",
                vec![("b/index.html", b), ("e/index.html", "<p>")],
            ),
            (
                "it gains a broken link, and no file it looked up changed",
                vec![("b/index.html", b), ("e/index.html", "<a href=\"/gone/\">")],
            ),
        ];
        let mut memo = LinkMemo::default();
        for (what, files) in outputs {
            let o = Output::of(&files);
            let whole = output_links(&o, &Default::default());
            assert_eq!(memo.check(&o, &Default::default()), whole, "{what}");
        }
        // Anchors content already reported are left out: a new set is a new check.
        let o = Output::of(&[
            ("a/index.html", a),
            ("b/index.html", b),
            ("c/index.html", "<p>"),
        ]);
        assert_eq!(memo.check(&o, &Default::default()).len(), 3);
        let reported: BTreeSet<String> = ["/b/#x".to_string()].into();
        assert_eq!(memo.check(&o, &reported), output_links(&o, &reported));
    }
}
