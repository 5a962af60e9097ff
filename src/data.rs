//! Data files (`data/*.yaml`) for templates.
//!
//! Takes the data files from [`Sources`]; produces one JSON object keyed by file stem
//! (`key-figures.yaml` → `key_figures`). Rejects YAML that does not parse, located.

use crate::diagnostic::Diagnostic;
use crate::sources::Sources;
use crate::yaml;

/// Parses every data file; all broken files are reported together.
pub fn load(sources: &Sources) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let mut map = serde_json::Map::new();
    let mut problems = Vec::new();
    for file in &sources.data {
        match yaml::from_str::<serde_json::Value>(&file.text) {
            Ok(v) => {
                map.insert(file.name.clone(), v);
            }
            Err(e) => problems.push(e.diagnostic("data", &file.path, &file.text, 0)),
        }
    }
    if problems.is_empty() {
        Ok(serde_json::Value::Object(map))
    } else {
        Err(problems)
    }
}
