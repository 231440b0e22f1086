//! Changes → SQL text for one database: quoting, type spelling, DDL, and the statements each
//! dialect needs for a change (or, in SQLite, a table rebuild in place of many changes).

mod mysql;
pub mod op;
mod postgres;
pub mod seed;
mod sqlite;

pub use sqlite::{FOREIGN_KEYS_OFF, FOREIGN_KEYS_ON};

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diff::Change;
use crate::model::*;
use crate::normalize::{column_default_sql, quote_ident, quote_qname, quote_string, type_sql};

/// One SQL statement of a migration.
#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub sql: String,
    /// False for statements that must run outside a transaction block
    /// (`ALTER TYPE … ADD VALUE` in PostgreSQL, `PRAGMA foreign_keys` in SQLite).
    pub transactional: bool,
    /// Must commit on its own, apart from the statements around it (VALIDATE CONSTRAINT after
    /// the NOT VALID add: holding the add's lock during the scan would defeat the point).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub own_transaction: bool,
    /// What a reader of the migration should know about this statement.
    #[serde(skip)]
    pub note: Option<String>,
    /// Linter rules the statement is known to trip although the recipe it belongs to makes it
    /// safe, each with the reason (written as `-- squawk-ignore` comments).
    #[serde(skip)]
    pub lint_ignores: Vec<LintIgnore>,
    /// What the statement does, as structure (for targets with operations of their own).
    #[serde(skip)]
    pub tag: Option<Box<op::Tag>>,
}

/// A linter rule (squawk's name for it) that a statement trips on purpose, and why that is safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintIgnore {
    pub rule: &'static str,
    pub why: &'static str,
}

/// Statements are the same when they run the same SQL the same way; the tag only describes it.
impl PartialEq for Statement {
    fn eq(&self, other: &Statement) -> bool {
        self.sql == other.sql
            && self.transactional == other.transactional
            && self.own_transaction == other.own_transaction
            && self.note == other.note
            && self.lint_ignores == other.lint_ignores
    }
}

impl Eq for Statement {}

impl Statement {
    pub fn new(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            transactional: true,
            own_transaction: false,
            note: None,
            lint_ignores: Vec::new(),
            tag: None,
        }
    }

    /// A statement that commits on its own.
    pub fn alone(sql: impl Into<String>) -> Statement {
        Statement {
            own_transaction: true,
            ..Statement::new(sql)
        }
    }

    pub fn outside_transaction(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            transactional: false,
            own_transaction: false,
            note: None,
            lint_ignores: Vec::new(),
            tag: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Statement {
        self.note = Some(note.into());
        self
    }

    /// The statement marked as tripping the linter rule `rule` on purpose, for the reason `why`.
    pub fn lint_ignore(mut self, rule: &'static str, why: &'static str) -> Statement {
        if !self.lint_ignores.iter().any(|i| i.rule == rule) {
            self.lint_ignores.push(LintIgnore { rule, why });
        }
        self
    }

    /// The statement that performs `op`, its SQL written by `dialect`'s writer from the
    /// operation and its options; `None` where `write` has no SQL for it.
    pub fn of(dialect: Dialect, op: op::Op) -> Option<Statement> {
        Some(Statement::new(write(dialect, &op)?).with_op(op))
    }

    /// This statement performing `op` instead (typically its own operation with other options),
    /// the SQL written anew from `op`; transaction flags and note kept. `None` where `write`
    /// has no SQL for `op`.
    pub fn restate(&self, dialect: Dialect, op: op::Op) -> Option<Statement> {
        let sql = write(dialect, &op)?;
        Some(
            Statement {
                sql,
                tag: None,
                ..self.clone()
            }
            .with_op(op),
        )
    }

    /// Describe what the statement's SQL (as it is now) does.
    pub fn with_op(mut self, op: op::Op) -> Statement {
        self.tag = Some(Box::new(op::Tag::new(op, &self.sql)));
        self
    }

    /// The operation the statement performs, unless its SQL was rewritten since it was tagged.
    pub fn op(&self) -> Option<&op::Op> {
        self.tag.as_ref().and_then(|t| t.for_sql(&self.sql))
    }
}

/// The SQL of one operation in `dialect`, written from the operation and its options (see
/// `op`). `None` for an operation the dialect writes only as part of a change (CREATE TABLE,
/// SQLite's rebuild), one it has no single statement for, and an option it has no spelling
/// for (MySQL's ALGORITHM clause on a statement that takes none, NOT VALID outside
/// PostgreSQL).
pub fn write(dialect: Dialect, op: &op::Op) -> Option<String> {
    match dialect {
        Dialect::Postgres => postgres::write(op),
        Dialect::Mysql => mysql::write(op),
        Dialect::Sqlite => sqlite::write(op),
    }
}

/// The statement for an operation known to be one `dialect` writes (see `write`): the
/// writers' own, and those the planner makes.
pub(crate) fn written(dialect: Dialect, op: op::Op) -> Statement {
    Statement::of(dialect, op).expect("an operation the dialect writes")
}

/// Everything a dialect writer needs besides the change itself.
pub struct Context<'a> {
    pub dialect: Dialect,
    pub from: &'a Schema,
    pub to: &'a Schema,
    /// Tables that exist at this point of the script (for inline foreign keys).
    pub existing_tables: BTreeSet<QName>,
    /// Statements that must wait until every table is created (foreign keys in a cycle,
    /// sequence ownership).
    pub deferred: Vec<Statement>,
    /// Statements for the very end (dropping an enum type replaced earlier in the script).
    pub last: Vec<Statement>,
    /// Tables whose rows an earlier migration dropped: foreign keys into them cannot be
    /// validated against existing rows (the down of a DROP TABLE).
    pub unchecked_fk_targets: BTreeSet<QName>,
}

/// The SQL that applies `changes` (computed from `from` → `to`) in order.
pub fn statements(changes: &[Change], from: &Schema, to: &Schema) -> Vec<Statement> {
    statements_with(changes, from, to, &BTreeSet::new())
}

/// `statements`, where foreign keys into `unchecked_fk_targets` are added without checking the
/// rows already there.
pub fn statements_with(
    changes: &[Change],
    from: &Schema,
    to: &Schema,
    unchecked_fk_targets: &BTreeSet<QName>,
) -> Vec<Statement> {
    let dialect = to.dialect;
    let mut ctx = Context {
        dialect,
        from,
        to,
        existing_tables: from.tables.keys().cloned().collect(),
        deferred: Vec::new(),
        last: Vec::new(),
        unchecked_fk_targets: unchecked_fk_targets.clone(),
    };
    let mut out = Vec::new();
    let changes = match dialect {
        Dialect::Sqlite => sqlite::plan_rebuilds(changes, from, to),
        _ => changes.iter().cloned().map(sqlite::Step::Change).collect(),
    };
    for (i, step) in changes.iter().enumerate() {
        match step {
            sqlite::Step::Change(change) => {
                if let Change::RenameTable { to: new, .. } = change {
                    ctx.existing_tables.insert(new.clone());
                }
                let mut stmts = match dialect {
                    Dialect::Postgres => postgres::change(&mut ctx, change),
                    Dialect::Mysql => mysql::change(&mut ctx, change),
                    Dialect::Sqlite => sqlite::change(&mut ctx, change),
                };
                if let Change::CreateTable { table } = change {
                    ctx.existing_tables.insert(table.name.clone());
                }
                out.append(&mut stmts);
            }
            sqlite::Step::Rebuild { from: old, to: new } => {
                out.extend(sqlite::rebuild(old, new, to))
            }
        }
        // Foreign keys into a cycle of new tables wait until the last of them exists.
        let is_create =
            |s: &sqlite::Step| matches!(s, sqlite::Step::Change(Change::CreateTable { .. }));
        if is_create(step) && !changes.get(i + 1).is_some_and(is_create) {
            out.append(&mut ctx.deferred);
        }
    }
    out.append(&mut ctx.deferred);
    out.append(&mut ctx.last);
    if dialect == Dialect::Sqlite {
        merge_foreign_key_switches(&mut out);
    }
    out
}

/// Back-to-back rebuilds each switch foreign keys off and on; one switch around all is enough.
fn merge_foreign_key_switches(statements: &mut Vec<Statement>) {
    let mut merged: Vec<Statement> = Vec::with_capacity(statements.len());
    for statement in statements.drain(..) {
        let on_then_off = statement.sql == FOREIGN_KEYS_OFF
            && merged.last().is_some_and(|s| s.sql == FOREIGN_KEYS_ON);
        if on_then_off {
            merged.pop();
        } else {
            merged.push(statement);
        }
    }
    *statements = merged;
}

/// Whether PostgreSQL assigns a `from` value to a `to` column without an explicit cast.
pub(crate) fn postgres_assigns(from: &Type, to: &Type) -> bool {
    postgres::casts_implicitly(from, to)
}

/// `value` of type `from` converted to `to` in PostgreSQL.
pub(crate) fn postgres_convert(value: &str, from: &Type, to: &Type) -> String {
    postgres::convert(value, from, to)
}

/// `statement` (a column rename) tagged with the column as it stands before the rename: its
/// definition in the source schema. Untagged when the table had another name there (the
/// target's definition may hold later changes, which MySQL's CHANGE COLUMN would apply early).
pub(crate) fn tag_column_rename(
    ctx: &Context,
    statement: Statement,
    table: &QName,
    from: &str,
    to: &str,
) -> Statement {
    match ctx.from.tables.get(table).and_then(|t| t.column(from)) {
        Some(column) => statement.with_op(op::Op::RenameColumn {
            table: table.clone(),
            column: column.clone(),
            to: to.to_string(),
        }),
        None => statement,
    }
}

pub(crate) const UNCHECKED_FK_NOTE: &str = "the referenced table was dropped with its rows by the up migration, so existing rows are not checked against it";

// ---------------------------------------------------------------------------
// shared pieces

pub(crate) fn q(dialect: Dialect, name: &str) -> String {
    quote_ident(dialect, name)
}

pub(crate) fn qn(dialect: Dialect, name: &QName) -> String {
    quote_qname(dialect, name)
}

pub(crate) fn column_list(dialect: Dialect, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| q(dialect, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column definition as it appears in CREATE TABLE / ADD COLUMN.
/// `sequences` are the target schema's standalone sequences: a default drawing from one of them
/// is a plain default, not a serial column.
pub(crate) fn column_def(
    dialect: Dialect,
    table: &QName,
    column: &Column,
    sequences: &std::collections::BTreeMap<QName, Sequence>,
) -> String {
    column_def_as(
        dialect,
        column,
        postgres::serial_type(table, column, sequences),
    )
}

/// A column definition, the column spelled `serial` (or its like) when `serial` says so.
pub(crate) fn column_def_as(dialect: Dialect, column: &Column, serial: Option<&str>) -> String {
    let mut parts = vec![q(dialect, &column.name)];
    match serial {
        Some(serial) => parts.push(serial.to_string()),
        None => parts.push(type_sql(dialect, &column.ty)),
    }
    if let Some(collation) = &column.collation {
        match dialect {
            Dialect::Postgres => parts.push(format!(
                "COLLATE {}",
                quote_ident_always(dialect, collation)
            )),
            Dialect::Mysql => parts.push(format!("COLLATE {collation}")),
            Dialect::Sqlite => parts.push(format!("COLLATE {collation}")),
        }
    }
    if let Some(identity) = column.identity {
        parts.push(match identity {
            Identity::Always => "GENERATED ALWAYS AS IDENTITY".into(),
            Identity::ByDefault => "GENERATED BY DEFAULT AS IDENTITY".into(),
        });
        if let Some(options) = column.identity_options {
            parts.push(format!(
                "(START WITH {} INCREMENT BY {})",
                options.start, options.increment
            ));
        }
    }
    if let Some(generated) = &column.generated {
        let kind = if generated.stored {
            "STORED"
        } else {
            "VIRTUAL"
        };
        parts.push(format!("GENERATED ALWAYS AS ({}) {kind}", generated.expr));
    }
    let mysql_generated = dialect == Dialect::Mysql && column.generated.is_some();
    if !column.nullable && !mysql_generated {
        parts.push("NOT NULL".into());
    } else if dialect == Dialect::Mysql
        && !mysql_generated
        && column.default.is_none()
        && matches!(column.ty, Type::Timestamp { .. })
    {
        parts.push("NULL".into());
    }
    if let Some(default) = &column.default
        && serial.is_none()
        && column.generated.is_none()
    {
        parts.push(format!(
            "DEFAULT {}",
            column_default_sql(dialect, &column.ty, default)
        ));
    }
    if let Some(on_update) = &column.on_update
        && dialect == Dialect::Mysql
    {
        parts.push(format!("ON UPDATE {on_update}"));
    }
    // SQLite's AUTOINCREMENT sits on the primary key clause; see `sqlite::column_def`.
    if column.auto_increment && dialect == Dialect::Mysql {
        parts.push("AUTO_INCREMENT".into());
    }
    if dialect == Dialect::Mysql
        && let Some(comment) = &column.comment
    {
        parts.push(format!("COMMENT {}", quote_string(dialect, comment)));
    }
    parts.join(" ")
}

/// Collation names in PostgreSQL are identifiers that keep their case (`"C"`, `"en_US"`).
fn quote_ident_always(dialect: Dialect, name: &str) -> String {
    if dialect == Dialect::Postgres {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

pub(crate) fn fk_clause(dialect: Dialect, fk: &ForeignKey) -> String {
    let mut sql = String::new();
    if let Some(name) = &fk.name {
        sql.push_str(&format!("CONSTRAINT {} ", q(dialect, name)));
    }
    sql.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        column_list(dialect, &fk.columns),
        qn(dialect, &fk.ref_table),
        column_list(dialect, &fk.ref_columns)
    ));
    // InnoDB's default is RESTRICT, so it goes unsaid there; NO ACTION (enforced the same) is
    // written out, as MariaDB reports which of the two a key was made with.
    let default_action = |action: FkAction| match dialect {
        Dialect::Mysql => action == FkAction::Restrict,
        _ => action == FkAction::NoAction,
    };
    if !default_action(fk.on_delete) {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if !default_action(fk.on_update) {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.deferrable {
        sql.push_str(" DEFERRABLE");
        if fk.initially_deferred {
            sql.push_str(" INITIALLY DEFERRED");
        }
    }
    sql
}

pub(crate) fn unique_clause(dialect: Dialect, unique: &UniqueConstraint) -> String {
    match &unique.name {
        Some(name) => format!(
            "CONSTRAINT {} UNIQUE ({})",
            q(dialect, name),
            column_list(dialect, &unique.columns)
        ),
        None => format!("UNIQUE ({})", column_list(dialect, &unique.columns)),
    }
}

pub(crate) fn check_clause(dialect: Dialect, check: &CheckConstraint) -> String {
    match &check.name {
        Some(name) => format!("CONSTRAINT {} CHECK ({})", q(dialect, name), check.expr),
        None => format!("CHECK ({})", check.expr),
    }
}

pub(crate) fn pk_clause(dialect: Dialect, pk: &PrimaryKey) -> String {
    match (&pk.name, dialect) {
        (Some(name), Dialect::Postgres | Dialect::Sqlite) => {
            format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                q(dialect, name),
                column_list(dialect, &pk.columns)
            )
        }
        _ => format!("PRIMARY KEY ({})", column_list(dialect, &pk.columns)),
    }
}

/// The key list of an index: `(a, lower(b) DESC, c(10))`.
pub(crate) fn index_keys(dialect: Dialect, index: &Index) -> String {
    let keys: Vec<String> = index
        .keys
        .iter()
        .map(|key| {
            let mut text = match &key.part {
                IndexPart::Column(c) => q(dialect, c),
                IndexPart::Expr(e) => format!("({e})"),
            };
            if let Some(length) = key.length {
                text.push_str(&format!("({length})"));
            }
            if let Some(opclass) = &key.opclass {
                text.push(' ');
                text.push_str(opclass);
            }
            if key.desc {
                text.push_str(" DESC");
            }
            match key.nulls_first {
                Some(true) => text.push_str(" NULLS FIRST"),
                Some(false) => text.push_str(" NULLS LAST"),
                None => {}
            }
            text
        })
        .collect();
    format!("({})", keys.join(", "))
}

pub(crate) fn comment_literal(dialect: Dialect, comment: &Option<String>) -> String {
    match comment {
        Some(text) => quote_string(dialect, text),
        None => "NULL".into(),
    }
}

/// ` WITH CASCADED CHECK OPTION` for a view that has one.
pub(crate) fn check_option_clause(view: &View) -> String {
    match view.check_option.as_deref() {
        Some(level) => format!(" WITH {} CHECK OPTION", level.to_ascii_uppercase()),
        None => String::new(),
    }
}

/// The script form of a list of statements: each ends with `;` on its own line.
pub fn script(statements: &[Statement]) -> String {
    let mut text = String::new();
    for statement in statements {
        text.push_str(statement.sql.trim_end());
        text.push_str(";\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::op::{Algorithm, ConstraintType, Lock, Op};
    use super::*;

    fn table(name: &str) -> QName {
        QName::new(name)
    }

    fn index(name: &str, column: &str) -> Index {
        Index {
            name: name.into(),
            unique: false,
            keys: vec![IndexKey::column(column)],
            method: None,
            predicate: None,
            include: Vec::new(),
        }
    }

    fn int(name: &str) -> Column {
        Column::new(
            name,
            Type::Integer {
                bits: 32,
                unsigned: false,
            },
        )
    }

    fn sql(dialect: Dialect, op: Op) -> Option<String> {
        write(dialect, &op)
    }

    #[test]
    fn postgres_writes_the_options_of_an_operation() {
        let pg = Dialect::Postgres;
        let t = QName::qualified(Some("app".into()), "t");
        let mut unique = index("t_a", "a");
        unique.unique = true;
        assert_eq!(
            sql(
                pg,
                Op::CreateIndex {
                    table: t.clone(),
                    index: unique.clone(),
                    concurrently: true,
                    if_not_exists: true,
                }
            )
            .as_deref(),
            Some("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_a ON app.t (a)")
        );
        assert_eq!(
            sql(
                pg,
                Op::DropIndex {
                    table: t.clone(),
                    index: unique,
                    concurrently: true,
                    if_exists: true,
                }
            )
            .as_deref(),
            Some("DROP INDEX CONCURRENTLY IF EXISTS app.t_a")
        );
        assert_eq!(
            sql(
                pg,
                Op::AddColumn {
                    table: table("t"),
                    column: int("a"),
                    if_not_exists: true,
                }
            )
            .as_deref(),
            Some("ALTER TABLE t ADD COLUMN IF NOT EXISTS a integer")
        );
        assert_eq!(
            sql(
                pg,
                Op::DropColumn {
                    table: table("t"),
                    column: int("a"),
                    if_exists: true,
                }
            )
            .as_deref(),
            Some("ALTER TABLE t DROP COLUMN IF EXISTS a")
        );
        assert_eq!(
            sql(
                pg,
                Op::DropConstraint {
                    table: table("t"),
                    name: "c".into(),
                    kind: ConstraintType::Check,
                    if_exists: true,
                }
            )
            .as_deref(),
            Some("ALTER TABLE t DROP CONSTRAINT IF EXISTS c")
        );
        assert_eq!(
            sql(
                pg,
                Op::AddCheck {
                    table: table("t"),
                    check: CheckConstraint {
                        name: Some("c".into()),
                        expr: "a > 0".into(),
                    },
                    not_valid: true,
                }
            )
            .as_deref(),
            Some("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID")
        );
        assert_eq!(
            sql(
                pg,
                Op::ValidateConstraint {
                    table: table("t"),
                    name: "c".into(),
                }
            )
            .as_deref(),
            Some("ALTER TABLE t VALIDATE CONSTRAINT c")
        );
        // MySQL's clause has no PostgreSQL spelling.
        let pinned = Op::DropColumn {
            table: table("t"),
            column: int("a"),
            if_exists: false,
        }
        .with_algorithm(Algorithm::Instant, None);
        assert_eq!(sql(pg, pinned), None);
    }

    #[test]
    fn mysql_writes_the_algorithm_clause_where_each_statement_takes_it() {
        let my = Dialect::Mysql;
        let inplace = |op: Op| op.with_algorithm(Algorithm::Inplace, Some(Lock::None));
        let create = Op::CreateIndex {
            table: table("t"),
            index: index("t_a", "a"),
            concurrently: false,
            if_not_exists: true,
        };
        assert_eq!(
            sql(my, inplace(create)).as_deref(),
            Some("CREATE INDEX IF NOT EXISTS `t_a` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE")
        );
        // DROP INDEX takes no ALGORITHM clause in MariaDB: its ALTER TABLE form does, whatever
        // the names hold.
        let drop = Op::DropIndex {
            table: table("DROP INDEX t"),
            index: index("i ON j", "a"),
            concurrently: false,
            if_exists: false,
        };
        assert_eq!(
            sql(my, drop.clone()).as_deref(),
            Some("DROP INDEX `i ON j` ON `DROP INDEX t`")
        );
        assert_eq!(
            sql(my, inplace(drop)).as_deref(),
            Some("ALTER TABLE `DROP INDEX t` DROP INDEX `i ON j`, ALGORITHM=INPLACE, LOCK=NONE")
        );
        let drop_unique = Op::DropConstraint {
            table: table("t"),
            name: "u".into(),
            kind: ConstraintType::Unique,
            if_exists: false,
        };
        assert_eq!(
            sql(my, inplace(drop_unique)).as_deref(),
            Some("ALTER TABLE `t` DROP INDEX `u`, ALGORITHM=INPLACE, LOCK=NONE")
        );
        let add = Op::AddColumn {
            table: table("t"),
            column: int("a"),
            if_not_exists: false,
        };
        assert_eq!(
            sql(my, add.with_algorithm(Algorithm::Instant, None)).as_deref(),
            Some("ALTER TABLE `t` ADD COLUMN `a` int, ALGORITHM=INSTANT")
        );
        let change = Op::ChangeColumn {
            table: table("t"),
            from: int("a__migen_new"),
            to: int("a"),
        };
        assert_eq!(
            sql(
                my,
                change.with_algorithm(Algorithm::Inplace, Some(Lock::Shared))
            )
            .as_deref(),
            Some(
                "ALTER TABLE `t` CHANGE COLUMN `a__migen_new` `a` int, ALGORITHM=INPLACE, LOCK=SHARED"
            )
        );
        // RENAME TABLE takes no clause, and MySQL has no NOT VALID.
        let rename = Op::RenameTable {
            from: table("a"),
            to: table("b"),
        };
        assert_eq!(
            sql(my, rename.with_algorithm(Algorithm::Instant, None)),
            None
        );
        let fk = Op::AddForeignKey {
            table: table("t"),
            foreign_key: ForeignKey {
                name: None,
                columns: vec!["a".into()],
                ref_table: table("p"),
                ref_columns: vec!["id".into()],
                on_delete: FkAction::NoAction,
                on_update: FkAction::NoAction,
                deferrable: false,
                initially_deferred: false,
            },
            not_valid: true,
        };
        assert_eq!(sql(my, fk), None);
    }

    #[test]
    fn a_restated_statement_keeps_its_flags_and_describes_its_new_sql() {
        let op = Op::DropIndex {
            table: table("t"),
            index: index("t_a", "a"),
            concurrently: false,
            if_exists: false,
        };
        let statement = Statement {
            own_transaction: true,
            ..Statement::of(Dialect::Postgres, op).unwrap()
        }
        .with_note("why");
        let restated = statement
            .restate(
                Dialect::Postgres,
                Op::DropIndex {
                    table: table("t"),
                    index: index("t_a", "a"),
                    concurrently: false,
                    if_exists: true,
                },
            )
            .unwrap();
        assert_eq!(restated.sql, "DROP INDEX IF EXISTS t_a");
        assert!(restated.own_transaction);
        assert_eq!(restated.note.as_deref(), Some("why"));
        assert!(matches!(
            restated.op(),
            Some(Op::DropIndex {
                if_exists: true,
                ..
            })
        ));
        // SQL changed behind the tag's back is no longer described by it.
        let mut edited = restated;
        edited.sql.push_str(" CASCADE");
        assert_eq!(edited.op(), None);
    }

    #[test]
    fn mysql_keeps_the_index_an_unnamed_foreign_key_made_when_the_key_is_re_added() {
        // InnoDB named the index after the column; re-adding the constraint by name would
        // replace it with one named after the constraint.
        let parse = |sql: &str| crate::source::sql::parse(Dialect::Mysql, sql, "t.sql").unwrap();
        let user = "CREATE TABLE u (id int PRIMARY KEY);\n";
        let before = parse(&format!(
            "{user}CREATE TABLE p (id int PRIMARY KEY, uid int, FOREIGN KEY (uid) REFERENCES u (id) ON DELETE CASCADE);"
        ));
        let after = parse(&format!(
            "{user}CREATE TABLE p (id int PRIMARY KEY, uid int, FOREIGN KEY (uid) REFERENCES u (id) ON DELETE RESTRICT);"
        ));
        let changes =
            crate::diff::diff(&before, &after, &crate::diff::RenameAnswers::never()).changes;
        let sql: Vec<String> = statements(&changes, &before, &after)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql.last().map(String::as_str),
            Some(
                "ALTER TABLE `p` ADD CONSTRAINT `p_ibfk_1` FOREIGN KEY (`uid`) REFERENCES `u` (`id`), RENAME INDEX `uid` TO `uid`"
            ),
            "{sql:#?}"
        );
    }

    #[test]
    fn sqlite_renames_a_table_to_another_case_through_a_free_name() {
        let schema = Schema::empty(Dialect::Sqlite);
        let change = crate::diff::Change::RenameTable {
            from: table("Users"),
            to: table("users"),
        };
        let sql: Vec<String> = statements(&[change], &schema, &schema)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            [
                "ALTER TABLE Users RENAME TO users__migen_case",
                "ALTER TABLE users__migen_case RENAME TO users"
            ]
        );
    }

    #[test]
    fn mysql_keeps_an_auto_increment_column_a_key_while_the_primary_key_changes() {
        let parse = |sql: &str| crate::source::sql::parse(Dialect::Mysql, sql, "t.sql").unwrap();
        let with_id = parse(
            "CREATE TABLE u (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(9) NOT NULL);",
        );
        let by_name = parse("CREATE TABLE u (name varchar(9) NOT NULL PRIMARY KEY);");
        let sql = |from: &Schema, to: &Schema| -> Vec<String> {
            let changes = crate::diff::diff(from, to, &crate::diff::RenameAnswers::never()).changes;
            statements(&changes, from, to)
                .into_iter()
                .map(|s| s.sql)
                .collect()
        };
        assert_eq!(
            sql(&with_id, &by_name),
            [
                "ALTER TABLE `u` MODIFY `id` int NOT NULL, DROP PRIMARY KEY",
                "ALTER TABLE `u` DROP COLUMN `id`",
                "ALTER TABLE `u` ADD PRIMARY KEY (`name`)",
            ]
        );
        assert_eq!(
            sql(&by_name, &with_id),
            [
                "ALTER TABLE `u` DROP PRIMARY KEY",
                "ALTER TABLE `u` ADD COLUMN `id` int NOT NULL AUTO_INCREMENT, ADD PRIMARY KEY (`id`)",
            ]
        );
    }
}
