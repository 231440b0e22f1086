//! Preview: each file in a tab, highlighted, scrolling, with line numbers.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{Screen, Transition, paragraph};
use crate::tui::keys::{Action, KeyHint};
use crate::tui::session::Session;
use crate::tui::theme::Theme;

#[derive(Debug, Default)]
pub struct Preview {
    tab: usize,
    scroll: usize,
}

const PREVIEW_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Tab, "tab", "next file", Action::Right),
    KeyHint::alias(KeyCode::Right, "→", "next file", Action::Right),
    KeyHint::alias(KeyCode::Left, "←", "previous file", Action::Left),
    KeyHint::alias(KeyCode::BackTab, "shift-tab", "previous file", Action::Left),
    KeyHint::new(KeyCode::Down, "↓↑", "scroll", Action::Down),
    KeyHint::alias(KeyCode::Up, "↑", "scroll up", Action::Up),
    KeyHint::alias(KeyCode::Char('j'), "j", "scroll down", Action::Down),
    KeyHint::alias(KeyCode::Char('k'), "k", "scroll up", Action::Up),
    KeyHint::alias(KeyCode::PageDown, "pgdn", "page down", Action::PageDown),
    KeyHint::alias(KeyCode::PageUp, "pgup", "page up", Action::PageUp),
    KeyHint::new(KeyCode::Char('w'), "w", "write", Action::Next),
    KeyHint::alias(KeyCode::Enter, "enter", "write", Action::Next),
];

impl Preview {
    pub fn scroll_by(&mut self, lines: isize) {
        self.scroll = self.scroll.saturating_add_signed(lines);
    }
}

impl Screen for Preview {
    fn title(&self) -> &'static str {
        "Preview"
    }

    fn keys(&self) -> &'static [KeyHint] {
        PREVIEW_KEYS
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let tabs = session.artifacts.len().max(1);
        match action {
            Action::Right => {
                self.tab = (self.tab + 1) % tabs;
                self.scroll = 0;
            }
            Action::Left => {
                self.tab = (self.tab + tabs - 1) % tabs;
                self.scroll = 0;
            }
            Action::Down => self.scroll_by(1),
            Action::Up => self.scroll_by(-1),
            Action::PageDown => self.scroll_by(10),
            Action::PageUp => self.scroll_by(-10),
            Action::Next => return Transition::Forward,
            Action::Back => return Transition::Back,
            _ => {}
        }
        Transition::Stay
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let Some(artifact) = session
            .artifacts
            .get(self.tab.min(session.artifacts.len().saturating_sub(1)))
        else {
            paragraph(
                vec![Line::styled("No files to show.", theme.muted())],
                area,
                buf,
                0,
            );
            return;
        };
        // The tab bar: file names, the current one highlighted.
        let mut tabs: Vec<Span<'static>> = Vec::new();
        for (index, file) in session.artifacts.iter().enumerate() {
            let name = file
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let style = if index == self.tab {
                theme.key()
            } else {
                theme.muted()
            };
            tabs.push(Span::styled(format!(" {name} "), style));
        }
        let mut lines = vec![
            Line::from(tabs),
            Line::styled(
                format!(
                    "{} ({}/{})",
                    artifact.path.display(),
                    self.tab + 1,
                    session.artifacts.len()
                ),
                theme.accent(),
            ),
        ];
        let extension = artifact
            .path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = theme.highlight(&artifact.contents, &extension);
        let height = area.height.saturating_sub(2) as usize;
        let last = body.len().saturating_sub(height);
        let scroll = self.scroll.min(last);
        for (number, line) in body.into_iter().enumerate().skip(scroll).take(height) {
            let mut spans = vec![Span::styled(format!("{:>4} ", number + 1), theme.muted())];
            spans.extend(line.spans);
            lines.push(Line::from(spans));
        }
        Paragraph::new(lines).render(area, buf);
    }
}
