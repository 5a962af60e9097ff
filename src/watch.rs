//! Which file changes need a rebuild.
//!
//! Takes the paths a file-system event names (absolute, under the site root); produces
//! a [`Change`]: nothing (the output folder, editor swap files, hidden files, paths
//! outside the site's inputs), a rebuild, or a rebuild that also drops cached parses
//! (`site.yaml` changed); and which content files were written, created, removed or
//! renamed, when no folder came, went or moved there (the rebuild then need not list the
//! content folder again).
//! Pure: no file system access, so it is tested on its own.

use std::path::{Path, PathBuf};

use notify_debouncer_full::notify::Event;
use notify_debouncer_full::notify::event::{CreateKind, EventKind, ModifyKind, RemoveKind};

/// What a batch of changed paths asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing the site is built from changed.
    Nothing,
    /// Content, data, templates, Fluent files or static files changed.
    Rebuild,
    /// The configuration changed: parse everything again.
    Reconfigure,
}

/// The folders under the site root that hold its inputs.
pub const INPUT_DIRS: &[&str] = &[
    "content",
    "data",
    "locales",
    "themes",
    "static",
    "templates",
];

/// Classifies one changed path, relative to or under `root`.
pub fn classify(root: &Path, path: &Path) -> Change {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return Change::Nothing;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let editor_noise = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
        || name.starts_with(".#");
    if editor_noise
        || rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    {
        return Change::Nothing;
    }
    match first.as_ref() {
        "site.yaml" => Change::Reconfigure,
        "translations.lock" => Change::Rebuild,
        dir if INPUT_DIRS.contains(&dir) => Change::Rebuild,
        _ => Change::Nothing,
    }
}

/// The strongest change among many paths.
pub fn classify_all<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Change {
    paths
        .into_iter()
        .map(|p| classify(root, p))
        .max()
        .unwrap_or(Change::Nothing)
}

/// The content files (paths relative to `root`) that `events` wrote, created, removed or
/// renamed (an editor's save by renaming does all of these), when that is all they did
/// in the content folder: the load then looks at these paths on disk instead of listing
/// the folder again. `None` when a folder there may have come, gone or moved, or the
/// watcher lost track, so that the folder is listed again. Files the listing never reads
/// (hidden files, editor files, other extensions than `.md`) do not count.
pub fn content_edits(root: &Path, events: &[Event]) -> Option<Vec<PathBuf>> {
    let mut edited = Vec::new();
    for event in events {
        if event.need_rescan() {
            return None;
        }
        if event.kind.is_access() {
            continue;
        }
        for path in &event.paths {
            let rel = path.strip_prefix(root).unwrap_or(path);
            if !rel.starts_with("content") || classify(root, path) == Change::Nothing {
                continue;
            }
            let markdown = rel.extension().is_some_and(|e| e == "md");
            // A file that is not a page (a photo) was written, made or removed: the listing
            // does not hold it. A rename of one may be a folder's (`v1.2`).
            let not_a_page = !markdown && rel.extension().is_some();
            let file_only = matches!(
                event.kind,
                EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_) | ModifyKind::Any)
                    | EventKind::Create(CreateKind::File)
                    | EventKind::Remove(RemoveKind::File)
            );
            match event.kind {
                EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => {
                    return None;
                }
                EventKind::Modify(
                    ModifyKind::Data(_)
                    | ModifyKind::Metadata(_)
                    | ModifyKind::Name(_)
                    | ModifyKind::Any,
                )
                | EventKind::Create(_)
                | EventKind::Remove(_)
                    if markdown =>
                {
                    edited.push(rel.to_path_buf())
                }
                _ if not_a_page && file_only => continue,
                _ => return None,
            }
        }
    }
    edited.sort();
    edited.dedup();
    Some(edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: &str) -> Change {
        classify(Path::new("/site"), Path::new(p))
    }

    #[test]
    fn content_templates_locales_and_statics_rebuild() {
        assert_eq!(c("/site/content/sectors/energy.nl.md"), Change::Rebuild);
        assert_eq!(
            c("/site/themes/groningen/templates/page.html"),
            Change::Rebuild
        );
        assert_eq!(c("/site/locales/en/site.ftl"), Change::Rebuild);
        assert_eq!(c("/site/data/key-figures.yaml"), Change::Rebuild);
        assert_eq!(c("/site/static/logo.svg"), Change::Rebuild);
        assert_eq!(c("/site/templates/page.html"), Change::Rebuild);
        assert_eq!(c("/site/translations.lock"), Change::Rebuild);
    }

    #[test]
    fn site_yaml_reconfigures() {
        assert_eq!(c("/site/site.yaml"), Change::Reconfigure);
        assert_eq!(
            classify_all(
                Path::new("/site"),
                [
                    Path::new("/site/content/a.nl.md"),
                    Path::new("/site/site.yaml")
                ]
            ),
            Change::Reconfigure
        );
    }

    #[test]
    fn output_editor_files_and_strangers_are_ignored() {
        assert_eq!(c("/site/public/nl/index.html"), Change::Nothing);
        assert_eq!(c("/site/target/debug/diptych"), Change::Nothing);
        assert_eq!(c("/site/content/.energy.nl.md.swp"), Change::Nothing);
        assert_eq!(c("/site/content/energy.nl.md~"), Change::Nothing);
        assert_eq!(c("/site/content/4913"), Change::Nothing);
        assert_eq!(c("/site/.git/index"), Change::Nothing);
        assert_eq!(c("/site/content/.hidden/a.nl.md"), Change::Nothing);
        assert_eq!(c("/site/README.md"), Change::Nothing);
        assert_eq!(classify_all(Path::new("/site"), []), Change::Nothing);
    }

    #[test]
    fn names_the_pages_written_made_removed_or_renamed_and_gives_up_on_folders() {
        use notify_debouncer_full::notify::event::{
            AccessKind, CreateKind, DataChange, Flag, ModifyKind, RemoveKind, RenameMode,
        };
        let root = Path::new("/site");
        let event = |kind: EventKind, path: &str| Event::new(kind).add_path(PathBuf::from(path));
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let a = "/site/content/sectors/energy.nl.md";
        let b = "/site/content/sectors/agrifood.en.md";
        assert_eq!(
            content_edits(
                root,
                &[
                    event(written, a),
                    event(EventKind::Modify(ModifyKind::Any), b),
                    event(written, a),
                    event(EventKind::Access(AccessKind::Any), a),
                    event(written, "/site/themes/groningen/templates/page.html"),
                    event(
                        EventKind::Create(CreateKind::File),
                        "/site/content/.energy.nl.md.swp"
                    ),
                    event(EventKind::Create(CreateKind::File), "/site/content/4913"),
                    event(
                        EventKind::Create(CreateKind::File),
                        "/site/content/photo.jpg"
                    ),
                ]
            ),
            Some(vec![
                PathBuf::from("content/sectors/agrifood.en.md"),
                PathBuf::from("content/sectors/energy.nl.md"),
            ])
        );
        assert_eq!(content_edits(root, &[]), Some(Vec::new()));
        // A page made, removed or renamed (an editor's save by renaming): named too; the
        // load looks at the paths on disk.
        let new = "/site/content/new.nl.md";
        for (kind, path) in [
            (EventKind::Create(CreateKind::File), new),
            (EventKind::Remove(RemoveKind::File), a),
            (EventKind::Modify(ModifyKind::Name(RenameMode::From)), a),
            (EventKind::Create(CreateKind::Any), new),
        ] {
            let mut named = content_edits(root, &[event(written, b), event(kind, path)]).unwrap();
            named.retain(|p| !p.ends_with("agrifood.en.md"));
            let rel = Path::new(path).strip_prefix(root).unwrap();
            assert_eq!(named, vec![rel.to_path_buf()], "{kind:?}");
        }
        let renamed = Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(PathBuf::from(a))
            .add_path(PathBuf::from(new));
        assert_eq!(
            content_edits(root, &[renamed]),
            Some(vec![
                PathBuf::from("content/new.nl.md"),
                PathBuf::from("content/sectors/energy.nl.md"),
            ])
        );
        // A folder made, removed or renamed, an unknown change, a lost track: listed again.
        for gone in [
            event(EventKind::Create(CreateKind::Folder), "/site/content/sub"),
            event(
                EventKind::Remove(RemoveKind::Folder),
                "/site/content/sectors",
            ),
            event(EventKind::Create(CreateKind::Folder), "/site/content/v1.2"),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                "/site/content/v1.2",
            ),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Any)),
                "/site/content/sub",
            ),
            event(EventKind::Any, a),
            event(written, a).set_flag(Flag::Rescan),
        ] {
            assert_eq!(
                content_edits(root, &[event(written, b), gone.clone()]),
                None,
                "{gone:?}"
            );
        }
    }
}
