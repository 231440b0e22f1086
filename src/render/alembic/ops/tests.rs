use super::*;

#[test]
fn strings_and_binds_are_escaped() {
    assert_eq!(py("it's\n\\"), r#""it's\n\\""#);
    assert_eq!(py("say \"it's\""), r#"'say "it\'s"'"#);
    assert_eq!(
        escape_binds("SELECT 'a:b', x::int, :name"),
        r"SELECT 'a:b', x::int, \:name"
    );
}

#[test]
fn types_are_spelled_as_migen_spells_them() {
    let mut imports = Imports::default();
    let ty = |d: Dialect, t: Type, imports: &mut Imports| sa_type(d, &t, None, imports);
    assert_eq!(
        ty(
            Dialect::Postgres,
            Type::Varchar { len: Some(50) },
            &mut imports
        )
        .as_deref(),
        Some("sa.String(50)")
    );
    assert_eq!(
        ty(Dialect::Mysql, Type::Float { bits: 32 }, &mut imports).as_deref(),
        Some("sa.Float()")
    );
    assert_eq!(
        ty(Dialect::Postgres, Type::Float { bits: 32 }, &mut imports).as_deref(),
        Some("sa.REAL()")
    );
    assert_eq!(
        ty(
            Dialect::Mysql,
            Type::Integer {
                bits: 32,
                unsigned: true
            },
            &mut imports
        )
        .as_deref(),
        Some("mysql.INTEGER(unsigned=True)")
    );
    assert_eq!(
        ty(
            Dialect::Postgres,
            Type::Custom {
                name: "inet".into()
            },
            &mut imports
        ),
        None
    );
    assert_eq!(
        imports.lines(),
        "import sqlalchemy as sa\nfrom sqlalchemy.dialects import mysql\n"
    );
}

#[test]
fn an_unsupported_column_keeps_its_sql() {
    let mut imports = Imports::default();
    let mut column = Column::new(
        "touched",
        Type::Timestamp {
            tz: false,
            precision: None,
        },
    );
    column.on_update = Some("current_timestamp".into());
    let op = Op::AddColumn {
        table: QName::new("t"),
        column,
        if_not_exists: false,
    };
    assert_eq!(render(Dialect::Mysql, &op, &mut imports), None);
}

#[test]
fn a_sole_integer_key_is_not_made_auto_incrementing_behind_our_back() {
    let mut imports = Imports::default();
    let mut table = Table::new(QName::new("t"));
    let mut id = Column::new(
        "id",
        Type::Integer {
            bits: 32,
            unsigned: false,
        },
    );
    id.nullable = false;
    table.columns.push(id);
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    let lines = render(
        Dialect::Postgres,
        &Op::CreateTable {
            table,
            serial_columns: Vec::new(),
        },
        &mut imports,
    )
    .unwrap();
    assert!(
        lines[0].contains("sa.Column('id', sa.Integer(), autoincrement=False, nullable=False)"),
        "{lines:?}"
    );
}

fn sqlite_table(column_type: &str) -> Table {
    let mut table = Table::new(QName::new("t"));
    let mut id = Column::new(
        "id",
        Type::Custom {
            name: "integer".into(),
        },
    );
    id.nullable = false;
    table.columns.push(id);
    table.columns.push(Column::new(
        "code",
        Type::Custom {
            name: column_type.into(),
        },
    ));
    table.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    table
}

#[test]
fn a_sqlite_rebuild_is_batch_mode_unless_values_would_be_cast() {
    let mut imports = Imports::default();
    let rebuild = |from: &str, to: &str, imports: &mut Imports| {
        render(
            Dialect::Sqlite,
            &Op::Rebuild {
                from: sqlite_table(from),
                to: sqlite_table(to),
            },
            imports,
        )
    };
    let wider = rebuild("varchar(40)", "varchar(80)", &mut imports).unwrap();
    assert!(
        lines_contain(&wider, "with op.batch_alter_table("),
        "{wider:?}"
    );
    assert!(
        lines_contain(&wider, "batch_op.alter_column('code', type_=sa.VARCHAR(80)"),
        "{wider:?}"
    );
    // Batch mode would copy through CAST('abc' AS INTEGER), migen's rebuild does not.
    assert_eq!(rebuild("text", "integer", &mut imports), None);
}

#[test]
fn the_options_of_an_operation_are_alembic_keywords() {
    use crate::dialect::op::{Algorithm, Lock};
    let mut imports = Imports::default();
    let mut render_one =
        |dialect: Dialect, op: Op| render(dialect, &op, &mut imports).map(|lines| lines.join("\n"));
    let t = QName::new("t");
    let column = Column::new(
        "a",
        Type::Integer {
            bits: 32,
            unsigned: false,
        },
    );
    let drop_column = Op::DropColumn {
        table: t.clone(),
        column: column.clone(),
        if_exists: true,
    };
    assert_eq!(
        render_one(Dialect::Postgres, drop_column.clone()).as_deref(),
        Some("op.drop_column('t', 'a', if_exists=True)")
    );
    assert_eq!(
        render_one(
            Dialect::Postgres,
            Op::DropConstraint {
                table: t.clone(),
                name: "t_a_not_null".into(),
                kind: ConstraintType::Check,
                if_exists: true,
            }
        )
        .as_deref(),
        Some("op.drop_constraint('t_a_not_null', 't', type_='check', if_exists=True)")
    );
    let check = Op::AddCheck {
        table: t.clone(),
        check: CheckConstraint {
            name: Some("t_a_not_null".into()),
            expr: "a IS NOT NULL".into(),
        },
        not_valid: true,
    };
    assert_eq!(
        render_one(Dialect::Postgres, check.clone()).as_deref(),
        Some(
            "op.create_check_constraint('t_a_not_null', 't', sa.text('a IS NOT NULL'), postgresql_not_valid=True)"
        )
    );
    // Options Alembic has no keyword for keep the statement's SQL.
    assert_eq!(render_one(Dialect::Mysql, check), None);
    assert_eq!(
        render_one(
            Dialect::Mysql,
            drop_column.with_algorithm(Algorithm::Inplace, Some(Lock::None))
        ),
        None
    );
    assert_eq!(
        render_one(
            Dialect::Postgres,
            Op::ValidateConstraint {
                table: t,
                name: "t_a_not_null".into(),
            }
        ),
        None
    );
}

fn lines_contain(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}
