//! Content pages and static files kept between the dev server's builds: each file's
//! text or bytes with the size and modification time it had, and the listing of the
//! content folder.
//!
//! Takes the site root (and, from the file watcher, which files changed); produces the
//! content files' texts and the static files, reading only those whose stamp changed.
//! Rejects what reading rejects (unreadable files, invalid UTF-8).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::{StaticFile, files_in, read_all, rel_name};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};

/// Content pages and static files as last read, by path, with the size and
/// modification time they had.
#[derive(Debug, Default)]
pub struct FileCache {
    entries: super::ByPath<(Stamp, Arc<str>)>,
    /// The content files the last build listed, sorted, with their stamps.
    listing: Vec<(PathBuf, Option<Stamp>)>,
    /// The content files changed since the last build, when the watcher knows them and
    /// none came, went or moved (see [`FileCache::only_changed`]).
    changed: Option<Vec<PathBuf>>,
    /// The files the watcher named for this load, sorted: read again even when their
    /// stamp looks the same (a save within the clock's tick that kept the size).
    edited: Vec<PathBuf>,
    /// Static files as last read (and hashed), by path.
    statics: super::ByPath<(Stamp, StaticFile)>,
    /// A one-off load: keeps no texts for a next one (and so stamps none).
    once: bool,
}

impl FileCache {
    /// A cache for one load (`diptych build`, `check`): nothing is kept for another.
    pub fn once() -> FileCache {
        FileCache {
            once: true,
            ..FileCache::default()
        }
    }

    /// Tells the next load that of the content files only those at `changed` (paths
    /// relative to the site root) may differ from the last build's, have come or have
    /// gone, and that no folder came, went or moved: it then looks at these paths alone,
    /// not the whole content folder. `None`: list it.
    pub fn only_changed(&mut self, changed: Option<Vec<PathBuf>>) {
        self.changed = changed;
    }

    /// Lists the content files with their stamps: the last listing with the changed
    /// files stamped again, when that is known to be enough; else the folder again.
    pub(super) fn list(&mut self, root: &Path) -> Result<()> {
        let mut changed = self.changed.take();
        if let Some(named) = &mut changed {
            named.sort();
            self.edited = named.clone();
        }
        if let Some(changed) = changed
            && !self.listing.is_empty()
            && changed
                .iter()
                .all(|c| update_listing(&mut self.listing, root, c))
        {
            return Ok(());
        }
        self.listing = Vec::new();
        let mut files = stamped_files(root, "content", "md")?;
        files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.listing = files;
        Ok(())
    }

    /// Reads the listed files whose size or modification time changed since the last
    /// call, and those the watcher named; the rest come from the cache. Gives the files
    /// sorted by path.
    pub(super) fn read(
        &mut self,
        root: &Path,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Vec<(PathBuf, Arc<str>)>> {
        let files = &self.listing;
        // In the listing's order (sorted); files read again fill their places after.
        let mut out: Vec<Option<Arc<str>>> = Vec::with_capacity(files.len());
        let mut stale = Vec::new();
        let edited = std::mem::take(&mut self.edited);
        let named: HashSet<&std::ffi::OsStr, crate::publish::search::FastHash> =
            edited.iter().map(|p| p.as_os_str()).collect();
        for (n, (path, st)) in files.iter().enumerate() {
            match self.entries.get(path.as_os_str()) {
                Some((then, text))
                    if unchanged(*st, *then) && !named.contains(path.as_os_str()) =>
                {
                    out.push(Some(text.clone()))
                }
                _ => {
                    out.push(None);
                    stale.push(n);
                }
            }
        }
        let paths: Vec<PathBuf> = stale.iter().map(|&n| files[n].0.clone()).collect();
        // Read in order; a file that could not be read is left out (a problem says why).
        // Each text shared and stamped for the cache on both cores, not here.
        let once = self.once;
        let read: Vec<(PathBuf, Arc<str>, Option<Stamp>)> = read_all(root, &paths, problems)?
            .into_par_iter()
            .map(|(path, text)| {
                let now = if once { None } else { stamp(&root.join(&path)) };
                (path, Arc::from(text), now)
            })
            .collect();
        let mut read = read.into_iter().peekable();
        for &n in &stale {
            let path = &files[n].0;
            let Some((_, text, now)) = read.next_if(|(p, ..)| p.as_os_str() == path.as_os_str())
            else {
                continue;
            };
            if let Some(now) = now {
                let key = path.clone().into_os_string();
                self.entries.insert(key, (now, text.clone()));
            }
            out[n] = Some(text);
        }
        let out: Vec<(PathBuf, Arc<str>)> = files
            .iter()
            .zip(out)
            .filter_map(|((path, _), text)| Some((path.clone(), text?)))
            .collect();
        // Files gone since the last call are forgotten (a cache holding more files than
        // were found holds some that are gone).
        if self.entries.len() > out.len() {
            let current: HashSet<&std::ffi::OsStr> =
                files.iter().map(|(p, _)| p.as_os_str()).collect();
            self.entries.retain(|p, _| current.contains(p.as_os_str()));
        }
        Ok(out)
    }

    /// The static files under `dirs` (later folders replace earlier ones by name): those
    /// whose stamp is the last read's come from the cache, the others are read and
    /// hashed, on both cores. Photos are most of a site's bytes; an edit of a page no
    /// longer reads and hashes them all again.
    pub(super) fn statics(
        &mut self,
        root: &Path,
        dirs: &[PathBuf],
    ) -> Result<BTreeMap<String, StaticFile>> {
        let mut found = Vec::new();
        for dir in dirs {
            found.extend(
                files_in(root, dir, &[])?
                    .into_iter()
                    .map(|p| (rel_name(&p, dir), p)),
            );
        }
        let cached = &self.statics;
        // (output name, path, stamp, file)
        type Read = (String, PathBuf, Option<Stamp>, StaticFile);
        let read: Vec<Result<Read>> = found
            .into_par_iter()
            .map(|(name, path)| {
                let full = root.join(&path);
                let stamp = stamp(&full);
                let file = match cached.get(path.as_os_str()) {
                    Some((then, file)) if unchanged(stamp, *then) => file.clone(),
                    _ => StaticFile::new(std::fs::read(&full).map_err(Error::read(&full))?),
                };
                Ok((name, path, stamp, file))
            })
            .collect();
        let mut statics = BTreeMap::new();
        let mut kept = super::ByPath::default();
        for r in read {
            let (name, path, stamp, file) = r?;
            if let Some(stamp) = stamp {
                kept.insert(path.into_os_string(), (stamp, file.clone()));
            }
            statics.insert(name, file);
        }
        self.statics = kept;
        Ok(statics)
    }
}

/// Brings the listing up to date for the content path `c` by what is at it now: an
/// edited page takes its new stamp, a page that came takes its place, one that went
/// leaves, and a path neither there nor listed (an editor's file renamed away) changes
/// nothing. False when that cannot be enough: something other than a page the listing
/// would hold is there (a folder, a link), or a folder holding listed pages went.
fn update_listing(listing: &mut Vec<(PathBuf, Option<Stamp>)>, root: &Path, c: &Path) -> bool {
    let on_disk = std::fs::symlink_metadata(root.join(c));
    let gone = on_disk
        .as_ref()
        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    let file = on_disk.ok().filter(|m| m.is_file());
    let stamp = file.as_ref().map(stamp_of);
    match listing.binary_search_by(|(p, _)| p.as_path().cmp(c)) {
        Ok(i) if stamp.is_some() => listing[i].1 = stamp,
        Ok(i) if gone => {
            listing.remove(i);
        }
        Err(i) if stamp.is_some() && listable(c) => listing.insert(i, (c.to_path_buf(), stamp)),
        Err(_) if gone => return !listing.iter().any(|(p, _)| p.starts_with(c)),
        _ => return false,
    }
    true
}

/// Whether listing the content folder would hold the file at `path` (relative to the
/// site root): a `.md` file under `content/`, in no hidden folder and not hidden itself.
fn listable(path: &Path) -> bool {
    path.starts_with("content")
        && path.extension().is_some_and(|e| e == "md")
        && path
            .components()
            .all(|c| !c.as_os_str().as_encoded_bytes().starts_with(b"."))
}

/// A file's size and modification time, as the dev server compares them.
type Stamp = (u64, Option<SystemTime>);

/// Whether a file stamped `now` is the one stamped `then`: the same size and
/// modification time, when the system gives one (without it, every read counts as new).
fn unchanged(now: Option<Stamp>, then: Stamp) -> bool {
    matches!((now, then), (Some((len, Some(time))), (l, Some(t))) if len == l && time == t)
}

/// The stamp of the file at `path`, if it can be read.
fn stamp(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path).ok().as_ref().map(stamp_of)
}

/// The stamp a file's metadata gives.
fn stamp_of(m: &std::fs::Metadata) -> Stamp {
    (m.len(), m.modified().ok())
}

/// The files under `root/dir` (paths relative to `root`) whose extension is `ext`, with
/// their stamps; hidden files and folders skipped, links not followed, in no particular
/// order. Folders are listed in parallel, and each file is stamped through its folder's
/// listing, not by its path again.
fn stamped_files(root: &Path, dir: &str, ext: &str) -> Result<Vec<(PathBuf, Option<Stamp>)>> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    stamped_in(root, &base, ext)
}

fn stamped_in(root: &Path, dir: &Path, ext: &str) -> Result<Vec<(PathBuf, Option<Stamp>)>> {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(Error::read(dir))? {
        let entry = entry.map_err(Error::read(dir))?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(Error::read(&path))?;
        if kind.is_dir() {
            folders.push(path);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == ext) {
            let stamp = entry.metadata().ok().as_ref().map(stamp_of);
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            files.push((rel, stamp));
        }
    }
    let nested: Vec<Result<Vec<_>>> = folders
        .par_iter()
        .map(|f| stamped_in(root, f, ext))
        .collect();
    for n in nested {
        files.extend(n?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_off_load_reads_every_file_and_keeps_none() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        std::fs::write(root.join("content/sub/b.md"), "two").unwrap();
        let mut problems = Vec::new();
        for (mut cache, kept) in [(FileCache::once(), 0), (FileCache::default(), 2)] {
            cache.list(root).unwrap();
            let files = cache.read(root, &mut problems).unwrap();
            let texts: Vec<&str> = files.iter().map(|(_, t)| &**t).collect();
            assert_eq!(texts, ["one", "two"]);
            assert_eq!(cache.entries.len(), kept);
        }
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn the_page_cache_rereads_only_changed_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let (a, b) = (
            PathBuf::from("content/a.md"),
            PathBuf::from("content/sub/b.md"),
        );
        std::fs::create_dir_all(root.join("content/sub/.hidden")).unwrap();
        std::fs::write(root.join(&a), "one").unwrap();
        std::fs::write(root.join(&b), "two").unwrap();
        for skipped in [
            "content/.draft.md",
            "content/sub/.hidden/c.md",
            "content/notes.txt",
        ] {
            std::fs::write(root.join(skipped), "x").unwrap();
        }
        let files = || stamped_files(root, "content", "md").unwrap();
        let mut found: Vec<PathBuf> = files().into_iter().map(|(p, _)| p).collect();
        found.sort();
        assert_eq!(found, [a.clone(), b.clone()]);
        let mut cache = FileCache::default();
        let mut problems = Vec::new();
        let mut read = |cache: &mut FileCache| {
            cache.list(root).unwrap();
            cache.read(root, &mut problems).unwrap()
        };
        let first = read(&mut cache);
        std::fs::write(root.join(&b), "three").unwrap();
        let second = read(&mut cache);
        assert!(
            Arc::ptr_eq(&first[0].1, &second[0].1),
            "an unchanged file was read again"
        );
        assert_eq!(&*second[1].1, "three");
        // The watcher names the changed file: only it is stamped again.
        std::fs::write(root.join(&b), "four!!").unwrap();
        cache.only_changed(Some(vec![b.clone()]));
        assert_eq!(&*read(&mut cache)[1].1, "four!!");
        // Named by the watcher, a file is read again even if its stamp looks the same.
        let before = std::fs::metadata(root.join(&b))
            .unwrap()
            .modified()
            .unwrap();
        std::fs::write(root.join(&b), "five!!").unwrap();
        std::fs::File::options()
            .write(true)
            .open(root.join(&b))
            .unwrap()
            .set_modified(before)
            .unwrap();
        assert_eq!(
            &*read(&mut cache)[1].1,
            "four!!",
            "not named: the stamp decides"
        );
        cache.only_changed(Some(vec![b.clone()]));
        assert_eq!(&*read(&mut cache)[1].1, "five!!");
        // A page that came or went, named by the watcher, joins or leaves the listing
        // without the folder being listed again: `d`, not named, stays unseen.
        let (c, d) = (PathBuf::from("content/c.md"), PathBuf::from("content/d.md"));
        std::fs::write(root.join(&c), "five").unwrap();
        std::fs::write(root.join(&d), "six").unwrap();
        cache.only_changed(Some(vec![c.clone()]));
        let names = |files: Vec<(PathBuf, Arc<str>)>| -> Vec<PathBuf> {
            files.into_iter().map(|(p, _)| p).collect()
        };
        assert_eq!(names(read(&mut cache)), [a.clone(), c.clone(), b.clone()]);
        std::fs::remove_file(root.join(&c)).unwrap();
        cache.only_changed(Some(vec![c.clone(), PathBuf::from("content/gone.md")]));
        assert_eq!(names(read(&mut cache)), [a.clone(), b.clone()]);
        // A page that is not one the listing holds (hidden): the folder is listed again.
        cache.only_changed(Some(vec![PathBuf::from("content/.draft.md")]));
        assert_eq!(names(read(&mut cache)), [a.clone(), d.clone(), b.clone()]);
        // A folder named: made (its pages come) or gone (its pages go), listed again.
        std::fs::create_dir_all(root.join("content/new")).unwrap();
        std::fs::write(root.join("content/new/e.md"), "seven").unwrap();
        cache.only_changed(Some(vec![PathBuf::from("content/new")]));
        assert_eq!(read(&mut cache).len(), 4);
        std::fs::remove_dir_all(root.join("content/sub")).unwrap();
        std::fs::remove_dir_all(root.join("content/new")).unwrap();
        cache.only_changed(Some(vec![PathBuf::from("content/sub")]));
        assert_eq!(names(read(&mut cache)), [a.clone(), d.clone()]);
        assert_eq!(cache.entries.len(), 2, "a removed file stays cached");
    }

    #[test]
    fn static_files_are_read_again_only_when_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let dirs = [PathBuf::from("themes/t/static"), PathBuf::from("static")];
        for d in &dirs {
            std::fs::create_dir_all(root.join(d).join("img")).unwrap();
        }
        std::fs::write(root.join("themes/t/static/img/a.png"), "theme a").unwrap();
        std::fs::write(root.join("themes/t/static/b.css"), "theme b").unwrap();
        std::fs::write(root.join("static/b.css"), "site b").unwrap();
        let mut cache = FileCache::default();
        let first = cache.statics(root, &dirs).unwrap();
        let names: Vec<&str> = first.keys().map(String::as_str).collect();
        assert_eq!(names, ["b.css", "img/a.png"]);
        assert_eq!(
            &first["b.css"].bytes[..],
            b"site b",
            "the site's replaces the theme's"
        );
        assert_eq!(first["b.css"].hash, StaticFile::new(&b"site b"[..]).hash);
        std::fs::write(root.join("static/b.css"), "site b, longer").unwrap();
        let second = cache.statics(root, &dirs).unwrap();
        assert_eq!(
            first["img/a.png"].bytes.as_ptr(),
            second["img/a.png"].bytes.as_ptr(),
            "an unchanged file was read again"
        );
        assert_eq!(&second["b.css"].bytes[..], b"site b, longer");
        assert_ne!(first["b.css"].hash, second["b.css"].hash);
        std::fs::remove_file(root.join("static/b.css")).unwrap();
        let third = cache.statics(root, &dirs).unwrap();
        assert_eq!(&third["b.css"].bytes[..], b"theme b");
        assert_eq!(cache.statics.len(), 2, "a removed file stays cached");
    }
}
