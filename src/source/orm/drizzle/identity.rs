//! PostgreSQL identity columns and sequences with their options
//! (`generatedAlwaysAsIdentity({ startWith, increment, ... })`, `pgSequence("s", { ... })`), with
//! the values drizzle-kit's serializer fills in where an option is not given: an increment of
//! 1; a minimum of 1 (the type's least value when counting down); a maximum of the type's
//! greatest value (-1 when counting down); a start at the minimum (the maximum when counting
//! down); a cache of 1; no cycling.

use super::Reader;
use super::columns::js_number;
use crate::error::Result;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Node, Value};

/// A sequence's options as drizzle-kit's snapshot writes them: numbers as their text.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceOptions {
    /// The sequence's own name when given (an identity's default is `<table>_<column>_seq`).
    pub name: Option<String>,
    pub increment: String,
    pub start: String,
    pub min: String,
    pub max: String,
    pub cache: String,
    pub cycle: bool,
    pub pos: Origin,
}

/// drizzle-kit's range for an identity or sequence type (`minRangeForIdentityBasedOn`,
/// `maxRangeForIdentityBasedOn`): `integer` and `bigint` their own, anything else `smallint`'s.
fn range(sql_type: &str) -> (&'static str, &'static str) {
    match sql_type {
        "integer" => ("-2147483648", "2147483647"),
        "bigint" => ("-9223372036854775808", "9223372036854775807"),
        _ => ("-32768", "32767"),
    }
}

impl SequenceOptions {
    /// The start and increment as migen's model keeps them, when they fit an i64.
    pub fn start_and_increment(&self) -> (Option<i64>, Option<i64>) {
        (self.start.parse().ok(), self.increment.parse().ok())
    }

    /// Whether min, max, cache and cycle are what PostgreSQL would choose for `sql_type` given
    /// the increment: then migen's model, which keeps the start and increment only, loses
    /// nothing.
    fn only_start_and_increment(&self, sql_type: &str) -> bool {
        let defaults = Self::defaults(sql_type, &self.increment, None, None, None);
        self.min == defaults.min && self.max == defaults.max && self.cache == "1" && !self.cycle
    }

    fn defaults(
        sql_type: &str,
        increment: &str,
        min: Option<String>,
        max: Option<String>,
        start: Option<String>,
    ) -> SequenceOptions {
        let descending = increment.parse::<f64>().is_ok_and(|n| n < 0.0);
        let (least, greatest) = range(sql_type);
        let min = min.unwrap_or_else(|| if descending { least } else { "1" }.to_string());
        let max = max.unwrap_or_else(|| if descending { "-1" } else { greatest }.to_string());
        let start = start.unwrap_or_else(|| if descending { &max } else { &min }.clone());
        SequenceOptions {
            name: None,
            increment: increment.to_string(),
            start,
            min,
            max,
            cache: "1".to_string(),
            cycle: false,
            pos: Origin::default(),
        }
    }
}

/// A `pgSequence`: drizzle's sequences are `bigint`'s.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub schema: Option<String>,
    pub name: String,
    pub options: SequenceOptions,
    pub pos: Origin,
}

impl Reader<'_> {
    /// A `pgSequence(name, options)` (`schema` for `pgSchema("x").sequence(...)`).
    pub(super) fn sequence(
        &self,
        module: usize,
        schema: Option<String>,
        args: &[Node],
        pos: Origin,
    ) -> Result<Sequence> {
        let name = args
            .first()
            .and_then(|a| self.value(module, a).str().map(str::to_string))
            .ok_or_else(|| self.error(pos, "a sequence needs its name as a string"))?;
        let options = self.sequence_options(module, args.get(1), "bigint", pos)?;
        Ok(Sequence {
            schema,
            name,
            options,
            pos,
        })
    }

    /// The options object of an identity or a sequence (`None` for none), for `sql_type`.
    pub(super) fn sequence_options(
        &self,
        module: usize,
        node: Option<&Node>,
        sql_type: &str,
        pos: Origin,
    ) -> Result<SequenceOptions> {
        let config = node.map(|n| self.value(module, n));
        if let Some(config) = &config
            && !config.is_object()
        {
            return Err(self.error(config.pos, "sequence options must be an object literal"));
        }
        let text = |key: &str| -> Result<Option<String>> {
            let Some(value) = config.as_ref().and_then(|c| c.get(key)) else {
                return Ok(None);
            };
            match self.value(module, value).value {
                Value::Num(n) => Ok(Some(js_number(n))),
                Value::Str(s) => Ok(Some(s)),
                _ => Err(self.error(
                    value.pos,
                    format!(
                        "`{key}` must be a number literal to be read statically, not {}",
                        value.describe()
                    ),
                )),
            }
        };
        let increment = text("increment")?.unwrap_or_else(|| "1".to_string());
        let mut options = SequenceOptions::defaults(
            sql_type,
            &increment,
            text("minValue")?,
            text("maxValue")?,
            text("startWith")?,
        );
        if let Some(cache) = text("cache")? {
            options.cache = cache;
        }
        if let Some(cycle) = config.as_ref().and_then(|c| c.get("cycle")) {
            options.cycle = self.value(module, cycle).boolean().ok_or_else(|| {
                self.error(
                    cycle.pos,
                    "`cycle` must be true or false to be read statically",
                )
            })?;
        }
        options.name = config
            .as_ref()
            .and_then(|c| c.get("name"))
            .map(|n| {
                self.value(module, n)
                    .str()
                    .map(str::to_string)
                    .ok_or_else(|| self.error(n.pos, "the sequence name must be a string"))
            })
            .transpose()?;
        options.pos = pos;
        Ok(options)
    }

    /// An identity's options, refused where migen's model, which keeps an identity's start and
    /// increment only, would lose one: a minimum, maximum, cache or cycling other than
    /// PostgreSQL's own (the sequence's name is checked once the table's name is known).
    pub(super) fn identity_options(
        &self,
        module: usize,
        config: &Node,
        sql_type: &str,
        pos: Origin,
    ) -> Result<SequenceOptions> {
        let options = self.sequence_options(module, Some(config), sql_type, pos)?;
        let (start, increment) = options.start_and_increment();
        if start.is_none() || increment.is_none() || !options.only_start_and_increment(sql_type) {
            return Err(self.error(
                config.pos,
                "migen keeps an identity's startWith and increment only; its name, minValue, \
                 maxValue, cache and cycle must be left to PostgreSQL's defaults",
            ));
        }
        Ok(options)
    }
}
