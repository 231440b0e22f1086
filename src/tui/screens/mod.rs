//! The five screens, one level of detail each. Screens never do I/O: they return a
//! `Transition`, and the app runs any `Effect` it names.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::keys::{Action, KeyHint};
use super::session::{Choices, Session};
use super::theme::Theme;
use crate::pipeline::Severity;

mod options;
mod preview;
mod status;
mod summary;
mod write;

pub use options::Options;
pub use preview::Preview;
pub use status::Status;
pub use summary::{RiskFilter, Summary};
pub use write::Write;

/// What a screen asks for next.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Stay,
    Forward,
    Back,
    Run(Effect),
}

/// Work only the app does: it owns the pipeline and the file system.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Answer the rename question at this index (yes: rename), then plan again.
    Answer { question: usize, rename: bool },
    /// Keep the answer to this question in migen.toml, and answer it yes.
    SaveAnswer { question: usize },
    /// Answer the fill question at this index with SQL, then plan again.
    Fill { question: usize, value: String },
    /// New choices: plan again if the strategy changed.
    Choose(Choices),
    /// Render the files and show them.
    Preview,
    /// Verify on a scratch database, then write.
    Write,
}

pub trait Screen {
    fn title(&self) -> &'static str;
    fn keys(&self) -> &'static [KeyHint];
    fn update(&mut self, action: Action, session: &Session) -> Transition;
    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer);
    /// Typed text goes to the screen (a name being edited), not to the key table.
    fn editing(&self) -> bool {
        false
    }
    fn type_char(&mut self, _c: char) {}
    /// What finished typing asks for (a fill value entered), taken once.
    fn take_effect(&mut self) -> Option<Effect> {
        None
    }
}

/// A change's risk as a fixed-width label.
fn badge(severity: Option<Severity>) -> &'static str {
    match severity {
        None => " SAFE ",
        Some(Severity::Info) => " LOW  ",
        Some(Severity::Warning) => " MED  ",
        Some(Severity::Error) => " HIGH ",
    }
}

/// Lines wrapped to the area, scrolled down by `scroll` lines.
fn paragraph(lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer, scroll: u16) {
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(area, buf);
}
