//! `migen lint`: the safety rules over migration files someone already wrote.
//!
//! Each file is split into statements; each statement is read as DDL on top of the schema as it
//! stands (the `--schema` source, then every earlier statement and file in order), and the
//! difference it makes becomes typed changes that the same rules as `migen plan` judge. How a
//! statement is written counts too: CREATE INDEX CONCURRENTLY, NOT VALID, an explicit
//! ALGORITHM/LOCK, or a lock timeout set earlier in the file silence the findings they answer.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use crate::dialect;
use crate::diff::{self, Change, RenameAnswers};
use crate::error::{Error, Result};
use crate::model::{Dialect, Schema, Version};
use crate::normalize;
use crate::safety::{self, Finding, RuleId, Severity};
use crate::source::{knex, sql};

mod incremental;

/// One statement of a migration file and where it starts (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatement {
    pub sql: String,
    pub line: u64,
    pub column: u64,
    /// squawk rules a `-- squawk-ignore` comment silences for this statement (`*`: all).
    pub ignores: Vec<String>,
}

/// A finding at a place in a file.
#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    /// The change the statement makes, in words.
    pub change: String,
    /// The table the statement works on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<crate::model::QName>,
    /// The lock the statement takes, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// The statement copies or rewrites the table.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rewrite: bool,
}

/// A finding `migen lint` leaves out because a `-- squawk-ignore` annotation on its statement
/// names a squawk rule that reports the same risk.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedFinding {
    pub file: String,
    pub line: u64,
    pub rule: RuleId,
    /// The squawk rule the annotation names (`*` for a whole-file ignore of every rule).
    pub squawk_rule: String,
}

/// What `migen lint` found, and what it left out for the files' own annotations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LintReport {
    pub findings: Vec<LintFinding>,
    pub skipped: Vec<SkippedFinding>,
}

impl LintReport {
    /// `3 findings skipped for squawk-ignore annotations: drop-column (ban-drop-column) ×2, …`;
    /// `None` when none was.
    pub fn skipped_summary(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for skipped in &self.skipped {
            let label = format!("{} ({})", skipped.rule, skipped.squawk_rule);
            match counts.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => *n += 1,
                None => counts.push((label, 1)),
            }
        }
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(label, n)| {
                if n == 1 {
                    label
                } else {
                    format!("{label} ×{n}")
                }
            })
            .collect();
        let n = self.skipped.len();
        Some(format!(
            "{n} finding{} skipped for squawk-ignore annotations on their statements: {}",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        ))
    }
}

/// The squawk rule of `statement`'s annotations that silences migen's `rule`, if any.
fn ignored_by(statement: &SourceStatement, rule: RuleId) -> Option<&str> {
    statement
        .ignores
        .iter()
        .find(|name| *name == "*" || safety::squawk::counterparts(name).contains(&rule))
        .map(String::as_str)
}

/// Split a script into statements at top-level semicolons (quoted text, dollar-quoted bodies
/// and comments are single tokens, so their semicolons do not split).
pub fn split_statements(dialect: Dialect, text: &str, file: &str) -> Result<Vec<SourceStatement>> {
    if text.lines().any(|l| {
        l.trim_start()
            .to_ascii_uppercase()
            .starts_with("DELIMITER ")
    }) {
        return Ok(split_with_delimiters(text));
    }
    let sql_dialect = normalize::sql_dialect(dialect);
    let tokens = Tokenizer::new(sql_dialect.as_ref(), text)
        .tokenize_with_location()
        .map_err(|e| {
            Error::parse(
                file,
                e.location.line,
                e.location.column,
                format!("cannot read the file: {}", e.message),
            )
        })?;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let offset = |line: u64, column: u64| -> usize {
        let start = starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(text.len());
        let rest = &text[start..];
        start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
    };
    let mut statements = Vec::new();
    let mut first: Option<(u64, u64)> = None;
    let mut last_end = 0;
    // squawk-ignore comments: (the line they apply to, 0 for the whole file, the rules).
    let mut ignores: Vec<(u64, Vec<String>)> = Vec::new();
    for token in &tokens {
        match &token.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                if let Some((whole_file, rules)) = safety::squawk::ignore_comment(comment) {
                    let line = if whole_file {
                        0
                    } else {
                        token.span.start.line + 1
                    };
                    ignores.push((line, rules));
                }
            }
            Token::Whitespace(Whitespace::MultiLineComment(comment)) => {
                if let Some((whole_file, rules)) = safety::squawk::ignore_comment(comment) {
                    let line = if whole_file {
                        0
                    } else {
                        token.span.end.line + 1
                    };
                    ignores.push((line, rules));
                }
            }
            Token::Whitespace(_) => {}
            Token::SemiColon => {
                if let Some((line, column)) = first.take() {
                    let start = offset(line, column);
                    let end = offset(token.span.start.line, token.span.start.column);
                    statements.push(SourceStatement {
                        sql: text[start..end].trim_end().to_string(),
                        line,
                        column,
                        ignores: Vec::new(),
                    });
                }
            }
            Token::EOF => {}
            _ => {
                if first.is_none() {
                    first = Some((token.span.start.line, token.span.start.column));
                }
                last_end = offset(token.span.end.line, token.span.end.column);
            }
        }
    }
    if let Some((line, column)) = first {
        let start = offset(line, column);
        statements.push(SourceStatement {
            sql: text[start..last_end.max(start)].trim_end().to_string(),
            line,
            column,
            ignores: Vec::new(),
        });
    }
    // As squawk reads them: a comment silences the line below it, here the statement that
    // line belongs to; `squawk-ignore-file` every statement (all rules when it names none).
    for statement in &mut statements {
        let last = statement.line + statement.sql.matches('\n').count() as u64;
        for (line, rules) in &ignores {
            if *line == 0 && rules.is_empty() {
                statement.ignores.push("*".to_string());
            } else if *line == 0 || (statement.line..=last).contains(line) {
                statement.ignores.extend(rules.iter().cloned());
            }
        }
    }
    Ok(statements)
}

/// The mysql client's way: `DELIMITER //` changes what ends a statement (for routine bodies).
fn split_with_delimiters(text: &str) -> Vec<SourceStatement> {
    let mut statements = Vec::new();
    let mut delimiter = ";".to_string();
    let mut buffer = String::new();
    let mut start = (0, 0);
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.to_ascii_uppercase().starts_with("DELIMITER ") {
            delimiter = trimmed["DELIMITER ".len()..].trim().to_string();
            continue;
        }
        if buffer.trim().is_empty() {
            buffer.clear();
            if trimmed.is_empty() || trimmed.starts_with("--") {
                continue;
            }
            let column = line.len() - line.trim_start().len() + 1;
            start = (number as u64 + 1, column as u64);
        }
        buffer.push_str(line);
        buffer.push('\n');
        if trimmed.ends_with(delimiter.as_str()) {
            let body = buffer.trim_end();
            let body = body[..body.len() - delimiter.len()].trim();
            if !body.is_empty() {
                statements.push(SourceStatement {
                    sql: body.to_string(),
                    line: start.0,
                    column: start.1,
                    ignores: Vec::new(),
                });
            }
            buffer.clear();
        }
    }
    if !buffer.trim().is_empty() {
        statements.push(SourceStatement {
            sql: buffer.trim().to_string(),
            line: start.0,
            column: start.1,
            ignores: Vec::new(),
        });
    }
    statements
}

/// Statements that are not schema changes migen models: routines, procedural blocks, data,
/// transaction control. They are read past, not judged.
fn outside_model(dialect: Dialect, sql: &str) -> bool {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(4)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    let object = |at: usize| words.get(at).map(String::as_str).unwrap_or("");
    let routine = |word: &str| {
        matches!(word, "FUNCTION" | "PROCEDURE")
            || (word == "TRIGGER" && dialect != Dialect::Sqlite)
    };
    match first {
        "DO" | "CALL" | "BEGIN" | "START" | "COMMIT" | "ROLLBACK" | "LOCK" | "UNLOCK" | "SET"
        | "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "ANALYZE" | "VACUUM" | "REFRESH" => true,
        "CREATE" if object(1) == "OR" => routine(object(3)),
        "CREATE" | "DROP" => routine(object(1)),
        _ => false,
    }
}

/// The statement as the schema reader takes it: CONCURRENTLY changes how, not what (and
/// sqlparser does not read `DROP INDEX CONCURRENTLY IF EXISTS`).
fn model_text(sql: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    let text = match upper.find("INDEX CONCURRENTLY ") {
        Some(at) if at < 24 => format!(
            "{}{}",
            &sql[..at + "INDEX ".len()],
            &sql[at + "INDEX CONCURRENTLY ".len()..]
        ),
        _ => sql.to_string(),
    };
    without_algorithm_clauses(&text)
}

/// MySQL's `, ALGORITHM=INPLACE, LOCK=NONE` (or space-separated after CREATE INDEX) left out:
/// they say how the server works, not what the schema becomes.
fn without_algorithm_clauses(sql: &str) -> String {
    let mut out = sql.to_string();
    for keyword in ["ALGORITHM", "LOCK"] {
        loop {
            let upper = out.to_ascii_uppercase();
            let Some(at) = find_word(&upper, keyword) else {
                break;
            };
            let after = &upper[at + keyword.len()..];
            let rest = after.trim_start();
            let Some(value) = rest.strip_prefix('=') else {
                break;
            };
            let value = value.trim_start();
            let word_len = value
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(value.len());
            let end = upper.len() - value.len() + word_len;
            // Take the comma and spaces before the clause with it.
            let before = out[..at].trim_end();
            let start = before
                .strip_suffix(',')
                .map_or(before.len(), |b| b.trim_end().len());
            out = format!("{}{}", &out[..start], &out[end..]);
        }
    }
    out
}

/// Where `word` stands as a whole word in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let end = at + word.len();
        let bounded = |i: Option<&u8>| i.is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
        if bounded(at.checked_sub(1).and_then(|i| bytes.get(i))) && bounded(bytes.get(end)) {
            return Some(at);
        }
        from = end;
    }
    None
}

/// How a statement is written, beyond what it changes.
#[derive(Debug, Default, Clone, Copy)]
struct Written {
    concurrently: bool,
    not_valid: bool,
    /// An explicit ALGORITHM (LOCK is implied by INSTANT and optional otherwise).
    algorithm: bool,
}

impl Written {
    fn of(sql: &str) -> Written {
        let upper = sql.to_ascii_uppercase();
        let words: Vec<&str> = upper
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let has = |w: &str| words.contains(&w);
        Written {
            concurrently: has("CONCURRENTLY"),
            not_valid: words.windows(2).any(|p| p == ["NOT", "VALID"]),
            algorithm: has("ALGORITHM"),
        }
    }
}

/// Whether a statement sets the dialect's lock guard.
pub(crate) fn sets_lock_timeout(dialect: Dialect, sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    match dialect {
        Dialect::Postgres => lower.starts_with("set") && lower.contains("lock_timeout"),
        Dialect::Mysql => lower.starts_with("set") && lower.contains("lock_wait_timeout"),
        Dialect::Sqlite => lower.starts_with("pragma") && lower.contains("busy_timeout"),
    }
}

/// The DDL that rebuilds `schema` (the starting point the files are read on top of).
pub fn schema_ddl(schema: &Schema) -> String {
    let empty = Schema::empty(schema.dialect);
    let changes = diff::diff(&empty, schema, &RenameAnswers::never()).changes;
    dialect::script(&dialect::statements(&changes, &empty, schema))
}

/// The changes one statement makes to the schema `before_text` describes. A rename is read as
/// the rename it is (never as a drop and an add).
fn statement_changes(
    dialect: Dialect,
    before_text: &str,
    before: &Schema,
    statement: &str,
    file: &str,
) -> std::result::Result<(Schema, Vec<Change>), String> {
    let after_text = format!("{before_text}\n{statement};\n");
    let after = sql::parse(dialect, &after_text, file).map_err(|e| match e {
        Error::Parse { message, .. } => message,
        other => other.to_string(),
    })?;
    let mut answers = RenameAnswers::default();
    loop {
        let result = diff::diff(before, &after, &answers);
        if result.questions.is_empty() {
            return Ok((after, result.changes));
        }
        for question in result.questions {
            answers.renames.push(question.accepted());
        }
    }
}

/// Lint `files` in order on top of `base` for a server `version`. A Knex migration is judged
/// by the SQL it ran when the project's own Knex applied its folder to a scratch database
/// (see `knex_scripts`); SQL files by their text.
pub fn lint(files: &[PathBuf], base: &Schema, version: &Version) -> Result<Vec<LintFinding>> {
    lint_report(files, base, version).map(|report| report.findings)
}

/// Like `lint`, with the findings left out for the files' `-- squawk-ignore` annotations.
pub fn lint_report(files: &[PathBuf], base: &Schema, version: &Version) -> Result<LintReport> {
    let mut scripts: Vec<Script> = Vec::new();
    let mut runs: Vec<(PathBuf, Vec<knex::MigrationSql>)> = Vec::new();
    for path in files {
        if knex::is_knex_migration(path) {
            // Against a given schema, the earlier migrations are taken as applied already.
            let context = base.tables.is_empty();
            knex_scripts(path, base.dialect, context, &mut runs, &mut scripts)?;
            continue;
        }
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let file = path.display().to_string();
        let statements = split_statements(base.dialect, up_part(&text), &file)?;
        scripts.push(Script {
            file,
            statements,
            judged: true,
        });
    }
    lint_statements(&scripts, base, version)
}

/// A migration's statements, and whether its findings are reported (the earlier migrations of
/// a Knex folder are read for the schema they build, not judged, when only later ones are
/// asked for).
struct Script {
    file: String,
    statements: Vec<SourceStatement>,
    judged: bool,
}

/// The scripts of a Knex migration: its folder applied once (the run kept in `runs`), with
/// `context` the folder's earlier migrations not yet read added before it, each statement
/// placed in the migration's file where its SQL is written, else at `up`.
fn knex_scripts(
    path: &Path,
    dialect: Dialect,
    context: bool,
    runs: &mut Vec<(PathBuf, Vec<knex::MigrationSql>)>,
    scripts: &mut Vec<Script>,
) -> Result<()> {
    let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    if !runs.iter().any(|(f, _)| *f == folder) {
        let applied = knex::apply(&folder, dialect)?;
        runs.push((folder.clone(), applied.migrations));
    }
    let (_, migrations) = runs.iter().find(|(f, _)| *f == folder).expect("run above");
    let Some(at) = migrations.iter().position(|m| m.path == path) else {
        return Err(Error::Usage(format!(
            "{}: Knex did not run this file as a migration of {}",
            path.display(),
            folder.display()
        )));
    };
    for (index, migration) in migrations[..=at].iter().enumerate() {
        let file = migration.path.display().to_string();
        if index < at && (!context || scripts.iter().any(|s| s.file == file)) {
            continue;
        }
        let source = std::fs::read_to_string(&migration.path).map_err(|source| Error::Io {
            path: migration.path.clone(),
            source,
        })?;
        let statements = migration
            .statements
            .iter()
            .map(|sql| {
                let (line, column) = knex::locate(&source, sql);
                SourceStatement {
                    sql: sql.clone(),
                    line,
                    column,
                    ignores: Vec::new(),
                }
            })
            .collect();
        scripts.push(Script {
            file,
            statements,
            judged: index == at,
        });
    }
    Ok(())
}

/// Like `lint`, for scripts in memory: `(name, text)`, each read on top of those before it.
pub fn lint_scripts(
    scripts: &[(String, String)],
    base: &Schema,
    version: &Version,
) -> Result<Vec<LintFinding>> {
    let mut split = Vec::new();
    for (file, text) in scripts {
        split.push(Script {
            file: file.clone(),
            statements: split_statements(base.dialect, up_part(text), file)?,
            judged: true,
        });
    }
    lint_statements(&split, base, version).map(|report| report.findings)
}

fn lint_statements(scripts: &[Script], base: &Schema, version: &Version) -> Result<LintReport> {
    read_statements(scripts, base, version, true).map(|(report, _)| report)
}

/// `lint_statements`, with `shortcut` false to read every statement the exact (quadratic) way,
/// which tests compare the shortcut against; also the schema the statements leave.
fn read_statements(
    scripts: &[Script],
    base: &Schema,
    version: &Version,
    shortcut: bool,
) -> Result<(LintReport, Schema)> {
    let dialect = base.dialect;
    let mut state_text = schema_ddl(base);
    let mut state = base.clone();
    // The plain CREATE TABLE shortcut (see `incremental`) holds only while `state` is what the
    // reader makes of `state_text`, and no statement read so far left a mark outside the model
    // that a later table could pick up.
    let base_empty = base.tables.is_empty()
        && base.views.is_empty()
        && base.enums.is_empty()
        && base.sequences.is_empty()
        && base.schemas.is_empty()
        && base.extensions.is_empty();
    let mut state_is_read = shortcut && base_empty;
    let mut text_marks = false;
    let mut used = incremental::UsedNames::of(&state);
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for script in scripts {
        let file = script.file.clone();
        let statements = &script.statements;
        let found_before = out.len();
        let mut guarded = false;
        let mut warned_lock_timeout = false;
        let mut file_changes: Vec<(Change, usize)> = Vec::new();
        let file_start = state.clone();
        // `state` with only the tables that were there when the file began: a table this file
        // creates holds no rows and no running code uses it yet.
        let mut judged = state.clone();
        let rebuilds = table_rebuilds(statements);
        let mut skip_to = 0;
        for (at, statement) in statements.iter().enumerate() {
            if at < skip_to {
                continue;
            }
            if sets_lock_timeout(dialect, &statement.sql) {
                guarded = true;
            }
            if outside_model(dialect, &statement.sql) {
                continue;
            }
            // A table rebuild is judged as the one change it makes to the table, not as a drop
            // of the table and a rename of a new one.
            let rebuild = rebuilds.iter().find(|(start, _)| *start == at);
            let text = match rebuild {
                Some(&(_, end)) => {
                    skip_to = end + 1;
                    statements[at..=end]
                        .iter()
                        .filter(|s| !outside_model(dialect, &s.sql))
                        .map(|s| model_text(&s.sql))
                        .collect::<Vec<_>>()
                        .join(";\n")
                }
                None => model_text(&statement.sql),
            };
            let created = match rebuild {
                None if state_is_read && !text_marks => {
                    incremental::created_table(dialect, &state, &used, &text, &file)
                }
                _ => None,
            };
            let (after, changes) = match created {
                Some(table) => {
                    let before = incremental::without_tables(&state);
                    let mut after = before.clone();
                    after.tables.insert(table.name.clone(), table.clone());
                    let changes = diff::diff(&before, &after, &RenameAnswers::never()).changes;
                    (Ok(table), changes)
                }
                None => {
                    let (after, changes) =
                        statement_changes(dialect, &state_text, &state, &text, &file).map_err(
                            |message| {
                                Error::parse(
                                    &file,
                                    statement.line,
                                    statement.column,
                                    format!("cannot read this statement: {message}"),
                                )
                            },
                        )?;
                    (Err(after), changes)
                }
            };
            if changes.is_empty() {
                // Not a schema change (data, settings, VALIDATE…): nothing for the rules. What
                // it left in the text may still change how a later statement reads.
                state_text.push_str(&format!("\n{text};\n"));
                text_marks = true;
                continue;
            }
            let written = Written::of(&statement.sql);
            for finding in safety::analyze(&changes, &judged, version, None) {
                if answered(finding.rule, written, guarded) {
                    continue;
                }
                if let Some(squawk_rule) = ignored_by(statement, finding.rule) {
                    if script.judged {
                        skipped.push(SkippedFinding {
                            file: file.clone(),
                            line: statement.line,
                            rule: finding.rule,
                            squawk_rule: squawk_rule.to_string(),
                        });
                    }
                    continue;
                }
                // Said once per file, at the first statement it is about.
                if finding.rule == RuleId::RequireLockTimeout {
                    if warned_lock_timeout {
                        continue;
                    }
                    warned_lock_timeout = true;
                }
                out.push(located(&file, statement, &changes, finding));
            }
            for change in changes {
                file_changes.push((change, at));
            }
            state_text.push_str(&format!("\n{text};\n"));
            match after {
                Ok(table) => {
                    used.add_table(&table);
                    if file_start.tables.contains_key(&table.name) {
                        judged.tables.insert(table.name.clone(), table.clone());
                    }
                    state.tables.insert(table.name.clone(), table);
                }
                Err(after) => {
                    state = after;
                    state_is_read = shortcut;
                    used = incremental::UsedNames::of(&state);
                    judged = state.clone();
                    judged
                        .tables
                        .retain(|name, _| file_start.tables.contains_key(name));
                }
            }
        }
        // Rules about the migration as a whole (expand and contract mixed in one file).
        let all: Vec<Change> = file_changes.iter().map(|(c, _)| c.clone()).collect();
        for finding in safety::analyze(&all, &file_start, version, None) {
            if finding.rule != RuleId::MixedExpandContract {
                continue;
            }
            let statement = &statements[file_changes[finding.change].1];
            out.push(located(&file, statement, &all, finding));
        }
        if !script.judged {
            out.truncate(found_before);
        }
    }
    let report = LintReport {
        findings: out,
        skipped,
    };
    Ok((report, state))
}

/// Table rebuilds in a script, as (first, last) statement indexes: `CREATE TABLE new`, later
/// `DROP TABLE old` and then `ALTER TABLE new RENAME TO old` (SQLite's way to change what ALTER
/// TABLE cannot, and the way migen writes it).
fn table_rebuilds(statements: &[SourceStatement]) -> Vec<(usize, usize)> {
    let words = |sql: &str| -> Vec<String> {
        sql.split(|c: char| c.is_whitespace() || c == '(' || c == ';')
            .filter(|w| !w.is_empty())
            .take(8)
            .map(|w| {
                w.trim_matches(|c| c == '"' || c == '`')
                    .to_ascii_lowercase()
            })
            .collect()
    };
    // Each statement's first words, split once: the search below looks ahead from every CREATE.
    let owned: Vec<Vec<String>> = statements.iter().map(|s| words(&s.sql)).collect();
    let split: Vec<Vec<&str>> = owned
        .iter()
        .map(|w| w.iter().map(String::as_str).collect())
        .collect();
    let mut found = Vec::new();
    for (start, created) in split.iter().enumerate() {
        let new = match created[..] {
            ["create", "table", "if", "not", "exists", name, ..]
            | ["create", "table", name, ..] => name.to_string(),
            _ => continue,
        };
        let mut dropped = None;
        for (end, later) in split.iter().enumerate().skip(start + 1) {
            match later[..] {
                ["drop", "table", "if", "exists", old, ..] | ["drop", "table", old, ..] => {
                    dropped = Some(old.to_string());
                }
                ["alter", "table", from, "rename", "to", to, ..]
                    if from == new && dropped.as_deref() == Some(to) =>
                {
                    found.push((start, end));
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

/// The part of a migration file that migrates up: dbmate and goose keep the down in the same
/// file after a marker.
fn up_part(text: &str) -> &str {
    ["-- migrate:down", "-- +goose Down"]
        .iter()
        .filter_map(|marker| text.find(marker))
        .min()
        .map_or(text, |at| &text[..at])
}

fn located(
    file: &str,
    statement: &SourceStatement,
    changes: &[Change],
    finding: Finding,
) -> LintFinding {
    LintFinding {
        file: file.to_string(),
        line: statement.line,
        column: statement.column,
        rule: finding.rule,
        severity: finding.severity,
        change: changes
            .get(finding.change)
            .map(|c| c.describe())
            .unwrap_or_default(),
        message: finding.message,
        table: finding.table,
        lock: finding.lock,
        rewrite: finding.rewrite,
    }
}

/// Whether the way the statement (or the file before it) is written already answers the rule.
fn answered(rule: RuleId, written: Written, guarded: bool) -> bool {
    match rule {
        RuleId::CreateIndexNonConcurrently | RuleId::DropIndexNonConcurrently => {
            written.concurrently
        }
        RuleId::AddForeignKeyValidating | RuleId::AddCheckConstraintValidating => written.not_valid,
        RuleId::RequireAlgorithmLock => written.algorithm,
        RuleId::RequireLockTimeout => guarded,
        _ => false,
    }
}

/// GitHub workflow commands: one annotation per finding.
pub fn github_annotations(findings: &[LintFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            escape_property(&f.file),
            f.line,
            f.column,
            escape_property(&f.rule.to_string()),
            escape_data(&f.message)
        ));
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Migration files in the order a runner applies them: a directory's `.sql` files by name, a
/// Knex folder's migrations as Knex orders them.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            // Knex applies a folder's migrations in name order; SQL runners take `.sql` files.
            let knex_folder = knex::is_knex_folder(path);
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| match knex_folder {
                    true => p.is_file() && knex::is_migration_name(p),
                    false => p.extension().is_some_and(|x| x == "sql"),
                })
                // A down script is not part of the way forward.
                .filter(|p| !is_down_script(p))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn is_down_script(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // golang-migrate's `N_name.down.sql`, Flyway's undo `U<version>__name.sql`.
    let flyway_undo = name.starts_with('u')
        && name[1..].starts_with(|c: char| c.is_ascii_digit())
        && name.contains("__");
    name.ends_with(".down.sql") || flyway_undo
}

#[cfg(test)]
mod tests;
