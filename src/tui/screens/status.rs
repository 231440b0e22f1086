//! Status: what was found, in a few lines; instant.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Screen, Transition, paragraph};
use crate::tui::keys::{Action, KeyHint};
use crate::tui::session::Session;
use crate::tui::theme::Theme;

#[derive(Debug, Default)]
pub struct Status;

const STATUS_KEYS: &[KeyHint] = &[KeyHint::new(
    KeyCode::Enter,
    "enter",
    "changes",
    Action::Next,
)];

impl Screen for Status {
    fn title(&self) -> &'static str {
        "Status"
    }

    fn keys(&self) -> &'static [KeyHint] {
        STATUS_KEYS
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        match action {
            Action::Next if session.plan.is_some() => Transition::Forward,
            _ => Transition::Stay,
        }
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let mut lines = Vec::new();
        for fact in &session.facts {
            lines.push(Line::from(vec![
                Span::styled(format!("{:<14}", fact.label), theme.muted()),
                Span::styled(fact.value.clone(), theme.text()),
            ]));
        }
        lines.push(Line::default());
        if let Some(problem) = &session.problem {
            for text in problem.lines() {
                lines.push(Line::styled(text.to_string(), theme.danger()));
            }
            paragraph(lines, area, buf, 0);
            return;
        }
        let counts = session.risk_counts();
        let total = counts.high + counts.medium + counts.low + counts.safe;
        if total == 0 {
            lines.push(Line::styled(
                "No changes: the schema is what it was. Edit it, then run migen tui again.",
                theme.ok(),
            ));
        } else {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "{total} change{} pending: ",
                        if total == 1 { "" } else { "s" }
                    ),
                    theme.accent(),
                ),
                Span::styled(format!("{} high", counts.high), theme.danger()),
                Span::styled(", ", theme.text()),
                Span::styled(format!("{} medium", counts.medium), theme.warning()),
                Span::styled(", ", theme.text()),
                Span::styled(format!("{} low", counts.low), theme.text()),
                Span::styled(", ", theme.text()),
                Span::styled(format!("{} safe", counts.safe), theme.ok()),
            ]));
            let questions = session.questions().len();
            if questions > 0 {
                lines.push(Line::styled(
                    format!(
                        "{questions} likely rename{} to answer on the next screen",
                        if questions == 1 { "" } else { "s" }
                    ),
                    theme.warning(),
                ));
            }
            lines.push(Line::styled(
                "enter: see every change, its risk and the safe way",
                theme.muted(),
            ));
        }
        paragraph(lines, area, buf, 0);
    }
}
