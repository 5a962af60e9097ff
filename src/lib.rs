//! diptych: a bilingual static site generator.
pub mod diagnostic;
pub(crate) mod yaml;
pub mod error;
pub mod lang;
pub(crate) mod suggest;
pub mod config;
pub mod url;
pub mod format;
pub(crate) mod fluent_functions;
pub mod locales;
pub(crate) mod message_info;
pub mod template_fns;
