//! The summary: the context rendered in the reader's language (`render`, over `templates/` in
//! `engine`'s minijinja environment, with the phrase `catalog` and DingTalk-markdown escaping in
//! `markdown`; a user's template bounded in a child process by `sandbox`), then the DingTalk
//! `message`s that carry it.

pub mod catalog;
pub mod engine;
pub mod events;
mod fork;
pub mod markdown;
pub mod message;
pub mod render;
pub mod sandbox;
