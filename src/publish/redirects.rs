//! Redirect pages for `aliases`: old URLs that send visitors to the page.
//!
//! Takes [`Site::aliases`] (alias URL → page); produces at each alias a small HTML page
//! with a meta refresh, a canonical link and a plain link to the target, in the
//! target's language (`<html lang>`), marked `noindex`. Rejects nothing (alias URLs
//! were checked when the site was assembled).

use std::collections::BTreeMap;

use crate::config::Config;
use crate::site::Site;

use super::absolute;

/// Every redirect page by output path.
pub fn render(site: &Site, config: &Config) -> BTreeMap<String, Vec<u8>> {
    site.aliases
        .iter()
        .map(|(alias, &i)| {
            let page = &site.pages[i];
            let target = absolute(config, &page.url);
            (
                alias.output_file(),
                page_html(page.doc.lang.as_str(), &page.doc.front.title, &target).into_bytes(),
            )
        })
        .collect()
}

fn page_html(lang: &str, title: &str, target: &str) -> String {
    let title = html_escape(title);
    let target = html_escape(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p><a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n"
    )
}

/// Escapes text for HTML content and quoted attributes.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
