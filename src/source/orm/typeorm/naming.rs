//! Names as TypeORM's naming strategies make them: the default strategy
//! (`DefaultNamingStrategy`) and `SnakeNamingStrategy` from `typeorm-naming-strategies`, with
//! the SHA-1 constraint names (`PK_`, `FK_`, `IDX_`, `UQ_`, `REL_`, `CHK_`) both share.

use sha1::{Digest, Sha1};

/// Which naming strategy the DataSource sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Naming {
    #[default]
    Default,
    /// `new SnakeNamingStrategy()` from `typeorm-naming-strategies`.
    Snake,
}

impl Naming {
    /// An entity's table: the name given, else the class name in snake case.
    pub fn table_name(self, class: &str, given: Option<&str>) -> String {
        given.map_or_else(|| snake_case(class), str::to_string)
    }

    /// A column of a property, below the prefixes of the embedded objects that hold it.
    pub fn column_name(self, property: &str, given: Option<&str>, prefixes: &[String]) -> String {
        match self {
            Naming::Default => {
                let name = given.unwrap_or(property);
                if prefixes.is_empty() {
                    name.to_string()
                } else {
                    camel_case(&prefixes.join("_")) + &title_case(name)
                }
            }
            Naming::Snake => {
                let mut parts: Vec<String> = prefixes.to_vec();
                parts.push(String::new());
                snake_case(&parts.join("_"))
                    + &given.map_or_else(|| snake_case(property), str::to_string)
            }
        }
    }

    /// The column a relation adds: `author` + `id` gives `authorId` (`author_id` in snake case).
    pub fn join_column_name(self, relation: &str, referenced: &str) -> String {
        let joined = format!("{relation}_{referenced}");
        match self {
            Naming::Default => camel_case(&joined),
            Naming::Snake => snake_case(&joined),
        }
    }

    /// A many-to-many junction table: owner table, owner property, other table.
    pub fn join_table_name(self, first_table: &str, second_table: &str, property: &str) -> String {
        snake_case(&format!(
            "{first_table}_{}_{second_table}",
            property.replace('.', "_")
        ))
    }

    /// A junction table's column referencing `table`'s column (`question` + `id` gives
    /// `questionId`).
    pub fn join_table_column_name(self, table: &str, column: &str) -> String {
        let joined = format!("{table}_{column}");
        match self {
            Naming::Default => camel_case(&joined),
            Naming::Snake => snake_case(&joined),
        }
    }
}

/// The table part of a constraint name's key: the last dotted part, its first dot (there is
/// none left) replaced as TypeORM does.
fn key(table: &str, columns: &[String]) -> String {
    let table = table.rsplit('.').next().unwrap_or(table);
    let mut columns = columns.to_vec();
    columns.sort();
    format!("{}_{}", table.replacen('.', "_", 1), columns.join("_"))
}

fn hash(input: &str, length: usize) -> String {
    let digest = Sha1::digest(input.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_string()
}

pub fn primary_key_name(table: &str, columns: &[String]) -> String {
    format!("PK_{}", hash(&key(table, columns), 27))
}

pub fn unique_name(table: &str, columns: &[String]) -> String {
    format!("UQ_{}", hash(&key(table, columns), 27))
}

pub fn foreign_key_name(table: &str, columns: &[String]) -> String {
    format!("FK_{}", hash(&key(table, columns), 27))
}

pub fn index_name(table: &str, columns: &[String], condition: Option<&str>) -> String {
    let mut key = key(table, columns);
    if let Some(condition) = condition {
        key = format!("{key}_{condition}");
    }
    format!("IDX_{}", hash(&key, 26))
}

/// The unique constraint of a one-to-one relation's join columns.
pub fn relation_constraint_name(table: &str, columns: &[String]) -> String {
    format!("REL_{}", hash(&key(table, columns), 26))
}

pub fn check_name(table: &str, expression: &str) -> String {
    let table = table.rsplit('.').next().unwrap_or(table);
    format!(
        "CHK_{}",
        hash(&format!("{}_{expression}", table.replacen('.', "_", 1)), 26)
    )
}

/// TypeORM's `snakeCase`: `UserProfile` → `user_profile`, `HTTPServer` → `http_server`.
pub fn snake_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // `([A-Z])([A-Z])([a-z])` → `$1_$2$3`, scanning left to right without overlap.
    let mut first = Vec::with_capacity(chars.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len()
            && chars[i].is_ascii_uppercase()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_lowercase()
        {
            first.extend([chars[i], '_', chars[i + 1], chars[i + 2]]);
            i += 3;
        } else {
            first.push(chars[i]);
            i += 1;
        }
    }
    // `([a-z0-9])([A-Z])` → `$1_$2`.
    let mut out = String::with_capacity(first.len() + 4);
    let mut i = 0;
    while i < first.len() {
        if i + 1 < first.len()
            && (first[i].is_ascii_lowercase() || first[i].is_ascii_digit())
            && first[i + 1].is_ascii_uppercase()
        {
            out.push(first[i]);
            out.push('_');
            out.push(first[i + 1]);
            i += 2;
        } else {
            out.push(first[i]);
            i += 1;
        }
    }
    out.to_lowercase()
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// TypeORM's `camelCase`: a leading capital is lowered; a space, `-` or `_` followed by a word
/// character becomes that character in upper case (`author_id` → `authorId`).
pub fn camel_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if i == 0 && c.is_ascii_uppercase() {
            out.push(c.to_ascii_lowercase());
            i += 1;
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && chars.get(i + 1).is_some_and(|n| is_word(*n))
        {
            out.extend(chars[i + 1].to_uppercase());
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// TypeORM's `titleCase`: each run of a word character and non-spaces gets a capital first
/// letter and the rest in lower case (`firstName` → `Firstname`).
pub fn title_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if is_word(chars[i]) {
            out.extend(chars[i].to_uppercase());
            i += 1;
            while i < chars.len() && !chars[i].is_whitespace() {
                out.extend(chars[i].to_lowercase());
                i += 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn constraint_names_match_what_typeorm_generated_in_the_fixtures() {
        // ../shared/fixtures/typeorm/07_add_unique: PostgreSQL and MySQL.
        assert_eq!(
            unique_name("author", &cols(&["name"])),
            "UQ_d3962fd11a54d87f927e84d1080"
        );
        assert_eq!(
            index_name("author", &cols(&["name"]), None),
            "IDX_d3962fd11a54d87f927e84d108"
        );
        // The SQLite fixtures rebuild through `temporary_author`, whose name is hashed.
        assert_eq!(
            unique_name("temporary_author", &cols(&["name"])),
            "UQ_3427d7be3fb660dbb84441dfc33"
        );
        // Columns are sorted before hashing; a schema prefix is dropped.
        assert_eq!(
            primary_key_name("public.t", &cols(&["b", "a"])),
            primary_key_name("t", &cols(&["a", "b"]))
        );
        assert_eq!(
            foreign_key_name("author", &cols(&["name"]))[3..],
            unique_name("author", &cols(&["name"]))[3..]
        );
        assert_eq!(
            relation_constraint_name("author", &cols(&["name"])).len(),
            30
        );
    }

    #[test]
    fn case_helpers_follow_typeorm() {
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("HTTPServer2Go"), "http_server2_go");
        assert_eq!(snake_case("Post"), "post");
        assert_eq!(camel_case("author_id"), "authorId");
        assert_eq!(camel_case("Question_id"), "questionId");
        assert_eq!(camel_case("user_profile_id"), "userProfileId");
        assert_eq!(title_case("firstName"), "Firstname");
        let naming = Naming::Default;
        assert_eq!(
            naming.column_name("first", None, &cols(&["name"])),
            "nameFirst"
        );
        assert_eq!(naming.join_column_name("author", "id"), "authorId");
        assert_eq!(
            naming.join_table_name("question", "category", "categories"),
            "question_categories_category"
        );
        assert_eq!(
            naming.join_table_column_name("question", "id"),
            "questionId"
        );
        let snake = Naming::Snake;
        assert_eq!(snake.column_name("createdAt", None, &[]), "created_at");
        assert_eq!(
            snake.column_name("first", None, &cols(&["name"])),
            "name_first"
        );
        assert_eq!(snake.join_column_name("author", "id"), "author_id");
        assert_eq!(snake.table_name("UserProfile", None), "user_profile");
    }
}
