//! Writing a one-off build's pages as they are rendered.
//!
//! Takes a [`Staging`] folder, the paths the build makes besides its rendered files
//! (published and static files), the anchors content already reported and the static
//! files; as each file is rendered ([`Sink::take`]) it checks the file's links, notes
//! the static files it links by their plain name, writes it into the staging folder
//! and frees its bytes. So a build holds at most a few rendered pages at once, not
//! every page until the write. What the pages left for the end of the link check and
//! what they link come out with [`Stream::finish`]. Rejects nothing itself: paths
//! that are both a file and a folder keep the files in memory, so that the build's
//! publishing reports them as ever; a failed write is kept for [`Staging::finish`].

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use bytes::Bytes;

use crate::check::{LinkScan, PageScan};
use crate::output::Staging;
use crate::publish::Assets;
use crate::publish::search::FastHash;
use crate::render::Sink;

/// A one-off build's writer of rendered files (see the module).
pub(crate) struct Stream<'a> {
    staging: &'a Staging,
    /// The paths the build makes besides its rendered files.
    others: HashSet<String, FastHash>,
    reported: &'a BTreeSet<String>,
    assets: &'a Assets,
    /// What each page's link scan left.
    left: Mutex<Vec<(String, PageScan)>>,
    /// The static files the pages link by their plain name.
    linked: Mutex<BTreeSet<&'a str>>,
}

/// What a stream leaves for the rest of the build.
pub(crate) struct Streamed<'a> {
    /// The link scan of the written files, to finish once every file is there.
    pub links: LinkScan<'a>,
    /// The static files the written pages link by their plain name.
    pub linked: Vec<&'a str>,
}

impl<'a> Stream<'a> {
    /// A stream into `staging`, for a build that also makes `others` (paths) and
    /// publishes `assets`, whose content already reported the anchors `reported`.
    pub(crate) fn new<'o>(
        staging: &'a Staging,
        others: impl Iterator<Item = &'o str>,
        reported: &'a BTreeSet<String>,
        assets: &'a Assets,
    ) -> Stream<'a> {
        Stream {
            staging,
            others: others
                .map(str::to_string)
                .chain(assets.surely_published().map(str::to_string))
                .collect(),
            reported,
            assets,
            left: Mutex::default(),
            linked: Mutex::default(),
        }
    }

    /// Whether `path` is to be built.
    fn known(&self, path: &str) -> bool {
        self.others.contains(path) || self.staging.streamed().is_some_and(|r| r.contains(path))
    }

    /// What the written pages left for the rest of the build.
    pub(crate) fn finish(&self) -> Streamed<'_> {
        let left = std::mem::take(&mut *self.left.lock().unwrap());
        let links = match self.staging.streamed() {
            Some(written) => LinkScan::written(left, written, self.staging.path()),
            None => LinkScan::default(),
        };
        let linked = self.linked.lock().unwrap();
        Streamed {
            links,
            linked: linked.iter().copied().collect(),
        }
    }
}

impl Sink for Stream<'_> {
    fn begin(&self, paths: Vec<String>) -> bool {
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        if !crate::output::files_as_folders(&refs).is_empty() {
            return false;
        }
        match self.staging.streams(paths.into_iter().collect()) {
            Ok(()) => true,
            Err(failure) => {
                self.staging.fail(failure);
                false
            }
        }
    }

    fn take(&self, path: &str, bytes: Bytes) -> Bytes {
        if let Some(scan) = LinkScan::page(path, &bytes, |t| self.known(t), self.reported) {
            self.left.lock().unwrap().push((path.to_string(), scan));
        }
        if path.ends_with(".html") {
            let linked = self.assets.linked_by(&bytes);
            if !linked.is_empty() {
                self.linked.lock().unwrap().extend(linked);
            }
        }
        self.staging.put_streamed(path, &bytes);
        Bytes::new()
    }
}
