//! The Python subset the Python ORM readers share: one tokenizer (`tokens`) with positions and
//! one parser (`syntax`) over it, which SQLAlchemy reads as block-structured statements and
//! Django, through its view (`lines`), as logical lines of the expressions it evaluates.

pub mod lines;
pub mod syntax;
pub mod tokens;
