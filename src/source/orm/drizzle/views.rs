//! Views as drizzle declares them with their columns and their query in SQL:
//! `pgView("name", { ...columns }).as(sql`select ...`)`, `pgMaterializedView(...)`, also on a
//! `pgSchema`, and `sqliteView(...)`. A view built with drizzle's query builder (`.as((qb) => ...)`) runs code to make
//! its SQL, and the options drizzle-kit keeps apart (`.with()`, `.existing()`, a materialized
//! view's `.using()`, `.tablespace()`, `.withNoData()`) have no place in migen's model: both are
//! refused where written.

use super::Reader;
use super::columns::{Column, chain};
use super::sql::Scope;
use crate::error::Result;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::Node;

#[derive(Debug, Clone)]
pub struct View {
    pub schema: Option<String>,
    pub name: String,
    pub materialized: bool,
    pub columns: Vec<Column>,
    /// The query as drizzle writes it.
    pub definition: String,
    pub pos: Origin,
}

impl Reader<'_> {
    /// The view `node` declares (`pgView(...)` or `pgMaterializedView(...)` with `.as(...)`).
    pub(super) fn view(
        &self,
        module: usize,
        schema: Option<String>,
        materialized: bool,
        node: &Node,
    ) -> Result<View> {
        let chain = chain(node);
        let (_, args) = chain
            .base
            .call()
            .ok_or_else(|| self.error(node.pos, "a view needs its name"))?;
        let name = args
            .first()
            .and_then(|a| self.value(module, a).str().map(str::to_string))
            .ok_or_else(|| self.error(node.pos, "a view needs its name as a string"))?;
        let mut definition = None;
        for (method, method_args, pos) in &chain.methods {
            match *method {
                "as" => {
                    let query = method_args
                        .first()
                        .ok_or_else(|| self.error(*pos, ".as() needs the view's query"))?;
                    if matches!(
                        query.value,
                        crate::source::orm::typescript::Value::Arrow(..)
                    ) {
                        return Err(self.error(
                            query.pos,
                            "a view built with drizzle's query builder cannot be read \
                             statically; give the view its columns and its query as sql`...`",
                        ));
                    }
                    definition = Some(self.sql_text(module, query, &Scope::none())?);
                }
                other => {
                    return Err(self.error(
                        *pos,
                        format!("migen's model of a view has no place for `.{other}()`"),
                    ));
                }
            }
        }
        let definition =
            definition.ok_or_else(|| self.error(node.pos, "the view has no `.as(sql`...`)`"))?;
        let columns_node = args.get(1).ok_or_else(|| {
            self.error(
                node.pos,
                "a view with its query in SQL needs its columns object (`pgView(\"name\", { ... })`)",
            )
        })?;
        let mut columns = Vec::new();
        self.columns(module, columns_node, &mut columns, 0)?;
        Ok(View {
            schema: schema.filter(|s| s != "public"),
            name,
            materialized,
            columns,
            definition,
            pos: node.pos,
        })
    }
}
