//! What the dev server answers with besides the built files: request paths decoded and
//! mapped to output files, content types, the live-reload script, and the page that
//! shows a failed build's problems.

use std::path::Path;

use super::EVENTS;
use crate::diagnostic::Diagnostic;

/// The decoded request path, or `None` for traversal attempts and malformed encoding.
pub fn request_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    let bad = !path.starts_with('/')
        || path.contains(['\\', '\0'])
        || path.split('/').any(|s| s == ".." || s == ".");
    (!bad).then_some(path)
}

/// `/nl/x/` → `nl/x/index.html`; `/css/a.css` → `css/a.css`.
pub(super) fn output_key(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

pub(super) fn content_type(path: &str) -> &'static str {
    match Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Reloads the page when the build version changes; the event stream's request names
/// the page, so that the server knows which pages are open.
fn reload_script(version: u64) -> String {
    format!(
        "<script>(()=>{{const v=\"{version}\";new EventSource(\"{EVENTS}?page=\"+encodeURIComponent(location.pathname)).onmessage=e=>{{if(e.data!==v)location.reload()}}}})()</script>"
    )
}

/// The output file of the page an event stream's query (`page=%2Fnl%2Fx%2F`) names: the
/// value is the page's `location.pathname` (itself percent-encoded) encoded again.
pub(super) fn viewed_key(query: Option<&str>) -> Option<String> {
    let value = query?.split('&').find_map(|p| p.strip_prefix("page="))?;
    let pathname = request_path(value)?;
    request_path(&pathname).map(|path| output_key(&path))
}

/// The page with the live-reload script before `</body>` (or at the end).
pub(super) fn with_reload(page: &[u8], version: u64) -> Vec<u8> {
    let script = reload_script(version);
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{script}").into_bytes(),
    }
}

/// Every problem of the failed build, readable, with the live-reload script.
pub(super) fn overlay(problems: &[Diagnostic], version: u64) -> Vec<u8> {
    let items: String = problems
        .iter()
        .map(|d| {
            format!(
                "<li><pre>{}</pre></li>",
                crate::publish::redirects::html_escape(&d.to_string())
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title><style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fff;color:#111}}main{{max-width:70rem;margin:2rem auto;padding:0 1rem}}h1{{color:#a00}}pre{{white-space:pre-wrap;background:#fdf2f2;border-left:4px solid #a00;padding:.75rem;overflow-x:auto}}ul{{list-style:none;padding:0}}</style></head><body><main><h1>The last build failed</h1><p>{} problem(s). Fix them and save: this page reloads by itself.</p><ul>{items}</ul></main>{}</body></html>",
        problems.len(),
        reload_script(version)
    )
    .into_bytes()
}
