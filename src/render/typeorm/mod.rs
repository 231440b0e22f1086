//! TypeORM: `<13-digit ms timestamp>-<Name>.ts` (or `.js` where the folder's migrations are
//! JavaScript) holding `export class <Name><timestamp> implements MigrationInterface`, whose
//! `up` and `down` send migen's statements one by one through `queryRunner.query`.
//!
//! No QueryRunner schema method (`addColumn`, `createIndex`, …) is used: each one builds its
//! own SQL per driver (TypeORM's type names, its `temporary_` table copy on SQLite, no
//! `CONCURRENTLY`, no lock guards), so none runs exactly the statement migen planned on all
//! three dialects. Statements that cannot run inside a transaction (PostgreSQL's concurrent
//! index builds, SQLite's `PRAGMA foreign_keys`, batched backfills that commit) put
//! `transaction = false` on their migration; TypeORM honours that only with `-t each` (run)
//! or `-t none` (revert), and the migration says so when it finds itself in a transaction.

use std::fmt::Write as _;
use std::path::Path;

mod runner;
mod sqlite_text;

use super::chunk::Chunk;
use super::layout::{Block, Rendered, Run, pieces};
use super::renderer::{Job, Renderer, RunnerSteps};
use super::{ArtifactKind, Context};
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::plan::{self, Phase, Plan, PlannedStatement};

pub struct TypeOrm;

impl Renderer for TypeOrm {
    fn id(&self) -> &'static str {
        "typeorm"
    }

    fn layout(&self) -> &'static str {
        "<timestamp>-<Name>.ts with a MigrationInterface class (up/down through queryRunner)"
    }

    fn default_dir(&self) -> &'static str {
        "src/migrations"
    }

    fn apply_command(&self) -> &'static str {
        "`npx typeorm-ts-node-commonjs migration:run -d <data-source>` (`npx typeorm` for JavaScript), with `-t each` when a migration sets `transaction = false`"
    }

    fn rollback_command(&self) -> &'static str {
        "`npx typeorm-ts-node-commonjs migration:revert -d <data-source>` (`npx typeorm` for JavaScript), once per migration, with `-t none` for a migration that sets `transaction = false`"
    }

    fn runner_steps(&self, rendered: &Rendered, dialect: Dialect) -> Option<RunnerSteps> {
        Some(runner::steps(rendered, dialect))
    }

    fn guide_notes(&self, rendered: &Rendered) -> Option<String> {
        transaction_note(rendered)
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        render(job.plan, job.context)
    }
}

/// TypeORM runs all pending migrations in one transaction unless told otherwise, and refuses a
/// migration that opts out of it there: the guide names those and the flags they need.
fn transaction_note(rendered: &Rendered) -> Option<String> {
    let own: Vec<String> = rendered
        .up
        .iter()
        .filter(|apply| matches!(apply.run, Run::Tool { transaction: false }))
        .map(|apply| format!("`{}`", apply.path.display()))
        .collect();
    if own.is_empty() {
        return None;
    }
    let one = own.len() == 1;
    Some(format!(
        "TypeORM runs every pending migration in one transaction by default (`-t all`) and refuses a migration that sets `transaction = false` there. {} set{} it, as some of {} statements cannot run inside a transaction; {} open{} their own transactions around the statements that can. Apply with `npx typeorm migration:run -d <data-source> -t each`, revert with `npx typeorm migration:revert -d <data-source> -t none`.\n\n",
        own.join(", "),
        if one { "s" } else { "" },
        if one { "its" } else { "their" },
        if one { "it" } else { "they" },
        if one { "s" } else { "" },
    ))
}

/// How the files are written: TypeScript, or the JavaScript flavour the folder already uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    TypeScript,
    CommonJs,
    EsModule,
}

impl Language {
    fn extension(self) -> &'static str {
        match self {
            Language::TypeScript => "ts",
            Language::CommonJs | Language::EsModule => "js",
        }
    }
}

/// What the existing migrations in the folder say: their language and the newest timestamp.
struct Folder {
    language: Language,
    latest: Option<u64>,
}

/// The timestamp a migration class name ends with (TypeORM reads the last 13 characters).
fn class_timestamp(name: &str) -> Option<u64> {
    let digits = name.get(name.len().checked_sub(13)?..)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// The class names a migration file declares (`class X1700000000000`).
fn class_names(text: &str) -> Vec<&str> {
    text.match_indices("class ")
        .filter(|(at, _)| {
            *at == 0 || !text[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })
        .filter_map(|(at, word)| {
            let rest = &text[at + word.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
}

fn scan(dir: &Path, existing: &[String]) -> Result<Folder> {
    let mut latest: Option<u64> = None;
    let (mut ts, mut js, mut esm) = (0, 0, 0);
    for name in existing {
        let is_ts = name.ends_with(".ts") && !name.ends_with(".d.ts");
        let is_js = name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs");
        if !is_ts && !is_js {
            continue;
        }
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let stamps: Vec<u64> = class_names(&text)
            .into_iter()
            .filter_map(class_timestamp)
            .collect();
        // A file without a timestamped class is no migration (an index file, a helper).
        let Some(newest) = stamps.into_iter().max() else {
            continue;
        };
        latest = latest.max(Some(newest));
        if is_ts {
            ts += 1;
        } else if text.contains("export class") || name.ends_with(".mjs") {
            esm += 1;
        } else {
            js += 1;
        }
    }
    let language = if ts > 0 || js + esm == 0 {
        Language::TypeScript
    } else if esm > js {
        Language::EsModule
    } else {
        Language::CommonJs
    };
    Ok(Folder { language, latest })
}

/// `add_phone_expand` → `AddPhoneExpand`; a class name may not start with a digit.
fn pascal(label: &str) -> String {
    let mut out = String::new();
    for word in label.split('_').filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Migration");
    }
    out
}

/// `text` inside a JavaScript template literal: backslashes, backticks and `${` escaped, so the
/// string TypeORM sends is exactly the statement.
pub fn template_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            // A template literal reads a raw carriage return as a line feed.
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out.push('`');
    out
}

/// Timestamps in milliseconds for `count` migrations: from now, after every existing class.
fn stamps(context: &Context, latest: Option<u64>, count: usize) -> Vec<u64> {
    let now = context.now.saturating_mul(1000);
    let start = match latest {
        Some(latest) if latest >= now => latest + 1,
        _ => now,
    };
    (0..count as u64).map(|k| start + k).collect()
}

fn render(plan: &Plan, context: &Context) -> Result<Rendered> {
    let folder = scan(&context.dir, &context.existing)?;
    let mut out = Rendered::new(&context.dir);
    // One class per migration of the plan (one per phase): TypeORM runs a class whole, in a
    // transaction unless the class opts out, so nothing needs splitting further.
    let pieces = pieces(plan, &context.name, false);
    let stamps = stamps(context, folder.latest, pieces.len());
    for (piece, stamp) in pieces.iter().zip(stamps) {
        let name = pascal(&piece.label);
        let class = format!("{name}{stamp}");
        let path = context
            .dir
            .join(format!("{stamp}-{name}.{}", folder.language.extension()));
        let migration = MigrationText {
            dialect: plan.dialect,
            language: folder.language,
            class: &class,
            phase: piece.phase,
            losses: losses(plan, piece.phase),
        };
        let text = migration.text(&piece.up, &piece.down);
        out.push(
            path.clone(),
            ArtifactKind::Migration,
            Some(piece.phase),
            text,
        );
        let run = Run::Tool {
            transaction: piece.up.atomic && piece.down.atomic,
        };
        out.runs("up", path.clone(), Block::Whole, run);
        out.runs("down", path, Block::Whole, run);
        out.versions.push(class);
    }
    out.extras_beside_files(&context.dir);
    Ok(out)
}

/// What the down of a phase cannot bring back, from the plan's steps.
fn losses(plan: &Plan, phase: Phase) -> Vec<String> {
    plan.steps
        .iter()
        .filter(|step| step.phase == phase)
        .filter_map(|step| {
            step.loss
                .as_ref()
                .map(|loss| format!("{}: {loss}", step.summary))
        })
        .collect()
}

struct MigrationText<'a> {
    dialect: Dialect,
    language: Language,
    class: &'a str,
    phase: Phase,
    losses: Vec<String>,
}

impl MigrationText<'_> {
    fn text(&self, up: &Chunk, down: &Chunk) -> String {
        let own_transactions = !(up.atomic && down.atomic);
        let typed = self.language == Language::TypeScript;
        let mut s = String::new();
        match self.language {
            Language::TypeScript => {
                s.push_str("import { MigrationInterface, QueryRunner } from \"typeorm\";\n\n")
            }
            Language::CommonJs | Language::EsModule => s.push_str(
                "/**\n * @typedef {import('typeorm').MigrationInterface} MigrationInterface\n * @typedef {import('typeorm').QueryRunner} QueryRunner\n */\n\n",
            ),
        }
        let _ = writeln!(s, "// Generated by migen for typeorm: {}.", self.class);
        if self.phase != Phase::Direct {
            let _ = writeln!(s, "// {}", self.phase.when());
        }
        if own_transactions {
            s.push_str(
                "// Some statements here cannot run inside a transaction, so this migration opts out of\n// TypeORM's (`transaction = false`) and opens its own around the statements that can.\n// TypeORM accepts that only with `migration:run -t each` and `migration:revert -t none`.\n",
            );
        }
        let class_line = match self.language {
            Language::TypeScript => {
                format!(
                    "export class {} implements MigrationInterface {{\n",
                    self.class
                )
            }
            Language::EsModule => format!(
                "/** @implements {{MigrationInterface}} */\nexport class {} {{\n",
                self.class
            ),
            Language::CommonJs => format!(
                "/** @implements {{MigrationInterface}} */\nmodule.exports = class {} {{\n",
                self.class
            ),
        };
        s.push_str(&class_line);
        let _ = writeln!(s, "    name = '{}'", self.class);
        if own_transactions {
            s.push_str("    transaction = false\n");
        }
        for (direction, chunk) in [("up", up), ("down", down)] {
            s.push('\n');
            if typed {
                let _ = writeln!(
                    s,
                    "    public async {direction}(queryRunner: QueryRunner): Promise<void> {{"
                );
            } else {
                let _ = writeln!(
                    s,
                    "    /** @param {{QueryRunner}} queryRunner */\n    async {direction}(queryRunner) {{"
                );
            }
            if direction == "down" && !self.losses.is_empty() {
                s.push_str("        // What this down cannot bring back:\n");
                for loss in &self.losses {
                    s.push_str(&crate::text::commented("        //   ", loss));
                }
            }
            s.push_str(&self.body(chunk, own_transactions));
            s.push_str("    }\n");
        }
        s.push_str(match self.language {
            Language::CommonJs => "};\n",
            _ => "}\n",
        });
        if own_transactions {
            s.push('\n');
            s.push_str(&self.helpers());
        }
        s
    }

    /// The statements of one direction. In a migration that keeps TypeORM's transaction, one
    /// `queryRunner.query` each; otherwise grouped into the transactions migen planned.
    fn body(&self, chunk: &Chunk, own_transactions: bool) -> String {
        let mut s = String::new();
        if chunk.is_empty() {
            s.push_str("        // Nothing to undo in this direction.\n");
            return s;
        }
        if !own_transactions {
            for statement in &chunk.statements {
                query(&mut s, self.dialect, statement, "        ");
            }
            return s;
        }
        s.push_str("        outsideTransaction(queryRunner, this.name);\n");
        for unit in plan::units(self.dialect, &chunk.statements) {
            if unit.transaction {
                s.push_str("        await inTransaction(queryRunner, async () => {\n");
                for statement in unit.statements {
                    query(&mut s, self.dialect, statement, "            ");
                }
                s.push_str("        });\n");
            } else {
                for statement in unit.statements {
                    query(&mut s, self.dialect, statement, "        ");
                }
            }
        }
        s
    }

    /// The two functions a migration that manages its own transactions uses.
    fn helpers(&self) -> String {
        let (runner, body, name) = if self.language == Language::TypeScript {
            (
                "queryRunner: QueryRunner",
                "body: () => Promise<void>",
                "name: string",
            )
        } else {
            ("queryRunner", "body", "name")
        };
        format!(
            "// TypeORM opened a transaction around this migration: the statements that must run outside\n// one would fail (or, for SQLite's PRAGMA foreign_keys, do nothing) inside it.\nfunction outsideTransaction({runner}, {name}) {{\n    if (queryRunner.isTransactionActive) {{\n        throw new Error(`${{name}} sets transaction = false: run it with \\`typeorm migration:run -t each\\` and revert it with \\`typeorm migration:revert -t none\\``);\n    }}\n}}\n\n// The statements between those that cannot share a transaction, all or nothing.\nasync function inTransaction({runner}, {body}) {{\n    await queryRunner.startTransaction();\n    try {{\n        await body();\n        await queryRunner.commitTransaction();\n    }} catch (error) {{\n        await queryRunner.rollbackTransaction();\n        throw error;\n    }}\n}}\n"
        )
    }
}

/// One statement: its note and transaction remark as comments, then the call.
fn query(s: &mut String, dialect: Dialect, statement: &PlannedStatement, indent: &str) {
    if let Some(note) = &statement.note {
        s.push_str(&crate::text::commented(&format!("{indent}// "), note));
    }
    if !statement.transactional {
        let _ = writeln!(s, "{indent}// must run outside a transaction");
    } else if statement.own_transaction {
        let _ = writeln!(s, "{indent}// commits on its own");
    }
    let sql = statement.sql.trim_end();
    let sql = match dialect {
        Dialect::Sqlite => sqlite_text::typeorm_shape(sql),
        _ => sql.to_string(),
    };
    let _ = writeln!(
        s,
        "{indent}await queryRunner.query({});",
        template_literal(&sql)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_literals_keep_the_statement_exact() {
        assert_eq!(template_literal("SELECT 1"), "`SELECT 1`");
        assert_eq!(
            template_literal(r"DEFAULT 'a`b${c}\n' $x {y}"),
            r"`DEFAULT 'a\`b\${c}\\n' $x {y}`"
        );
        assert_eq!(template_literal("\"a\rb\""), r#"`"a\rb"`"#);
    }

    #[test]
    fn class_names_end_with_the_timestamp() {
        let text = "import x;\nexport class AddBio1767607200000 implements MigrationInterface {}\nclass Helper {}\n// subclass X\n";
        assert_eq!(class_names(text), ["AddBio1767607200000", "Helper"]);
        assert_eq!(
            class_timestamp("AddBio1767607200000"),
            Some(1_767_607_200_000)
        );
        assert_eq!(class_timestamp("Helper"), None);
        assert_eq!(pascal("add_phone_expand_2"), "AddPhoneExpand2");
        assert_eq!(pascal("2fa"), "Migration2fa");
    }

    #[test]
    fn the_folder_decides_language_and_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("1900000000000-Init.js"),
            "module.exports = class Init1900000000000 {}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("index.js"), "module.exports = {}\n").unwrap();
        let names = vec!["1900000000000-Init.js".into(), "index.js".into()];
        let folder = scan(dir.path(), &names).unwrap();
        assert_eq!(folder.language, Language::CommonJs);
        assert_eq!(folder.latest, Some(1_900_000_000_000));
        let context = Context {
            dir: dir.path().to_path_buf(),
            name: "x".into(),
            now: 1_794_700_800,
            existing: names,
        };
        // The clock is behind the newest class: the new ones still sort after it.
        assert_eq!(
            stamps(&context, folder.latest, 2),
            [1_900_000_000_001, 1_900_000_000_002]
        );
        assert_eq!(stamps(&context, None, 1), [1_794_700_800_000]);
        let empty = scan(dir.path(), &[]).unwrap();
        assert_eq!(empty.language, Language::TypeScript);
    }
}
