//! Relations: foreign keys with Prisma's names and referential actions, indexes, and the
//! join tables of implicit many-to-many relations.

use std::collections::BTreeSet;

use super::columns::ForeignKeyDdl;
use super::parse::{Attribute, Block, BlockKind, Expr, Field, Pos};
use super::render::{Line, OnAction, Renderer, Statement, check_args, find_arg, string_arg};
use super::tables::ModelDdl;
use crate::error::Result;
use crate::model::Dialect;

impl Renderer<'_> {
    pub(super) fn foreign_key(
        &self,
        model: &Block,
        table: &str,
        field: &Field,
    ) -> Result<Option<ForeignKeyDdl>> {
        let Some(attribute) = field.attributes.iter().find(|a| a.name == "relation") else {
            return Ok(None);
        };
        check_args(
            self.files,
            attribute,
            &[
                "name",
                "fields",
                "references",
                "onDelete",
                "onUpdate",
                "map",
            ],
            1,
        )?;
        let Some(fields) = find_arg(&attribute.args, "fields", false) else {
            if find_arg(&attribute.args, "references", false).is_some() {
                return Err(self.error(attribute.pos, "`references` needs `fields` too"));
            }
            return Ok(None);
        };
        let references = find_arg(&attribute.args, "references", false)
            .ok_or_else(|| self.error(attribute.pos, "`fields` needs `references` too"))?;
        if field.list {
            return Err(self.error(
                attribute.pos,
                "the side with `fields` of a relation is not a list",
            ));
        }
        let target = self.model(&field.type_name);
        let local_parts = self.key_parts(fields)?;
        let target_parts = self.key_parts(references)?;
        if local_parts.len() != target_parts.len() {
            return Err(self.error(
                references.pos(),
                "`fields` and `references` must list as many fields",
            ));
        }
        let (local, _) = self.key_list(model, &local_parts)?;
        let (remote, _) = self.key_list(target, &target_parts)?;
        let optional = local_parts.iter().any(|p| {
            model
                .fields
                .iter()
                .find(|f| f.name == p.field)
                .is_some_and(|f| f.optional)
        });
        let action = |name: &str, default: OnAction| -> Result<OnAction> {
            match find_arg(&attribute.args, name, false) {
                None => Ok(default),
                Some(Expr::Name(action, pos)) => OnAction::parse(action).ok_or_else(|| {
                    self.error(
                        *pos,
                        format!(
                            "unknown referential action `{action}` (Cascade, Restrict, NoAction, SetNull, SetDefault)"
                        ),
                    )
                }),
                Some(other) => Err(self.error(other.pos(), "expected a referential action")),
            }
        };
        let on_delete = action(
            "onDelete",
            if optional {
                OnAction::SetNull
            } else {
                OnAction::Restrict
            },
        )?;
        let on_update = action("onUpdate", OnAction::Cascade)?;
        let name = match find_arg(&attribute.args, "map", false) {
            Some(map) => {
                if self.dialect() == Dialect::Sqlite {
                    return Err(self.error(
                        map.pos(),
                        "SQLite has no names for foreign keys: drop `map:`",
                    ));
                }
                string_arg(self.files, map, "map")?
            }
            None => self.default_name(&format!("{table}_{}", local.join("_")), "_fkey"),
        };
        let quote_all = |cols: &[String]| {
            cols.iter()
                .map(|c| self.quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let target_sql = self.qualified(
            self.block_schema(target)?.as_deref(),
            &self.table_name(target)?,
        );
        Ok(Some(ForeignKeyDdl {
            text: format!(
                "{} FOREIGN KEY ({}) REFERENCES {target_sql}({}) ON DELETE {} ON UPDATE {}",
                self.quote(&name),
                quote_all(&local),
                quote_all(&remote),
                on_delete.sql(),
                on_update.sql()
            ),
            origin: attribute.pos,
        }))
    }

    pub(super) fn render_index(
        &self,
        model: &Block,
        table: &str,
        table_sql: &str,
        attribute: &Attribute,
    ) -> Result<Statement> {
        check_args(
            self.files,
            attribute,
            &["fields", "map", "type", "clustered"],
            1,
        )?;
        let fields = find_arg(&attribute.args, "fields", true)
            .ok_or_else(|| self.error(attribute.pos, "an index needs a list of fields"))?;
        let (columns, key) = self.key_list(model, &self.key_parts(fields)?)?;
        let name = match find_arg(&attribute.args, "map", false) {
            Some(e) => string_arg(self.files, e, "map")?,
            None => self.default_name(&format!("{table}_{}", columns.join("_")), "_idx"),
        };
        let fulltext = attribute.name == "fulltext";
        if fulltext && self.dialect() != Dialect::Mysql {
            return Err(self.error(attribute.pos, "@@fulltext exists on MySQL only here"));
        }
        let using = match find_arg(&attribute.args, "type", false) {
            None => None,
            Some(Expr::Name(kind, pos)) => {
                let method = match kind.as_str() {
                    "BTree" => None,
                    "Hash" => Some("HASH"),
                    "Gist" => Some("GIST"),
                    "Gin" => Some("GIN"),
                    "SpGist" => Some("SPGIST"),
                    "Brin" => Some("BRIN"),
                    _ => return Err(self.error(*pos, format!("unknown index type `{kind}`"))),
                };
                if method.is_some() && self.dialect() != Dialect::Postgres {
                    return Err(
                        self.error(*pos, "index types other than BTree are PostgreSQL only")
                    );
                }
                method
            }
            Some(other) => return Err(self.error(other.pos(), "expected an index type")),
        };
        let text = match using {
            Some(method) => format!(
                "CREATE INDEX {} ON {table_sql} USING {method} ({key});",
                self.quote(&name)
            ),
            None => format!(
                "CREATE {}INDEX {} ON {table_sql}({key});",
                if fulltext { "FULLTEXT " } else { "" },
                self.quote(&name)
            ),
        };
        Ok(vec![Line {
            text,
            origin: attribute.pos,
        }])
    }

    /// The relation name of a relation field: `@relation("name")` or `@relation(name: "name")`.
    fn relation_name(&self, field: &Field) -> Result<Option<String>> {
        let Some(attribute) = field.attributes.iter().find(|a| a.name == "relation") else {
            return Ok(None);
        };
        find_arg(&attribute.args, "name", true)
            .map(|e| string_arg(self.files, e, "the relation name"))
            .transpose()
    }

    fn has_fields(field: &Field) -> bool {
        field
            .attributes
            .iter()
            .any(|a| a.name == "relation" && find_arg(&a.args, "fields", false).is_some())
    }

    /// The single-field primary key of a model in an implicit many-to-many relation: its column
    /// name and type (an autoincrement id is a plain integer here).
    fn join_key(&self, model: &Block, relation_pos: Pos) -> Result<(String, String)> {
        let id = model
            .fields
            .iter()
            .find(|f| f.attributes.iter().any(|a| a.name == "id"));
        let Some(id) = id else {
            return Err(self.error(
                relation_pos,
                format!(
                    "an implicit many-to-many relation needs a single-field @id on `{}`",
                    model.name
                ),
            ));
        };
        let column_type = self.column_type(id)?;
        Ok((self.column_name(id)?, column_type.sql))
    }

    pub(super) fn implicit_many_to_many(&self) -> Result<Vec<ModelDdl>> {
        let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
        let mut joins = Vec::new();
        for model in self.blocks.iter().filter(|b| b.kind == BlockKind::Model) {
            for (index, field) in model.fields.iter().enumerate() {
                if !self.is_relation(field) || Self::has_fields(field) {
                    continue;
                }
                if !field.list {
                    // A one-to-one or many-to-one side: one of the two sides holds the key.
                    let target = self.model(&field.type_name);
                    let relation = self.relation_name(field)?;
                    let keyed_opposite = target.fields.iter().any(|f| {
                        f.type_name == model.name
                            && Self::has_fields(f)
                            && self.relation_name(f).ok().flatten() == relation
                    });
                    if !keyed_opposite {
                        return Err(self.error(
                            field.pos,
                            format!(
                                "relation field `{}` needs @relation(fields: [...], references: [...]), or its opposite in `{}` does",
                                field.name, target.name
                            ),
                        ));
                    }
                    continue;
                }
                let relation = self.relation_name(field)?;
                let target = self.model(&field.type_name);
                let opposite = target.fields.iter().enumerate().find(|(i, f)| {
                    f.type_name == model.name
                        && !(std::ptr::eq(target, model) && *i == index)
                        && self.relation_name(f).ok().flatten() == relation
                });
                let Some((_, opposite)) = opposite else {
                    return Err(self.error(
                        field.pos,
                        format!(
                            "relation field `{}` has no opposite relation field in model `{}`",
                            field.name, target.name
                        ),
                    ));
                };
                if !opposite.list {
                    if Self::has_fields(opposite) {
                        continue;
                    }
                    return Err(self.error(
                        opposite.pos,
                        format!(
                            "relation field `{}` needs @relation(fields: [...], references: [...])",
                            opposite.name
                        ),
                    ));
                }
                let (a, b) = if model.name <= target.name {
                    (model, target)
                } else {
                    (target, model)
                };
                let key = (
                    a.name.clone(),
                    b.name.clone(),
                    relation.clone().unwrap_or_default(),
                );
                if !seen.insert(key) {
                    continue;
                }
                let join = match &relation {
                    Some(name) => format!("_{name}"),
                    None => format!("_{}To{}", a.name, b.name),
                };
                joins.push(self.join_table(&join, a, b, field.pos)?);
            }
        }
        Ok(joins)
    }

    fn join_table(&self, join: &str, a: &Block, b: &Block, origin: Pos) -> Result<ModelDdl> {
        let dialect = self.dialect();
        let (a_column, a_type) = self.join_key(a, origin)?;
        let (b_column, b_type) = self.join_key(b, origin)?;
        let schema = self.block_schema(a)?;
        let join_sql = self.qualified(schema.as_deref(), join);
        let line = |text: String| Line { text, origin };
        let mut body = vec![
            line(format!("    {} {a_type} NOT NULL,", self.quote("A"))),
            line(format!("    {} {b_type} NOT NULL", self.quote("B"))),
        ];
        let mut indexes = Vec::new();
        if dialect == Dialect::Postgres {
            let name = self.default_name(join, "_AB_pkey");
            body.last_mut().unwrap().text.push(',');
            body.push(line(format!(
                "    CONSTRAINT {} PRIMARY KEY (\"A\", \"B\")",
                self.quote(&name)
            )));
        } else {
            let name = self.default_name(join, "_AB_unique");
            indexes.push(vec![line(format!(
                "CREATE UNIQUE INDEX {} ON {join_sql}({}, {});",
                self.quote(&name),
                self.quote("A"),
                self.quote("B")
            ))]);
        }
        indexes.push(vec![line(format!(
            "CREATE INDEX {} ON {join_sql}({});",
            self.quote(&self.default_name(join, "_B_index")),
            self.quote("B")
        ))]);
        let mut foreign_keys = Vec::new();
        if self.source.foreign_keys {
            for (side, target, column) in [("A", a, &a_column), ("B", b, &b_column)] {
                let target_sql = self.qualified(
                    self.block_schema(target)?.as_deref(),
                    &self.table_name(target)?,
                );
                let text = format!(
                    "{} FOREIGN KEY ({}) REFERENCES {target_sql}({}) ON DELETE CASCADE ON UPDATE CASCADE",
                    self.quote(&self.default_name(join, &format!("_{side}_fkey"))),
                    self.quote(side),
                    self.quote(column)
                );
                if dialect == Dialect::Sqlite {
                    body.last_mut().unwrap().text.push(',');
                    body.push(line(format!("    CONSTRAINT {text}")));
                } else {
                    foreign_keys.push(vec![line(format!(
                        "ALTER TABLE {join_sql} ADD CONSTRAINT {text};"
                    ))]);
                }
            }
        }
        let mut table = vec![line(format!("CREATE TABLE {join_sql} ("))];
        table.extend(body);
        table.push(line(match dialect {
            Dialect::Mysql => ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;".into(),
            _ => ");".into(),
        }));
        Ok(ModelDdl {
            table,
            indexes,
            foreign_keys,
        })
    }
}
