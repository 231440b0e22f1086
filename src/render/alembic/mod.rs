//! Alembic revisions: `versions/<revision>_<name>.py`, chained to the head by `down_revision`.
//! A statement is Alembic's own operation where Alembic has one that says exactly what the SQL
//! does, options included (`postgresql_concurrently`, `if_not_exists`, `postgresql_not_valid`;
//! see `ops`), and an `op.execute` of migen's SQL otherwise, so migen's safe patterns
//! (concurrent builds, NOT VALID, batched backfills, ALGORITHM clauses) survive as written;
//! statements that must not run in the migration's transaction (or commit on their own) go in
//! `autocommit_block()`.

use std::path::Path;

mod ops;

use self::ops::{Imports, escape_binds};
use crate::dialect::op::Op;
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::plan::{Phase, Plan, PlannedStatement};
use crate::render::layout::{Apply, Block, Rendered, Run};
use crate::render::renderer::{Job, Renderer};
use crate::render::{Artifact, ArtifactKind, Context, slug};
use crate::text::{python_assignment, quoted};

/// The revision the new one follows: the script no other script names as its `down_revision`.
/// `None` for an empty folder; several heads are an error (Alembic would refuse them too).
pub fn head(dir: &Path, existing: &[String]) -> Result<Option<String>> {
    let mut revisions: Vec<(String, Vec<String>, String)> = Vec::new();
    for name in existing.iter().filter(|n| n.ends_with(".py")) {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let Some(revision) =
            python_assignment(&text, "revision").and_then(|v| quoted(&v).into_iter().next())
        else {
            continue;
        };
        let down = python_assignment(&text, "down_revision")
            .map(|v| quoted(&v))
            .unwrap_or_default();
        revisions.push((revision, down, name.clone()));
    }
    let heads: Vec<&(String, Vec<String>, String)> = revisions
        .iter()
        .filter(|(revision, _, _)| !revisions.iter().any(|(_, down, _)| down.contains(revision)))
        .collect();
    match heads.as_slice() {
        [] => Ok(None),
        [(revision, _, _)] => Ok(Some(revision.clone())),
        many => Err(Error::Usage(format!(
            "{} has several heads ({}): merge them with `alembic merge heads` first",
            dir.display(),
            many.iter()
                .map(|(r, _, file)| format!("{r} in {file}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A revision id like Alembic's own (12 hex digits), from the name and time so that a run with
/// `SOURCE_DATE_EPOCH` is reproducible.
fn revision_id(seed: &str) -> String {
    // FNV-1a, 64 bits: stable across Rust versions, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// A Python string literal holding `sql` as SQLAlchemy's `text()` reads it: a colon before a
/// name would be a bind parameter, so it is escaped.
fn sql_literal(sql: &str) -> String {
    let text = escape_binds(sql).replace('\\', "\\\\");
    let mut escaped = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A quote before another quote or before the closing `"""` is escaped, so no three
            // unescaped quotes ever meet: `"User"` at the end of a statement stays inside.
            '"' if matches!(chars.peek(), None | Some('"')) => escaped.push_str("\\\""),
            // Python refuses a NUL byte in source, and `\r` would be read as `\n`.
            '\0' => escaped.push_str("\\x00"),
            '\r' => escaped.push_str("\\r"),
            c => escaped.push(c),
        }
    }
    format!("\"\"\"{escaped}\"\"\"")
}

/// The body of `upgrade()` or `downgrade()`: Alembic's own operations where a statement has
/// one (see `ops`), `op.execute` with migen's SQL where it has none (lock guards,
/// backfills, NOT VALID and VALIDATE, enum types).
fn function_body(
    dialect: Dialect,
    statements: &[PlannedStatement],
    imports: &mut Imports,
) -> String {
    if statements.is_empty() {
        return "    pass\n".into();
    }
    let mut out = String::new();
    let mut in_autocommit = false;
    // Set while the statements of a SQLite rebuild written as batch mode go by.
    let mut in_batch = false;
    for statement in statements {
        let op = statement.op();
        if in_batch && op == Some(&Op::InRebuild) {
            continue;
        }
        in_batch = false;
        let alone = !statement.transactional || statement.own_transaction;
        if alone && !in_autocommit {
            out.push_str("    with op.get_context().autocommit_block():\n");
            in_autocommit = true;
        } else if !alone && in_autocommit {
            in_autocommit = false;
        }
        let indent = if in_autocommit { "        " } else { "    " };
        if let Some(note) = &statement.note {
            out.push_str(&crate::text::commented(&format!("{indent}# "), note));
        }
        if alone {
            out.push_str(&format!(
                "{indent}# {}\n",
                if statement.transactional {
                    "commits on its own"
                } else {
                    "must run outside a transaction"
                }
            ));
        }
        // An operation that falls back to SQL must not leave its imports behind.
        let mut used = Imports::default();
        let operation = op.and_then(|op| ops::render(dialect, op, &mut used));
        if operation.is_some() {
            imports.extend(used);
        }
        match operation {
            Some(lines) => {
                in_batch = matches!(op, Some(Op::Rebuild { .. }));
                for line in lines {
                    for physical in line.lines() {
                        // Continuation lines are indented relative to the statement.
                        out.push_str(indent);
                        out.push_str(physical);
                        out.push('\n');
                    }
                }
            }
            None => out.push_str(&format!(
                "{indent}op.execute({})\n",
                sql_literal(statement.sql.trim_end())
            )),
        }
    }
    out
}

fn suffix(phase: Phase) -> &'static str {
    match phase {
        Phase::Direct => "",
        Phase::PreDeploy => "_expand",
        Phase::Backfill => "_backfill",
        Phase::PostDeploy => "_contract",
    }
}

pub struct Alembic;

impl Renderer for Alembic {
    fn id(&self) -> &'static str {
        "alembic"
    }

    fn layout(&self) -> &'static str {
        "versions/<revision>_<name>.py chained by down_revision"
    }

    fn default_dir(&self) -> &'static str {
        "alembic/versions"
    }

    fn apply_command(&self) -> &'static str {
        "`alembic upgrade head`"
    }

    fn rollback_command(&self) -> &'static str {
        "`alembic downgrade -1`, once per revision"
    }

    fn tests_unavailable(&self) -> Option<&'static str> {
        Some(
            "--with-tests is not available for alembic yet: try the revision with `alembic upgrade head` and `alembic downgrade -1` on a scratch database",
        )
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        render(job.plan, job.context)
    }
}

/// Render each migration of the plan as one revision, chained.
fn render(plan: &Plan, context: &Context) -> Result<Rendered> {
    let mut down_revision = head(&context.dir, &context.existing)?;
    let mut out = Rendered {
        artifacts: Vec::new(),
        up: Vec::new(),
        down: Vec::new(),
        extras_dir: context.dir.clone(),
        versions: Vec::new(),
    };
    let name = slug(&context.name);
    let created = super::layout::timestamp(context.now);
    let date = format!(
        "{}-{}-{} {}:{}:{}",
        &created[0..4],
        &created[4..6],
        &created[6..8],
        &created[8..10],
        &created[10..12],
        &created[12..14]
    );
    for migration in &plan.migrations {
        let label = format!("{name}{}", suffix(migration.phase));
        let revision = revision_id(&format!(
            "{label}:{}:{}",
            context.now,
            down_revision.as_deref().unwrap_or("")
        ));
        let down_text = match &down_revision {
            Some(previous) => format!("'{previous}'"),
            None => "None".into(),
        };
        let when = if migration.phase == Phase::Direct {
            String::new()
        } else {
            format!("\n{}\n", migration.phase.when())
        };
        let mut imports = Imports::default();
        let up = function_body(plan.dialect, &migration.up, &mut imports);
        let down = function_body(plan.dialect, &migration.down, &mut imports);
        let text = format!(
            "\"\"\"{message}\n\nRevision ID: {revision}\nRevises: {revises}\nCreate Date: {date}\n\nGenerated by migen.{when}\"\"\"\nfrom typing import Sequence, Union\n\nfrom alembic import op\n{imports}\n\n# revision identifiers, used by Alembic.\nrevision: str = '{revision}'\ndown_revision: Union[str, Sequence[str], None] = {down_text}\nbranch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, Sequence[str], None] = None\n\n\ndef upgrade() -> None:\n{up}\n\ndef downgrade() -> None:\n{down}",
            message = label.replace('_', " "),
            revises = down_revision.as_deref().unwrap_or(""),
            imports = imports.lines(),
        );
        let path = context.dir.join(format!("{revision}_{label}.py"));
        out.artifacts.push(Artifact {
            path: path.clone(),
            kind: ArtifactKind::Migration,
            phase: Some(migration.phase),
            contents: text,
        });
        out.up.push(Apply {
            path: path.clone(),
            block: Block::Whole,
            run: Run::Statements,
        });
        out.down.insert(
            0,
            Apply {
                path,
                block: Block::Whole,
                run: Run::Statements,
            },
        );
        out.versions.push(format!("{revision}_{label}"));
        down_revision = Some(revision);
    }
    let first = out.versions.first().cloned().unwrap_or_default();
    out.extras_dir = context.dir.join(format!("{first}.migen"));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_the_revision_nothing_follows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a_init.py"),
            "revision = 'aaa'\ndown_revision = None\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b_next.py"),
            "revision: str = \"bbb\"\ndown_revision: Union[str, None] = 'aaa'\n",
        )
        .unwrap();
        let names = vec!["a_init.py".to_string(), "b_next.py".to_string()];
        assert_eq!(head(dir.path(), &names).unwrap(), Some("bbb".into()));
        std::fs::write(
            dir.path().join("c_fork.py"),
            "revision = 'ccc'\ndown_revision = 'aaa'\n",
        )
        .unwrap();
        let names = [names, vec!["c_fork.py".to_string()]].concat();
        let error = head(dir.path(), &names).unwrap_err().to_string();
        assert!(error.contains("several heads"), "{error}");
    }

    #[test]
    fn colons_that_would_be_bind_parameters_are_escaped() {
        assert_eq!(
            sql_literal("SELECT 'a:b', x::int, :name"),
            r#""""SELECT 'a:b', x::int, \\:name""""#
        );
        assert_eq!(sql_literal("SELECT '12:30'"), r#""""SELECT '12:30'""""#);
    }

    #[test]
    fn no_three_unescaped_quotes_ever_meet() {
        // A statement ending in a quoted name used to close the literal one quote early.
        assert_eq!(
            sql_literal(r#"ALTER TYPE "Mood" RENAME TO "Mood__migen_old""#),
            r#""""ALTER TYPE "Mood" RENAME TO "Mood__migen_old\"""""#
        );
        assert_eq!(sql_literal(r#"a""""b"#), r#""""a\"\"\""b""""#);
        assert_eq!(sql_literal("x\rDROP"), r#""""x\rDROP""""#);
    }
}
