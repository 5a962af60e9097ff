//! Writing the built site to disk, all or nothing.
//!
//! Takes an [`Output`] and the output directory; writes every file into a fresh
//! temporary directory beside it and swaps that in only when all writes succeeded, so a
//! failed build leaves the previous output untouched. Leftovers of a killed build (our
//! own `.NAME.diptych-*` siblings, nothing else, and none a running process made) are
//! removed first. Rejects an output
//! path that is a file, and an output where one path is both a file and a folder (a
//! page with `slug: atom.xml` beside the feed) before touching the disk.
//!
//! The temporary directory is a [`Staging`] folder, which a one-off build opens
//! before rendering so that each page goes into it as soon as it is rendered (see
//! `stream.rs`); the rest of the output follows at the end.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::publish::search::FastHash;
use crate::render::Output;

impl Output {
    /// Writes the site to `dir`, replacing what was there only on success. Each file's
    /// bytes are freed once written, so a large site's output does not stay in memory
    /// beside its copy on disk.
    pub fn write(self, dir: &Path) -> Result<()> {
        Staging::check(dir)?;
        let clashes = self.file_folder_clashes();
        if !clashes.is_empty() {
            return Err(Error::Content(clashes));
        }
        let staging = Staging::open(dir)?;
        staging.write(self)?;
        staging.finish()
    }

    /// Paths that are a file and also the folder of another file, which no disk can hold.
    pub fn file_folder_clashes(&self) -> Vec<Diagnostic> {
        self.files_as_folders()
            .into_iter()
            .map(|(file, path)| {
                Diagnostic::error(
                    "url",
                    "content",
                    format!("{file} is a file of the site, and {path} needs it to be a folder"),
                )
                .with_help(
                    "a page's `slug` or an alias looks like a file diptych writes; give it another",
                )
            })
            .collect()
    }

    /// Each `(file, path)` where `file` is a file of the output that the other file
    /// `path` needs as one of its folders: by `path` in order, nearest folder first.
    pub fn files_as_folders(&self) -> Vec<(&str, &str)> {
        let paths: Vec<&str> = self.files.keys().map(String::as_str).collect();
        files_as_folders(&paths)
    }
}

/// Each `(file, path)` where `file` is one of `paths` that another, `path`, needs as
/// one of its folders: in the order of `paths`, nearest folder first.
pub(crate) fn files_as_folders<'p>(paths: &[&'p str]) -> Vec<(&'p str, &'p str)> {
    let all: HashSet<&str, FastHash> = paths.iter().copied().collect();
    // Each file's folders looked up on both cores.
    paths
        .par_iter()
        .flat_map_iter(|path| {
            path.rmatch_indices('/')
                .map(|(at, _)| &path[..at])
                .filter(|folder| !folder.is_empty() && all.contains(folder))
                .map(move |folder| (folder, *path))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A new output folder being filled beside the one it will replace, all or nothing:
/// [`Staging::finish`] swaps it in; dropped unfinished, it is removed. Files go in
/// through [`Staging::put`] (a one-off build writes each page as soon as it is
/// rendered) or [`Staging::write`].
pub struct Staging {
    /// The output folder to replace.
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    tmp: tempfile::TempDir,
    /// The output folder as it was, when there was one: unchanged files are linked
    /// from it.
    previous: Option<PathBuf>,
    /// The files put as they were rendered (see [`Staging::streams`]).
    streamed: OnceLock<HashSet<String, FastHash>>,
    /// The first failure to put such a file, which [`Staging::finish`] reports.
    failed: Mutex<Option<Error>>,
}

impl Staging {
    /// Rejects an output path that cannot be a folder (no name, or an existing file).
    pub fn check(dir: &Path) -> Result<()> {
        Staging::name(dir)?;
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} exists and is not a directory",
                dir.display()
            )));
        }
        Ok(())
    }

    fn name(dir: &Path) -> Result<&str> {
        dir.file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::Usage(format!("{} cannot be an output directory", dir.display())))
    }

    fn parent(dir: &Path) -> PathBuf {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Whether `dir` can be staged without making a folder: its parent exists (so a
    /// build that fails leaves nothing behind).
    pub fn parent_exists(dir: &Path) -> bool {
        Staging::parent(dir).is_dir()
    }

    /// An empty staging folder beside `dir` (whose parent is made if need be), once
    /// the leftovers of a killed build are removed. See [`Staging::check`].
    pub fn open(dir: &Path) -> Result<Staging> {
        Staging::check(dir)?;
        let name = Staging::name(dir)?.to_string();
        let parent = Staging::parent(dir);
        fs::create_dir_all(&parent).map_err(Error::write(&parent))?;
        remove_leftovers(&parent, &name)?;
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.diptych-tmp-{}-", std::process::id()))
            .tempdir_in(&parent)
            .map_err(Error::write(&parent))?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            previous: dir.is_dir().then(|| dir.to_path_buf()),
            parent,
            name,
            tmp,
            streamed: OnceLock::new(),
            failed: Mutex::default(),
        })
    }

    /// Notes that the files `paths` are put one by one as they are rendered: their
    /// entries in the output hold no bytes, and [`Staging::write`] passes them by.
    /// Their folders are made. Only once per staging folder.
    pub(crate) fn streams(&self, paths: HashSet<String, FastHash>) -> Result<()> {
        self.make_folders(paths.iter().map(String::as_str))?;
        let _ = self.streamed.set(paths);
        Ok(())
    }

    /// [`Staging::put`] for a file put as it was rendered; a failure is kept for
    /// [`Staging::finish`] to report, and no file is put after it.
    pub fn put_streamed(&self, path: &str, bytes: &[u8]) {
        let failed = || self.failed.lock().unwrap();
        if failed().is_none()
            && let Err(e) = self.put(path, bytes)
        {
            failed().get_or_insert(e);
        }
    }

    /// Keeps `failure` for [`Staging::finish`] to report (the first one counts).
    pub fn fail(&self, failure: Error) {
        self.failed.lock().unwrap().get_or_insert(failure);
    }

    /// The files put as they were rendered (see [`Staging::streams`]).
    pub(crate) fn streamed(&self) -> Option<&HashSet<String, FastHash>> {
        self.streamed.get()
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Makes the folders that the files `paths` (output paths) are in, on both cores.
    pub fn make_folders<'p>(&self, paths: impl Iterator<Item = &'p str>) -> Result<()> {
        // Folders by their path as written (sorted once, not compared as `Path`s).
        let mut dirs: Vec<&str> = paths
            .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        dirs.par_sort_unstable();
        dirs.dedup();
        // create_dir_all tolerates a parent made meanwhile by another thread.
        dirs.par_iter().try_for_each(|d| {
            let dir = self.path().join(d);
            fs::create_dir_all(&dir).map_err(Error::write(&dir))
        })
    }

    /// Puts one file at `path` (its folder made already): a hard link to the previous
    /// output's file at that path when that holds the same bytes, so it keeps its
    /// modification time (deploys that compare times upload only what changed) and
    /// costs no write; else the bytes written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let target = self.path().join(path);
        if let Some(old) = self.previous.as_ref().map(|p| p.join(path))
            && same_bytes(&old, bytes)
            && fs::hard_link(&old, &target).is_ok()
        {
            return Ok(());
        }
        fs::write(&target, bytes).map_err(Error::write(&target))
    }

    /// Puts every file of `output` but those put as they were rendered. Files are
    /// handed out one at a time (a search index is a thousand pages' worth of bytes),
    /// and each one's bytes freed once it is on disk.
    pub fn write(&self, output: Output) -> Result<()> {
        let there = |p: &str| self.streamed().is_some_and(|s| s.contains(p));
        let files: Vec<_> = output
            .files
            .into_iter()
            .filter(|(p, _)| !there(p))
            .collect();
        self.make_folders(files.iter().map(|(p, _)| p.as_str()))?;
        files
            .into_par_iter()
            .with_max_len(1)
            .try_for_each(|(path, bytes)| self.put(&path, &bytes))
    }

    /// Swaps the staging folder in for the output folder, unless putting a file failed
    /// (see [`Staging::put_streamed`]).
    pub fn finish(self) -> Result<()> {
        let Staging {
            dir,
            parent,
            name,
            tmp,
            failed,
            ..
        } = self;
        if let Some(failure) = failed.into_inner().unwrap() {
            return Err(failure);
        }
        let staged = tmp.keep();
        if dir.exists() {
            let old = parent.join(format!(".{name}.diptych-old-{}", std::process::id()));
            fs::rename(&dir, &old).map_err(Error::write(&dir))?;
            if let Err(e) = fs::rename(&staged, &dir) {
                // Put the previous output back before reporting.
                let _ = fs::rename(&old, &dir);
                let _ = fs::remove_dir_all(&staged);
                return Err(Error::Write {
                    path: dir,
                    source: e,
                });
            }
            fs::remove_dir_all(&old).map_err(Error::write(&old))?;
        } else {
            fs::rename(&staged, &dir).map_err(Error::write(&dir))?;
        }
        Ok(())
    }
}

/// Whether `path` is a regular file holding exactly `bytes` (size first, then content).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Removes `.NAME.diptych-tmp-*` and `.NAME.diptych-old-*` left by a killed build: not
/// those whose name says a running process made them (`.NAME.diptych-tmp-PID-…`,
/// `.NAME.diptych-old-PID`), which may be another build into the same folder, still
/// rendering.
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let prefixes = [
        format!(".{name}.diptych-tmp-"),
        format!(".{name}.diptych-old-"),
    ];
    let entries = fs::read_dir(parent).map_err(Error::read(parent))?;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let Some(rest) = prefixes.iter().find_map(|p| n.strip_prefix(p.as_str())) else {
            continue;
        };
        let maker = rest.split('-').next().and_then(|pid| pid.parse().ok());
        if is_dir && !maker.is_some_and(running) {
            fs::remove_dir_all(entry.path()).map_err(Error::write(entry.path()))?;
        }
    }
    Ok(())
}

/// Whether the process `pid` is running (Unix; elsewhere none is known to be).
fn running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        use rustix::process::{Pid, test_kill_process};
        let pid = i32::try_from(pid).ok().and_then(Pid::from_raw);
        pid.is_some_and(|p| test_kill_process(p) != Err(rustix::io::Errno::SRCH))
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_previous_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        Output::of(&[("a/index.html", "one"), ("old.txt", "x")])
            .write(&out)
            .unwrap();
        Output::of(&[("a/index.html", "two")]).write(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.txt").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn lets_go_of_each_file_once_written() {
        let tmp = tempfile::tempdir().unwrap();
        let output = Output::of(&[("a/index.html", "page"), ("search-index.json", "[]")]);
        let held: Vec<_> = output.files.values().cloned().collect();
        assert!(held.iter().all(|b| !b.is_unique()));
        output.write(&tmp.path().join("public")).unwrap();
        assert!(held.iter().all(|b| b.is_unique()));
        let page = fs::read_to_string(tmp.path().join("public/a/index.html")).unwrap();
        assert_eq!(page, "page");
    }

    fn age(path: &Path) -> std::time::SystemTime {
        let past =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let f = fs::File::options().write(true).open(path).unwrap();
        f.set_modified(past).unwrap();
        past
    }

    fn mtime(path: &Path) -> std::time::SystemTime {
        fs::metadata(path).unwrap().modified().unwrap()
    }

    #[test]
    fn keeps_the_modification_time_of_unchanged_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        Output::of(&[
            ("a/index.html", "same"),
            ("b.txt", "old"),
            ("c.txt", "four"),
        ])
        .write(&out)
        .unwrap();
        let past = age(&out.join("a/index.html"));
        age(&out.join("b.txt"));
        age(&out.join("c.txt"));
        Output::of(&[
            ("a/index.html", "same"),
            ("b.txt", "new"),
            ("c.txt", "4444"),
        ])
        .write(&out)
        .unwrap();
        assert_eq!(mtime(&out.join("a/index.html")), past);
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
        // Same size, other bytes: written anew.
        assert_ne!(mtime(&out.join("b.txt")), past);
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "new");
        assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "4444");
    }

    #[test]
    fn rewrites_a_file_edited_in_the_output_since() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        Output::of(&[("index.html", "built")]).write(&out).unwrap();
        fs::write(out.join("index.html"), "edited by hand").unwrap();
        let past = age(&out.join("index.html"));
        Output::of(&[("index.html", "built")]).write(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "built");
        assert_ne!(mtime(&out.join("index.html")), past);
    }

    #[test]
    fn a_failed_build_keeps_the_previous_output_and_its_times() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        Output::of(&[("nl/atom.xml", "feed")]).write(&out).unwrap();
        let past = age(&out.join("nl/atom.xml"));
        let clash = Output::of(&[("nl/atom.xml", "feed"), ("nl/atom.xml/index.html", "page")]);
        assert!(clash.write(&out).is_err());
        assert_eq!(mtime(&out.join("nl/atom.xml")), past);
        assert_eq!(fs::read_to_string(out.join("nl/atom.xml")).unwrap(), "feed");
    }

    #[cfg(unix)]
    #[test]
    fn leaves_the_staging_folder_of_a_running_build_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let ours = format!(".public.diptych-tmp-{}-abc", std::process::id());
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        let gone = format!(".public.diptych-tmp-{}-abc", ended.id());
        ended.wait().unwrap();
        for name in [&ours, &gone] {
            fs::create_dir(tmp.path().join(name)).unwrap();
        }
        Output::of(&[("index.html", "x")])
            .write(&tmp.path().join("public"))
            .unwrap();
        assert!(tmp.path().join(&ours).is_dir(), "a running build's folder");
        assert!(
            !tmp.path().join(&gone).exists(),
            "an ended process's folder"
        );
    }

    #[test]
    fn cleans_up_only_its_own_leftovers() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join(".public.diptych-tmp-abc")).unwrap();
        fs::create_dir(tmp.path().join(".other.diptych-tmp-abc")).unwrap();
        fs::create_dir(tmp.path().join("keep")).unwrap();
        Output::of(&[("index.html", "x")])
            .write(&tmp.path().join("public"))
            .unwrap();
        assert!(!tmp.path().join(".public.diptych-tmp-abc").exists());
        assert!(tmp.path().join(".other.diptych-tmp-abc").exists());
        assert!(tmp.path().join("keep").exists());
    }

    #[test]
    fn refuses_a_path_that_is_file_and_folder_before_writing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let o = Output::of(&[("nl/atom.xml", "feed"), ("nl/atom.xml/index.html", "page")]);
        let Err(Error::Content(d)) = o.write(&out) else {
            panic!("expected a content error");
        };
        assert!(
            d[0].message.starts_with("nl/atom.xml is a file"),
            "{}",
            d[0].message
        );
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn refuses_a_file_as_output() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("public");
        fs::write(&f, "x").unwrap();
        assert!(matches!(Output::of(&[]).write(&f), Err(Error::Usage(_))));
    }

    #[test]
    fn files_put_as_rendered_are_passed_by_and_the_rest_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::open(&out).unwrap();
        let rendered: HashSet<String, FastHash> =
            ["nl/index.html".to_string()].into_iter().collect();
        staging.streams(rendered).unwrap();
        staging.put_streamed("nl/index.html", b"page");
        // The output stands in for the page with no bytes.
        let rest = Output::of(&[("nl/index.html", ""), ("nl/atom.xml", "feed")]);
        staging.write(rest).unwrap();
        staging.finish().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("nl/index.html")).unwrap(),
            "page"
        );
        assert_eq!(fs::read_to_string(out.join("nl/atom.xml")).unwrap(), "feed");
    }

    #[test]
    fn a_failed_put_fails_the_finish_and_keeps_the_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        Output::of(&[("index.html", "old")]).write(&out).unwrap();
        let staging = Staging::open(&out).unwrap();
        // No folder was made for it.
        staging.put_streamed("nl/index.html", b"page");
        staging.put_streamed("index.html", b"new");
        let Err(Error::Write { path, .. }) = staging.finish() else {
            panic!("expected a write error");
        };
        assert!(path.ends_with("nl/index.html"), "{}", path.display());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }
}
