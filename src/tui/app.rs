//! The wizard: a step machine over the five screens, the frame layout (breadcrumb, screen,
//! footer, help overlay) and the effects. Effects run on a worker thread in the terminal (the
//! UI keeps drawing and shows progress) and inline in tests.

use std::sync::mpsc::{Receiver, channel};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::keys::{self, Action, KeyHint};
use super::screens::{Effect, Options, Preview, Screen, Status, Summary, Transition, Write};
use super::session::Session;
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Status,
    Summary,
    Options,
    Preview,
    Write,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::Status,
        Step::Summary,
        Step::Options,
        Step::Preview,
        Step::Write,
    ];

    fn next(self) -> Step {
        Step::ALL[(self as usize + 1).min(Step::ALL.len() - 1)]
    }

    fn prev(self) -> Step {
        Step::ALL[(self as usize).saturating_sub(1)]
    }
}

/// Work under way on the worker thread.
struct Busy {
    what: &'static str,
    result: Receiver<(Session, Option<Step>)>,
}

pub struct App {
    pub session: Session,
    pub theme: Theme,
    pub step: Step,
    pub running: bool,
    pub show_help: bool,
    /// Run effects on a worker thread (the terminal) or inline (tests).
    pub background: bool,
    busy: Option<Busy>,
    /// Keys pressed while busy, applied in order when the work is done (typing ahead).
    queued: std::collections::VecDeque<Action>,
    /// Frames drawn while busy, for the spinner.
    ticks: usize,
    status: Status,
    summary: Summary,
    options: Options,
    preview: Preview,
    write: Write,
}

impl App {
    pub fn new(session: Session, theme: Theme) -> App {
        App {
            session,
            theme,
            step: Step::Status,
            running: true,
            show_help: false,
            background: false,
            busy: None,
            queued: std::collections::VecDeque::new(),
            ticks: 0,
            status: Status,
            summary: Summary::default(),
            options: Options::default(),
            preview: Preview::default(),
            write: Write::default(),
        }
    }

    fn screen(&self) -> &dyn Screen {
        match self.step {
            Step::Status => &self.status,
            Step::Summary => &self.summary,
            Step::Options => &self.options,
            Step::Preview => &self.preview,
            Step::Write => &self.write,
        }
    }

    fn screen_and_session(&mut self) -> (&mut dyn Screen, &Session) {
        let screen: &mut dyn Screen = match self.step {
            Step::Status => &mut self.status,
            Step::Summary => &mut self.summary,
            Step::Options => &mut self.options,
            Step::Preview => &mut self.preview,
            Step::Write => &mut self.write,
        };
        (screen, &self.session)
    }

    pub fn keys(&self) -> &'static [KeyHint] {
        self.screen().keys()
    }

    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    /// A key press: typed text while a name is edited, else the key table.
    pub fn handle_key(&mut self, event: crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        if self.screen().editing() {
            let (screen, _) = self.screen_and_session();
            match event.code {
                KeyCode::Char(c) => screen.type_char(c),
                KeyCode::Backspace => screen.type_char('\u{8}'),
                KeyCode::Enter | KeyCode::Esc => screen.type_char('\n'),
                _ => {}
            }
            if let Some(effect) = screen.take_effect() {
                self.run(effect);
            }
            return;
        }
        if let Some(action) = keys::action_for(event, self.keys()) {
            self.dispatch(action);
        }
    }

    /// Mouse wheel: scroll the preview, move the selection elsewhere.
    pub fn scroll(&mut self, down: bool) {
        self.dispatch(if down { Action::Down } else { Action::Up });
    }

    /// Tests drive the wizard with actions rather than key codes.
    pub fn dispatch(&mut self, action: Action) {
        if action == Action::Quit {
            self.running = false;
            return;
        }
        if self.busy.is_some() {
            self.queued.push_back(action);
            return;
        }
        if action == Action::Help {
            self.show_help = !self.show_help;
            return;
        }
        if self.show_help {
            self.show_help = false;
            if action == Action::Back {
                return;
            }
        }
        if action == Action::Back && self.step == Step::Status {
            self.running = false;
            return;
        }
        let (screen, session) = self.screen_and_session();
        match screen.update(action, session) {
            Transition::Stay => {}
            Transition::Forward => self.step = self.step.next(),
            Transition::Back => {
                self.session.error = None;
                self.step = self.step.prev();
            }
            Transition::Run(effect) => self.run(effect),
        }
    }

    fn run(&mut self, effect: Effect) {
        let what = match effect {
            Effect::Answer { .. }
            | Effect::SaveAnswer { .. }
            | Effect::Fill { .. }
            | Effect::Choose(_) => "planning",
            Effect::Preview => "rendering the files",
            Effect::Write => "verifying on a scratch database and writing",
        };
        let mut session = self.session.clone();
        let step = self.step;
        if self.background {
            let (send, result) = channel();
            std::thread::spawn(move || {
                let next = perform(&mut session, effect, step);
                let _ = send.send((session, next));
            });
            self.busy = Some(Busy { what, result });
        } else {
            let next = perform(&mut session, effect, step);
            self.finish(session, next);
        }
    }

    fn finish(&mut self, session: Session, next: Option<Step>) {
        self.session = session;
        if let Some(step) = next {
            self.step = step;
        }
        while self.busy.is_none() {
            match self.queued.pop_front() {
                Some(action) => self.dispatch(action),
                None => break,
            }
        }
    }

    /// Take the worker's result when it is there (called every frame).
    pub fn poll(&mut self) {
        if let Some(busy) = &self.busy
            && let Ok((session, next)) = busy.result.try_recv()
        {
            self.busy = None;
            self.finish(session, next);
        }
    }

    pub fn render(&mut self, frame: &mut Frame) {
        self.ticks = self.ticks.wrapping_add(1);
        let area = frame.area();
        let [top, body, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let buf = frame.buffer_mut();
        self.breadcrumb(top, buf);
        let inner = Rect {
            x: body.x + 1,
            width: body.width.saturating_sub(2),
            y: body.y + 1,
            height: body.height.saturating_sub(1),
        };
        self.screen().render(&self.session, &self.theme, inner, buf);
        if let Some(busy) = &self.busy {
            const SPINNER: [&str; 4] = ["⠋", "⠙", "⠹", "⠸"];
            let line = Line::styled(
                format!("{} {}…", SPINNER[self.ticks % SPINNER.len()], busy.what),
                self.theme.accent(),
            );
            Paragraph::new(line).render(
                Rect {
                    y: bottom.y.saturating_sub(1),
                    height: 1,
                    ..bottom
                },
                buf,
            );
        }
        self.footer(bottom, buf);
        if self.show_help {
            self.help(area, buf);
        }
    }

    fn breadcrumb(&self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        let mut spans = vec![Span::styled(" migen ", self.theme.key())];
        for (index, step) in Step::ALL.iter().enumerate() {
            if index > 0 {
                spans.push(Span::styled(" › ", self.theme.muted()));
            } else {
                spans.push(Span::raw(" "));
            }
            let name = format!("{step:?}");
            let style = if *step == self.step {
                self.theme.accent()
            } else {
                self.theme.muted()
            };
            spans.push(Span::styled(name, style));
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
    }

    fn footer(&self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        let mut spans = Vec::new();
        let hints = if self.screen().editing() {
            vec![("type", "name"), ("enter", "done")]
        } else {
            keys::footer(self.keys(), area.width as usize)
        };
        for (key, label) in hints {
            spans.push(Span::styled(format!(" {key} "), self.theme.key()));
            spans.push(Span::styled(format!(" {label} "), self.theme.muted()));
        }
        Paragraph::new(Line::from(spans)).render(area, buf);
    }

    fn help(&self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        let rows: Vec<&KeyHint> = self.keys().iter().chain(keys::GLOBAL).collect();
        let width = 60.min(area.width);
        let height = (rows.len() as u16 + 4).min(area.height);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        Clear.render(popup, buf);
        let mut lines = vec![Line::styled(
            format!("{} screen keys", self.screen().title()),
            self.theme.muted(),
        )];
        for hint in rows {
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<10}", hint.key), self.theme.accent()),
                Span::styled(hint.label, self.theme.text()),
            ]));
        }
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" keys (? or esc to close) ")
                    .border_style(self.theme.accent()),
            )
            .render(popup, buf);
    }
}

/// Run an effect on a session; returns the step to show next, if it changes.
fn perform(session: &mut Session, effect: Effect, step: Step) -> Option<Step> {
    session.error = None;
    match effect {
        Effect::Answer { question, rename } => {
            if let Some(q) = session.questions().get(question).cloned() {
                session.answer(&q, rename);
            }
            None
        }
        Effect::SaveAnswer { question } => {
            if let Some(q) = session.questions().get(question).cloned() {
                if let Err(error) = session.save_answer(&q) {
                    session.error = Some(error.to_string());
                    return None;
                }
                session.answer(&q, true);
            }
            None
        }
        Effect::Fill { question, value } => {
            if let Some(q) = session.fill_questions().get(question).cloned()
                && let Err(error) = session.fill(&q, &value)
            {
                session.error = Some(error.to_string());
            }
            None
        }
        Effect::Choose(choices) => {
            session.choose(choices);
            None
        }
        Effect::Preview => match session.render() {
            Ok(()) => Some(Step::Preview),
            Err(error) => {
                session.error = Some(error.to_string());
                Some(step)
            }
        },
        Effect::Write => {
            match session.verify() {
                Ok(Some(verification)) => {
                    let passed = verification.passed();
                    session.verification = Some(verification);
                    if !passed {
                        session.error =
                            Some("verification failed: the migration does not round-trip".into());
                        return None;
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    session.error = Some(format!("verification could not run: {error}"));
                    return None;
                }
            }
            if let Err(error) = session.write() {
                session.error = Some(error.to_string());
            }
            None
        }
    }
}
