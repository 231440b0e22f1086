//! The five screens, one level of detail each. Screens never do I/O: they return a
//! `Transition`, and the app runs any `Effect` it names.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::keys::{Action, KeyHint};
use super::session::{Choices, Files, Session};
use super::theme::Theme;
use crate::plan::Strategy;
use crate::render::Target;
use crate::safety::Severity;

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
}

fn badge(severity: Option<Severity>) -> &'static str {
    match severity {
        None => " SAFE ",
        Some(Severity::Info) => " LOW  ",
        Some(Severity::Warning) => " MED  ",
        Some(Severity::Error) => " HIGH ",
    }
}

fn paragraph(lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer, scroll: u16) {
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(area, buf);
}

// ---------------------------------------------------------------------------------------------
// Status: what was found, in a few lines; instant.

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

// ---------------------------------------------------------------------------------------------
// Summary: every change with its risk and lock; a key reveals why and what to do instead.

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
    /// Rows: questions first, then changes (filtered).
    selected: usize,
    expanded: bool,
    pub filter: RiskFilter,
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
        session.questions().len() + self.visible(session).len()
    }
}

impl Screen for Summary {
    fn title(&self) -> &'static str {
        "Summary"
    }

    fn keys(&self) -> &'static [KeyHint] {
        SUMMARY_KEYS
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let rows = self.rows(session).max(1);
        let questions = session.questions().len();
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
            Action::Yes | Action::No | Action::Save if self.selected < questions => {
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

// ---------------------------------------------------------------------------------------------
// Options: target, strategy, extras and name; the same choices `migen generate` takes.

#[derive(Debug, Default)]
pub struct Options {
    field: usize,
    editing_name: bool,
    draft: Option<Choices>,
}

const OPTIONS_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Down, "↓", "field", Action::Down),
    KeyHint::alias(KeyCode::Up, "↑", "previous field", Action::Up),
    KeyHint::alias(KeyCode::Char('j'), "j", "next field", Action::Down),
    KeyHint::alias(KeyCode::Char('k'), "k", "previous field", Action::Up),
    KeyHint::new(KeyCode::Right, "←→", "change", Action::Right),
    KeyHint::alias(KeyCode::Left, "←", "change back", Action::Left),
    KeyHint::alias(KeyCode::Char('l'), "l", "change", Action::Right),
    KeyHint::alias(KeyCode::Char('h'), "h", "change back", Action::Left),
    KeyHint::new(KeyCode::Char('e'), "e", "edit name", Action::Edit),
    KeyHint::new(KeyCode::Enter, "enter", "preview", Action::Next),
];

const FIELDS: usize = 4;

fn cycle<T: Copy + PartialEq>(all: &[T], current: T, step: isize) -> T {
    let at = all.iter().position(|x| *x == current).unwrap_or(0) as isize;
    let n = all.len() as isize;
    all[((at + step).rem_euclid(n)) as usize]
}

impl Options {
    fn choices(&self, session: &Session) -> Choices {
        self.draft
            .clone()
            .unwrap_or_else(|| session.choices.clone())
    }
}

impl Screen for Options {
    fn title(&self) -> &'static str {
        "Options"
    }

    fn keys(&self) -> &'static [KeyHint] {
        OPTIONS_KEYS
    }

    fn editing(&self) -> bool {
        self.editing_name
    }

    fn type_char(&mut self, c: char) {
        if let Some(draft) = self.draft.as_mut() {
            match c {
                '\u{8}' => {
                    draft.name.pop();
                }
                '\n' => self.editing_name = false,
                c if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ' => {
                    draft.name.push(c)
                }
                _ => {}
            }
        }
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let mut choices = self.choices(session);
        let step = match action {
            Action::Right => 1,
            Action::Left => -1,
            _ => 0,
        };
        match action {
            Action::Down => self.field = (self.field + 1) % FIELDS,
            Action::Up => self.field = (self.field + FIELDS - 1) % FIELDS,
            Action::Left | Action::Right => match self.field {
                0 => choices.target = cycle(&Target::ALL, choices.target, step),
                1 => {
                    choices.strategy = cycle(
                        &[Strategy::Direct, Strategy::ZeroDowntime],
                        choices.strategy,
                        step,
                    )
                }
                2 => choices.files = cycle(&Files::ALL, choices.files, step),
                _ => {}
            },
            Action::Edit => {
                self.field = 3;
                self.editing_name = true;
            }
            Action::Next => {
                self.draft = None;
                return Transition::Run(Effect::Preview);
            }
            Action::Back => {
                self.draft = None;
                return Transition::Back;
            }
            _ => {}
        }
        let changed = choices.target != session.choices.target
            || choices.strategy != session.choices.strategy
            || choices.files != session.choices.files;
        self.draft = Some(choices.clone());
        if changed {
            if choices.target != session.choices.target
                && session
                    .inputs
                    .as_ref()
                    .is_some_and(|i| i.config.migrations_dir.is_none())
            {
                let mut moved = choices.clone();
                moved.dir = moved.target.default_dir().into();
                self.draft = Some(moved.clone());
                return Transition::Run(Effect::Choose(moved));
            }
            return Transition::Run(Effect::Choose(choices));
        }
        Transition::Stay
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let choices = self.choices(session);
        let fields = [
            ("target", choices.target.name().to_string()),
            ("strategy", choices.strategy.name().to_string()),
            ("files", choices.files.name().to_string()),
            (
                "name",
                if self.editing_name {
                    format!("{}▏", choices.name)
                } else {
                    choices.name.clone()
                },
            ),
        ];
        let mut lines = vec![Line::styled(
            "What to write (defaults from migen.toml and the project):",
            theme.muted(),
        )];
        for (index, (label, value)) in fields.iter().enumerate() {
            let here = index == self.field;
            lines.push(Line::from(vec![
                Span::styled(if here { "› " } else { "  " }, theme.text()),
                Span::styled(format!("{label:<10}"), theme.muted()),
                Span::styled(
                    if index < 3 {
                        format!("‹ {value} ›")
                    } else {
                        value.clone()
                    },
                    if here { theme.selected() } else { theme.text() },
                ),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("folder    {}", choices.dir.display()),
            theme.muted(),
        ));
        let explain = match choices.strategy {
            Strategy::Direct => {
                "direct: one migration, applied as a whole, guarded by lock timeouts"
            }
            Strategy::ZeroDowntime => {
                "zero-downtime: expand before the deploy, backfill in batches, contract after it"
            }
        };
        lines.push(Line::styled(explain, theme.muted()));
        if let Some(error) = &session.error {
            lines.push(Line::styled(error.clone(), theme.danger()));
        }
        paragraph(lines, area, buf, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Preview: each file in a tab, highlighted, scrolling, with line numbers.

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

// ---------------------------------------------------------------------------------------------
// Write: the paths, a confirmation, verification first, then the result and the next step.

#[derive(Debug, Default)]
pub struct Write {
    /// The user said yes to a migration that loses data.
    allow_data_loss: bool,
}

const WRITE_KEYS: &[KeyHint] = &[
    KeyHint::new(KeyCode::Enter, "enter", "verify and write", Action::Next),
    KeyHint::alias(KeyCode::Char('y'), "y", "verify and write", Action::Next),
    KeyHint::new(KeyCode::Char('D'), "D", "allow data loss", Action::Save),
];

/// What the plan loses, in words (empty when nothing).
fn losses(session: &Session) -> Vec<String> {
    session
        .plan
        .iter()
        .flat_map(|plan| plan.steps.iter())
        .filter_map(|step| step.loss.clone())
        .collect()
}

impl Screen for Write {
    fn title(&self) -> &'static str {
        "Write"
    }

    fn keys(&self) -> &'static [KeyHint] {
        WRITE_KEYS
    }

    fn update(&mut self, action: Action, session: &Session) -> Transition {
        let lossy = !losses(session).is_empty();
        match action {
            Action::Save => {
                self.allow_data_loss = !self.allow_data_loss;
                Transition::Stay
            }
            // Nothing is lost silently: a lossy migration needs the explicit yes first.
            Action::Next if lossy && !self.allow_data_loss => Transition::Stay,
            Action::Next if session.written.is_empty() => Transition::Run(Effect::Write),
            Action::Back if session.written.is_empty() => Transition::Back,
            _ => Transition::Stay,
        }
    }

    fn render(&self, session: &Session, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let mut lines = Vec::new();
        if let Some(verification) = &session.verification {
            lines.push(Line::styled(
                "Verified on a scratch database:",
                theme.accent(),
            ));
            for phase in &verification.phases {
                let (mark, style) = if phase.ok {
                    ("pass", theme.ok())
                } else {
                    ("FAIL", theme.danger())
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {mark}  "), style),
                    Span::styled(
                        format!(
                            "{:<26} {}",
                            phase.name,
                            phase.detail.lines().next().unwrap_or("")
                        ),
                        theme.text(),
                    ),
                ]));
            }
            lines.push(Line::default());
        }
        if let Some(error) = &session.error {
            lines.push(Line::styled(error.clone(), theme.danger()));
            lines.push(Line::styled("Nothing was written.", theme.danger()));
        } else if session.written.is_empty() {
            lines.push(Line::styled(
                "These files will be written (never over an existing file):",
                theme.text(),
            ));
            for artifact in &session.artifacts {
                lines.push(Line::styled(
                    format!("  {}", artifact.path.display()),
                    theme.text(),
                ));
            }
            lines.push(Line::default());
            if session.choices.target == crate::render::Target::Django {
                lines.push(Line::styled(
                    "Django computes the SQL of its operations: try them with `python manage.py migrate` on a scratch database.",
                    theme.text(),
                ));
            }
            let lost = losses(session);
            if !lost.is_empty() {
                lines.push(Line::styled(
                    format!("This migration loses data: {}.", lost.join("; ")),
                    theme.danger(),
                ));
                if !self.allow_data_loss {
                    lines.push(Line::styled(
                        "D: write it anyway (the down cannot bring the data back)",
                        theme.warning(),
                    ));
                    paragraph(lines, area, buf, 0);
                    return;
                }
                lines.push(Line::styled(
                    "Data loss allowed (D to take it back).",
                    theme.warning(),
                ));
            }
            let check = match session.inputs.as_ref() {
                _ if session.choices.target == crate::render::Target::Django => "enter: write",
                Some(i)
                    if i.after.dialect == crate::model::Dialect::Sqlite
                        || i.server_url.is_some() =>
                {
                    "enter: run up and down on a scratch database first, then write"
                }
                _ => "enter: write (no server to verify on: pass --db to verify first)",
            };
            lines.push(Line::styled(check, theme.accent()));
        } else {
            lines.push(Line::styled("Written:", theme.ok()));
            for path in &session.written {
                lines.push(Line::styled(format!("  {}", path.display()), theme.text()));
            }
            lines.push(Line::default());
            lines.push(Line::styled(
                format!(
                    "Next: apply with {}.",
                    crate::render::docs::apply_command(session.choices.target)
                ),
                theme.accent(),
            ));
            lines.push(Line::styled("q: quit", theme.muted()));
        }
        paragraph(lines, area, buf, 0);
    }
}
