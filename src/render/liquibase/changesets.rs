//! The changesets of one changelog. Each unit of migen's plan (the statements that run in one
//! transaction, or one statement that cannot) becomes a changeset, so Liquibase's
//! one-transaction-per-changeset rule keeps the plan's atomicity.
//!
//! Liquibase's own statement splitter does not know PostgreSQL's `$tag$` quoting, so how a
//! changeset's text is cut depends on the dialect (see `Splitting`).

use std::fmt::Write as _;

use crate::model::Dialect;
use crate::plan::{self, Phase, Plan, PlannedStatement};

/// Statements that run as one changeset.
#[derive(Debug, Clone)]
struct Unit {
    statements: Vec<PlannedStatement>,
    /// Must run outside Liquibase's transaction (`runInTransaction:false`).
    outside: bool,
}

/// One changeset: its up and the down that undoes it (either may be missing where the plan's
/// up and down have different shapes).
struct Changeset {
    phase: Phase,
    up: Option<Unit>,
    down: Option<Unit>,
}

/// The label `--label-filter` picks a phase by.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Direct => "direct",
        Phase::PreDeploy => "expand",
        Phase::Backfill => "backfill",
        Phase::PostDeploy => "contract",
    }
}

fn outside_transaction(statement: &PlannedStatement) -> bool {
    !statement.transactional
        || statement.own_transaction
        // SQLite's PRAGMA foreign_keys does nothing inside a transaction.
        || statement
            .sql
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("PRAGMA FOREIGN_KEYS")
}

/// A migration's statements as units: the plan's transaction units, with anything that must
/// run outside a transaction alone.
fn units(dialect: Dialect, statements: &[PlannedStatement]) -> Vec<Unit> {
    let mut result = Vec::new();
    if dialect == Dialect::Mysql {
        // Under LOCK TABLES, Liquibase's own write to DATABASECHANGELOG fails: from LOCK
        // TABLES to UNLOCK TABLES is one changeset (MySQL commits each DDL statement anyway).
        let mut locked: Option<Vec<PlannedStatement>> = None;
        for statement in statements {
            let upper = statement.sql.trim_start().to_ascii_uppercase();
            if let Some(group) = locked.as_mut() {
                group.push(statement.clone());
                if upper.starts_with("UNLOCK TABLES") {
                    result.push(Unit {
                        statements: locked.take().unwrap_or_default(),
                        outside: false,
                    });
                }
            } else if upper.starts_with("LOCK TABLES") {
                locked = Some(vec![statement.clone()]);
            } else {
                result.push(Unit {
                    statements: vec![statement.clone()],
                    outside: outside_transaction(statement),
                });
            }
        }
        if let Some(group) = locked {
            result.push(Unit {
                statements: group,
                outside: false,
            });
        }
        return result;
    }
    for unit in plan::units(dialect, statements) {
        let mut group: Vec<PlannedStatement> = Vec::new();
        for statement in unit.statements {
            if outside_transaction(statement) {
                if !group.is_empty() {
                    result.push(Unit {
                        statements: std::mem::take(&mut group),
                        outside: false,
                    });
                }
                result.push(Unit {
                    statements: vec![statement.clone()],
                    outside: true,
                });
            } else {
                group.push(statement.clone());
            }
        }
        if !group.is_empty() {
            result.push(Unit {
                statements: group,
                outside: false,
            });
        }
    }
    result
}

/// The plan's changesets, in order. Downs are spread so that rolling back changeset by
/// changeset, newest first, runs them in the planned order; an up and a down that disagree on
/// running in a transaction go to changesets of their own.
fn changesets(plan: &Plan) -> Vec<Changeset> {
    let mut result = Vec::new();
    for migration in &plan.migrations {
        let ups = units(plan.dialect, &migration.up);
        let downs = units(plan.dialect, &migration.down);
        let count = ups.len().max(downs.len()).max(1);
        for k in 0..count {
            let up = ups.get(k).cloned();
            let down = downs.get(count - 1 - k).cloned();
            let phase = migration.phase;
            match (up, down) {
                (Some(up), Some(down)) if up.outside != down.outside => {
                    // Rolled back newest first: the down's changeset comes after the up's.
                    result.push(Changeset {
                        phase,
                        up: Some(up),
                        down: None,
                    });
                    result.push(Changeset {
                        phase,
                        up: None,
                        down: Some(down),
                    });
                }
                (up, down) => result.push(Changeset { phase, up, down }),
            }
        }
    }
    result
}

/// How a changeset's statements are told apart.
#[derive(Clone, Copy)]
enum Splitting {
    /// PostgreSQL: the changeset goes to the JDBC driver whole (`splitStatements:false`), which
    /// splits at `;` knowing dollar quotes and comments.
    Driver,
    /// MySQL and SQLite: each statement ends at a line `/` (`endDelimiter:/`), where
    /// Liquibase splits, so a procedure or trigger body keeps its semicolons (no `DELIMITER`);
    /// the rollback too (`rollbackEndDelimiter:/`: without it Liquibase splits a rollback at
    /// every `;`, inside a trigger's BEGIN … END as well).
    Slash,
}

impl Splitting {
    fn of(dialect: Dialect) -> Splitting {
        match dialect {
            Dialect::Postgres => Splitting::Driver,
            Dialect::Mysql | Dialect::Sqlite => Splitting::Slash,
        }
    }

    fn attributes(self) -> &'static str {
        match self {
            Splitting::Driver => "splitStatements:false",
            Splitting::Slash => {
                "splitStatements:true endDelimiter:/ rollbackSplitStatements:true rollbackEndDelimiter:/"
            }
        }
    }

    /// One statement's text, each line prefixed (`--rollback ` for the down).
    fn write(self, text: &mut String, prefix: &str, sql: &str) {
        let sql = sql.trim_end().trim_end_matches(';');
        let lines: Vec<&str> = sql.lines().collect();
        for (k, line) in lines.iter().enumerate() {
            let last = k + 1 == lines.len();
            let end = if last && matches!(self, Splitting::Driver) {
                ";"
            } else {
                ""
            };
            let _ = writeln!(text, "{prefix}{line}{end}");
        }
        if matches!(self, Splitting::Slash) {
            let _ = writeln!(text, "{prefix}/");
        }
    }
}

/// A statement and its note, each line prefixed (`--rollback ` for the down).
fn write_statement(
    text: &mut String,
    splitting: Splitting,
    prefix: &str,
    statement: &PlannedStatement,
) {
    if let Some(note) = &statement.note {
        text.push_str(&crate::text::commented(&format!("{prefix}-- "), note));
    }
    if prefix.is_empty() {
        splitting.write(text, prefix, &statement.sql);
    } else {
        // Liquibase splits a rollback at `;` whatever the changeset says, and does not know
        // PostgreSQL's dollar quotes: a body goes into a plain string, which it does know.
        splitting.write(text, prefix, &dollar_quotes_as_strings(&statement.sql));
    }
}

/// `$tag$ … $tag$` (PostgreSQL) as `' … '`, quotes inside doubled; the rest as it is.
pub(super) fn dollar_quotes_as_strings(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let tag_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let is_tag = after[tag_len..].starts_with('$')
            && !after[..tag_len].starts_with(|c: char| c.is_ascii_digit());
        if !is_tag {
            out.push_str(&rest[..start + 1]);
            rest = after;
            continue;
        }
        let tag = &rest[start..start + tag_len + 2];
        let body_start = start + tag.len();
        let Some(body_len) = rest[body_start..].find(tag) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push('\'');
        out.push_str(&rest[body_start..body_start + body_len].replace('\'', "''"));
        out.push('\'');
        rest = &rest[body_start + body_len + tag.len()..];
    }
    out.push_str(rest);
    out
}

/// Where a changeset has nothing to run one way, a statement that does nothing: Liquibase
/// wants SQL in every changeset and a rollback for every formatted-SQL changeset.
const NOTHING: &str = "SELECT 1";

/// The changelog text for `stem` and how many changesets it holds (what `rollback-count`
/// takes to undo it).
pub fn changelog(plan: &Plan, stem: &str) -> (String, usize) {
    let changesets = changesets(plan);
    let splitting = Splitting::of(plan.dialect);
    let mut text = format!(
        "--liquibase formatted sql\n\n-- Generated by migen for liquibase: {stem}.\n-- {} changesets; `liquibase rollback-count --count={}` undoes them all.\n-- Never edit a changeset once applied: Liquibase checksums it.\n",
        changesets.len(),
        changesets.len()
    );
    for (n, changeset) in changesets.iter().enumerate() {
        text.push('\n');
        if changeset.phase != Phase::Direct {
            let _ = writeln!(text, "-- {}", changeset.phase.when());
        }
        let outside = changeset.up.as_ref().is_some_and(|u| u.outside)
            || changeset.down.as_ref().is_some_and(|d| d.outside);
        let _ = writeln!(
            text,
            "--changeset migen:{stem}-{} labels:{}{} {}",
            n + 1,
            phase_label(changeset.phase),
            if outside {
                " runInTransaction:false"
            } else {
                ""
            },
            splitting.attributes()
        );
        match &changeset.up {
            Some(unit) => {
                for statement in &unit.statements {
                    write_statement(&mut text, splitting, "", statement);
                }
            }
            None => {
                text.push_str(
                    "-- Nothing to run up here: this changeset holds a step of the rollback.\n",
                );
                splitting.write(&mut text, "", NOTHING);
            }
        }
        match &changeset.down {
            Some(unit) => {
                for statement in &unit.statements {
                    write_statement(&mut text, splitting, "--rollback ", statement);
                }
            }
            None => {
                splitting.write(&mut text, "--rollback ", NOTHING);
            }
        }
    }
    let count = changesets.len();
    (text, count)
}
