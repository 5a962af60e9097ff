//! Fluent loading: `locales::Locales::load` with the input as the `en` file beside a
//! fixed `nl` file, then every message formatted.
#![no_main]

use std::path::Path;

use diptych::config::Config;
use diptych::lang::Lang;
use diptych::locales::{ArgValue, FtlSource, Locales};
use libfuzzer_sys::fuzz_target;

const SITE: &str = "base_url: https://example.nl\ntheme: plain\nlanguages:\n  - {code: nl, name: Nederlands, default: true}\n  - {code: en, name: English, locale: en-GB}\n";
const NL: &str = "site-title = Kennisstad\npages = { $count ->\n    [one] één pagina\n   *[other] { $count } pagina's\n}\n";

fuzz_target!(|text: &str| {
    let Ok(config) = Config::parse(Path::new("."), SITE) else {
        return;
    };
    let (Some(nl), Some(en)) = (Lang::parse("nl"), Lang::parse("en")) else {
        return;
    };
    let files = [
        FtlSource {
            path: Path::new("locales/nl/main.ftl"),
            lang: nl,
            text: NL,
        },
        FtlSource {
            path: Path::new("locales/en/main.ftl"),
            lang: en.clone(),
            text,
        },
    ];
    let Ok((locales, _)) = Locales::load(&config, &files) else {
        return;
    };
    let args = [
        ("count".to_string(), ArgValue::Number(3.0)),
        ("name".to_string(), ArgValue::String("Groningen".into())),
        ("date".to_string(), ArgValue::String("2026-11-26".into())),
    ];
    let ids: Vec<String> = locales
        .messages(&en)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for id in ids {
        let _ = locales.format(&en, &id, &args);
    }
});
