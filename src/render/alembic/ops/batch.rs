//! SQLite's table rebuild as Alembic's batch mode.

use super::{
    Imports, existing, fk_options, index_elements, index_options, key_of, list, py, py_bool,
    sa_column, sa_type, schema_kw, server_default, table_items, table_options, text,
};
use crate::model::*;

/// The SQLAlchemy type affinity a type's values are copied under in batch mode.
fn type_family(ty: &Type) -> String {
    match ty {
        Type::Integer { .. } => "integer".into(),
        Type::Decimal { .. } | Type::Float { .. } => "numeric".into(),
        Type::Char { .. } | Type::Varchar { .. } | Type::Text { .. } => "string".into(),
        Type::Custom { name } => {
            let base = name
                .split('(')
                .next()
                .unwrap_or(name)
                .trim()
                .to_ascii_lowercase();
            match base.as_str() {
                "integer" | "smallint" | "bigint" => "integer".into(),
                "numeric" | "decimal" | "float" | "real" | "double" | "double precision" => {
                    "numeric".into()
                }
                "varchar" | "char" | "nchar" | "nvarchar" | "text" | "clob" => "string".into(),
                other => other.to_string(),
            }
        }
        other => format!("{other:?}"),
    }
}

/// SQLite's rebuild as Alembic's batch mode. The table as it was is given as `copy_from`, so
/// Alembic builds on exactly what migen knows of it (reflection would lose unnamed CHECK
/// constraints and read back types by affinity); the operations inside turn it into the new
/// shape.
pub(super) fn batch(
    dialect: Dialect,
    from: &Table,
    to: &Table,
    imports: &mut Imports,
) -> Option<Vec<String>> {
    // Batch mode copies every column with INSERT … SELECT, which SQLite refuses for generated
    // ones (migen's own rebuild leaves them out).
    let generated = |t: &Table| t.columns.iter().any(|c| c.generated.is_some());
    if from.options != to.options
        || from.primary_key != to.primary_key
        || generated(from)
        || generated(to)
    {
        return None;
    }
    // Constraints to drop must be named: unnamed ones get a name in the copy only.
    let mut source = from.clone();
    let mut ops: Vec<String> = Vec::new();
    let mut placeholder = 0;
    let mut name_for_drop = |name: &mut Option<String>| -> String {
        name.get_or_insert_with(|| {
            placeholder += 1;
            format!("_migen_drop_{placeholder}")
        })
        .clone()
    };
    for unique in source.uniques.iter_mut() {
        let same = |u: &UniqueConstraint| u.columns == unique.columns && u.name == unique.name;
        if !to.uniques.iter().any(same) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='unique')",
                py(&name_for_drop(&mut unique.name))
            ));
        }
    }
    for check in source.checks.iter_mut() {
        if !to.checks.contains(check) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='check')",
                py(&name_for_drop(&mut check.name))
            ));
        }
    }
    for fk in source.foreign_keys.iter_mut() {
        if !to.foreign_keys.contains(fk) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='foreignkey')",
                py(&name_for_drop(&mut fk.name))
            ));
        }
    }
    for index in &from.indexes {
        if !to.indexes.contains(index) {
            ops.push(format!("batch_op.drop_index({})", py(&index.name)));
        }
    }
    for column in &from.columns {
        if to.column(&column.name).is_none() {
            ops.push(format!("batch_op.drop_column({})", py(&column.name)));
        }
    }
    for column in &to.columns {
        let key = key_of(Some(to), column, false)?;
        match from.column(&column.name) {
            None => ops.push(format!(
                "batch_op.add_column({})",
                sa_column(dialect, column, key, imports)?
            )),
            Some(old) if old != column => {
                // A change of type family makes batch mode copy through CAST, which converts
                // values migen's rebuild keeps as they are (SQLite's affinity decides).
                if old.auto_increment != column.auto_increment
                    || old.comment != column.comment
                    || type_family(&old.ty) != type_family(&column.ty)
                {
                    return None;
                }
                let mut changes = String::new();
                if old.ty != column.ty || old.collation != column.collation {
                    changes.push_str(&format!(
                        ", type_={}",
                        sa_type(dialect, &column.ty, column.collation.as_deref(), imports)?
                    ));
                }
                if old.nullable != column.nullable {
                    changes.push_str(&format!(", nullable={}", py_bool(column.nullable)));
                }
                if old.default != column.default {
                    changes.push_str(&format!(
                        ", server_default={}",
                        server_default(dialect, column).unwrap_or_else(|| "None".into())
                    ));
                }
                ops.push(format!(
                    "batch_op.alter_column({}{changes}{})",
                    py(&column.name),
                    existing(dialect, old, imports)?
                ));
            }
            Some(_) => {}
        }
    }
    // Batch mode adds only named constraints: a new unnamed one goes to the new table through
    // `table_args`. A foreign key there names its target columns as columns of a table
    // object, since the new table's metadata does not hold the table it refers to.
    let mut table_args: Vec<String> = Vec::new();
    for unique in &to.uniques {
        if from.uniques.contains(unique) {
            continue;
        }
        match &unique.name {
            Some(name) => ops.push(format!(
                "batch_op.create_unique_constraint({}, {})",
                py(name),
                list(&unique.columns)
            )),
            None => table_args.push(format!(
                "sa.UniqueConstraint({})",
                unique
                    .columns
                    .iter()
                    .map(|c| py(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    for check in &to.checks {
        if from.checks.contains(check) {
            continue;
        }
        match &check.name {
            Some(name) => ops.push(format!(
                "batch_op.create_check_constraint({}, {})",
                py(name),
                text(&check.expr)
            )),
            None => table_args.push(format!("sa.CheckConstraint({})", text(&check.expr))),
        }
    }
    for fk in &to.foreign_keys {
        if from.foreign_keys.contains(fk) {
            continue;
        }
        match &fk.name {
            Some(name) => ops.push(format!(
                "batch_op.create_foreign_key({}, {}, {}, {}{})",
                py(name),
                py(&fk.ref_table.name),
                list(&fk.columns),
                list(&fk.ref_columns),
                fk_options(dialect, fk)
            )),
            None => {
                let target = format!(
                    "sa.Table({}, sa.MetaData(), {}{})",
                    py(&fk.ref_table.name),
                    fk.ref_columns
                        .iter()
                        .map(|c| format!("sa.Column({})", py(c)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    schema_kw(&fk.ref_table)
                );
                // Columns of two table objects would not make one key.
                let [target_column] = fk.ref_columns.as_slice() else {
                    return None;
                };
                let targets = [format!("{target}.c[{}]", py(target_column))];
                table_args.push(format!(
                    "sa.ForeignKeyConstraint({}, [{}]{})",
                    list(&fk.columns),
                    targets.join(", "),
                    fk_options(dialect, fk)
                ));
            }
        }
    }
    for index in &to.indexes {
        if !from.indexes.contains(index) {
            let (elements, lengths) = index_elements(dialect, index)?;
            // Batch mode looks a new index's keys up as columns of the new table.
            let plain = |k: &IndexKey| {
                matches!(k.part, IndexPart::Column(_))
                    && !k.desc
                    && k.nulls_first.is_none()
                    && k.opclass.is_none()
            };
            if !index.keys.iter().all(plain) {
                return None;
            }
            let options = index_options(dialect, index)?;
            ops.push(format!(
                "batch_op.create_index({}, [{}]{options}{lengths})",
                py(&index.name),
                elements.join(", ")
            ));
        }
    }
    if ops.is_empty() && table_args.is_empty() {
        return None;
    }
    // The copy: the table as it stands, with its indexes, which batch mode re-creates.
    let mut items = Vec::new();
    for column in &source.columns {
        let key = key_of(Some(&source), column, false)?;
        items.push(sa_column(dialect, column, key, imports)?);
    }
    items.extend(table_items(dialect, &source));
    for index in &source.indexes {
        let (elements, lengths) = index_elements(dialect, index)?;
        let options = index_options(dialect, index)?;
        items.push(format!(
            "sa.Index({}, {}{options}{lengths})",
            py(&index.name),
            elements.join(", ")
        ));
    }
    let options = table_options(dialect, &source)?;
    let table_args = if table_args.is_empty() {
        String::new()
    } else {
        format!(
            "    table_args=(\n        {},\n    ),\n",
            table_args.join(",\n        ")
        )
    };
    let mut lines = vec![format!(
        "with op.batch_alter_table(\n    {},\n    recreate='always',\n    copy_from=sa.Table(\n        {},\n        sa.MetaData(),\n        {}{options},\n    ),\n{table_args}) as batch_op:",
        py(&to.name.name),
        py(&source.name.name),
        items.join(",\n        ")
    )];
    if ops.is_empty() {
        ops.push("pass".into());
    }
    lines.extend(ops.into_iter().map(|op| format!("    {op}")));
    Some(lines)
}
