//! Summary: every change with its risk and lock; a key reveals why and what to do instead.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Screen, Transition, badge, paragraph};
use crate::pipeline::Severity;
use crate::tui::keys::{Action, KeyHint};
use crate::tui::session::Session;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RiskFilter {
    #[default]
    All,
    /// Medium and high.
    Risky,
    High,
}

#[derive(Debug, Default)]
pub struct Summary {
    /// Rows: rename questions, then fill questions, then changes (filtered).
    selected: usize,
    expanded: bool,
    pub filter: RiskFilter,
    /// The value being typed for the fill question at this index.
    fill_draft: Option<(usize, String)>,
    /// A fill value entered, for the app to plan with.
    entered: Option<Effect>,
}

const SUMMARY_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Down, "↓", "next", Action::Down),
    KeyHint::new(KeyCode::Up, "↑", "prev", Action::Up),
    KeyHint::alias(KeyCode::Char('j'), "j", "next", Action::Down),
    KeyHint::alias(KeyCode::Char('k'), "k", "previous", Action::Up),
    KeyHint::new(KeyCode::Char(' '), "space", "why?", Action::Toggle),
    KeyHint::new(KeyCode::Char('f'), "f", "filter", Action::Filter),
    KeyHint::alias(
        KeyCode::Char('y'),
        "y",
        "rename: yes (keeps the data)",
        Action::Yes,
    ),
    KeyHint::alias(
        KeyCode::Char('n'),
        "n",
        "rename: no (drop and add)",
        Action::No,
    ),
    KeyHint::alias(
        KeyCode::Char('s'),
        "s",
        "rename: yes, saved in migen.toml",
        Action::Save,
    ),
    KeyHint::alias(
        KeyCode::Char('e'),
        "e",
        "fill: type the value for existing rows (SQL)",
        Action::Edit,
    ),
    KeyHint::new(KeyCode::Enter, "enter", "options", Action::Next),
    KeyHint::alias(KeyCode::Left, "←", "back", Action::Back),
];

impl Summary {
    /// The changes shown under the filter, by index.
    fn visible(&self, session: &Session) -> Vec<usize> {
        let count = session.plan.as_ref().map_or(0, |p| p.changes.len());
        (0..count)
            .filter(|i| match self.filter {
                RiskFilter::All => true,
                RiskFilter::Risky => session.risk(*i) >= Some(Severity::Warning),
                RiskFilter::High => session.risk(*i) == Some(Severity::Error),
            })
            .collect()
    }

    fn rows(&self, session: &Session) -> usize {
        session.questions().len() + session.fill_questions().len() + self.visible(session).len()
    }
}

impl Screen for Summary {
    fn title(&self) -> &'static str {
        "Summary"
    }

    fn keys(&self) -> &'static [KeyHint] {
        SUMMARY_KEYS
    }

    fn editing(&self) -> bool {
        self.fill_draft.is_some()
    }

    fn type_char(&mut self, c: char) {
        let Some((question, draft)) = self.fill_draft.as_mut() else {
            return;
        };
        match c {
            '\u{8}' => {
                draft.pop();
            }
            '\n' => {
                let (question, value) = (*question, std::mem::take(draft));
                self.fill_draft = None;
                if !value.trim().is_empty() {
                    self.entered = Some(Effect::Fill { question, value });
                }
            }
            c => draft.push(c),
        }
    }

    fn take_effect(&mut self) -> Option<Effect> {
        self.entered.take()
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let rows = self.rows(session).max(1);
        let renames = session.questions().len();
        let questions = renames + session.fill_questions().len();
        match action {
            Action::Down => self.selected = (self.selected + 1) % rows,
            Action::Up => self.selected = (self.selected + rows - 1) % rows,
            Action::Toggle => self.expanded = !self.expanded,
            Action::Filter => {
                self.filter = match self.filter {
                    RiskFilter::All => RiskFilter::Risky,
                    RiskFilter::Risky => RiskFilter::High,
                    RiskFilter::High => RiskFilter::All,
                };
                self.selected = 0;
            }
            Action::Edit if self.selected >= renames && self.selected < questions => {
                self.fill_draft = Some((self.selected - renames, String::new()));
            }
            Action::Yes | Action::No | Action::Save if self.selected < renames => {
                let question = self.selected;
                self.selected = 0;
                return Transition::Run(match action {
                    Action::Save => Effect::SaveAnswer { question },
                    _ => Effect::Answer {
                        question,
                        rename: action == Action::Yes,
                    },
                });
            }
            // A plan with open questions cannot be written: they come first.
            Action::Next if questions == 0 => return Transition::Forward,
            Action::Back => return Transition::Back,
            _ => {}
        }
        Transition::Stay
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let Some(plan) = &session.plan else {
            return;
        };
        let mut lines: Vec<Line<'static>> = Vec::new();
        let filter = match self.filter {
            RiskFilter::All => "all changes",
            RiskFilter::Risky => "medium and high risk",
            RiskFilter::High => "high risk",
        };
        lines.push(Line::styled(
            format!("{} changes · showing {filter} (f)", plan.changes.len()),
            theme.muted(),
        ));
        let mut row = 0;
        let mut selected_line = 0;
        for question in session.questions() {
            let here = row == self.selected;
            if here {
                selected_line = lines.len();
            }
            let style = if here {
                theme.selected()
            } else {
                theme.warning()
            };
            lines.push(Line::styled(
                format!(
                    "{} ? {} (likeness {:.0}%)",
                    if here { '›' } else { ' ' },
                    question.question(),
                    question.score * 100.0
                ),
                style,
            ));
            if here {
                lines.push(Line::styled(
                    "    y: rename (keeps the data) · n: drop and add (loses it) · s: yes, and remember in migen.toml",
                    theme.muted(),
                ));
            }
            row += 1;
        }
        for (index, question) in session.fill_questions().iter().enumerate() {
            let here = row == self.selected;
            if here {
                selected_line = lines.len();
            }
            lines.push(Line::styled(
                format!("{} ? {}", if here { '›' } else { ' ' }, question.question()),
                if here {
                    theme.selected()
                } else {
                    theme.warning()
                },
            ));
            match &self.fill_draft {
                Some((typing, draft)) if *typing == index => lines.push(Line::styled(
                    format!("    value: {draft}▏  (enter: plan with it)"),
                    theme.text(),
                )),
                _ if here => lines.push(Line::styled(
                    format!(
                        "    e: type the value (SQL of the dialect: a constant or an expression over the row) · or {}",
                        question.flag()
                    ),
                    theme.muted(),
                )),
                _ => {}
            }
            row += 1;
        }
        for index in self.visible(session) {
            let here = row == self.selected;
            row += 1;
            if here {
                selected_line = lines.len();
            }
            let change = &plan.changes[index];
            let risk = session.risk(index);
            let findings: Vec<_> = session
                .findings
                .iter()
                .filter(|f| f.change == index)
                .collect();
            let lock = findings
                .iter()
                .find_map(|f| f.lock.clone())
                .unwrap_or_else(|| "brief".to_string());
            lines.push(Line::from(vec![
                Span::styled(if here { "› " } else { "  " }, theme.text()),
                Span::styled(
                    badge(risk),
                    theme
                        .severity(risk)
                        .add_modifier(ratatui::style::Modifier::REVERSED),
                ),
                Span::styled(
                    format!(" {}", change.describe()),
                    if here { theme.selected() } else { theme.text() },
                ),
                Span::styled(format!("  lock: {lock}"), theme.muted()),
            ]));
            if here && self.expanded {
                if findings.is_empty() {
                    lines.push(Line::styled(
                        "    No rule flags this change: it takes a brief lock and breaks no running code.",
                        theme.ok(),
                    ));
                }
                for finding in findings {
                    let meta = finding.rule.meta();
                    lines.push(Line::styled(
                        format!(
                            "    {} [{}] {}",
                            finding.severity, finding.rule, finding.message
                        ),
                        theme.severity(Some(finding.severity)),
                    ));
                    lines.push(Line::styled(
                        format!("      why: {}", meta.why),
                        theme.text(),
                    ));
                    lines.push(Line::styled(
                        format!("      instead: {}", meta.instead),
                        theme.text(),
                    ));
                    if let Some(pattern) = finding.safe_pattern {
                        lines.push(Line::styled(
                            format!(
                                "      safe pattern: {} (the zero-downtime strategy applies it; migen explain {})",
                                pattern.as_str(),
                                finding.rule
                            ),
                            theme.muted(),
                        ));
                    }
                }
            }
        }
        // Keep the selection in view.
        let height = area.height as usize;
        let scroll = selected_line.saturating_sub(height.saturating_sub(4));
        paragraph(lines, area, buf, scroll as u16);
    }
}
