//! schema.org JSON-LD for templates: `WebSite` (with `inLanguage`) and `Organization`
//! on home pages, `Event` on event pages.
//!
//! Takes a page of the [`Site`]; produces JSON text that is safe inside
//! `<script type="application/ld+json">`: `<`, `>`, `&`, U+2028 and U+2029 are written
//! as `\uXXXX` escapes, so content cannot close the script element. Keys are sorted
//! (serde_json's map), so the text is stable. Pages with nothing to say get `""`.

use serde_json::{Value, json};

use crate::config::Config;
use crate::site::{Kind, Page, Site};

use super::{absolute, site_title, time};

/// The JSON-LD for page `i` of the site, escaped for a script element; `""` if none.
pub fn for_page(site: &Site, config: &Config, i: usize) -> String {
    let page = &site.pages[i];
    let value = match (page.kind, &page.doc.front.event) {
        (Kind::Home, _) => Some(home(site, config, page)),
        (_, Some(_)) => event(config, page),
        _ => None,
    };
    value.map_or_else(String::new, |v| script_safe(&v.to_string()))
}

fn locale<'a>(config: &'a Config, page: &Page) -> &'a str {
    config
        .language(page.doc.lang.as_str())
        .map_or("", |l| l.locale.as_str())
}

fn organization_id(config: &Config) -> String {
    format!("{}/#organization", config.base_url)
}

fn home(site: &Site, config: &Config, page: &Page) -> Value {
    let name = site_title(site, config, None, &page.doc.lang);
    let url = absolute(config, &page.url);
    let search = absolute(config, &super::search::page_url(&page.doc.lang));
    let mut website = json!({
        "@type": "WebSite",
        "@id": format!("{url}#website"),
        "url": url,
        "name": name,
        "inLanguage": locale(config, page),
        "publisher": {"@id": organization_id(config)},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": format!("{search}?q={{search_term_string}}")},
            "query-input": "required name=search_term_string",
        },
    });
    if let Some(d) = &page.doc.front.description {
        website["description"] = json!(d);
    }
    let organization = json!({
        "@type": "Organization",
        "@id": organization_id(config),
        "name": name,
        "url": format!("{}/", config.base_url),
    });
    json!({"@context": "https://schema.org", "@graph": [website, organization]})
}

fn event(config: &Config, page: &Page) -> Option<Value> {
    let e = page.doc.front.event.as_ref()?;
    let when = |d: &crate::date::DateTime| {
        if d.time.is_none() {
            d.date_iso()
        } else {
            time::rfc3339(d)
        }
    };
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.doc.front.title,
        "startDate": when(&e.start),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": absolute(config, &page.url),
        "inLanguage": locale(config, page),
    });
    if let Some(end) = &e.end {
        v["endDate"] = json!(when(end));
    }
    if let Some(d) = &page.doc.front.description {
        v["description"] = json!(d);
    }
    if let Some(l) = &e.location {
        v["location"] = json!({"@type": "Place", "name": l, "address": l});
    }
    if let Some(u) = &e.url {
        v["sameAs"] = json!(u);
    }
    if let Some(img) = &page.doc.front.image {
        v["image"] = json!(img);
    }
    Some(v)
}

/// JSON made safe inside an HTML `<script>` element. The escaped characters only ever
/// occur inside JSON strings, where `\uXXXX` means the same thing.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_script_breakout_from_content() {
        let json = json!({"name": "</script><script>alert(1)</script> & \u{2028}"}).to_string();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert!(!safe.contains('\u{2028}'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back["name"],
            "</script><script>alert(1)</script> & \u{2028}"
        );
    }
}
