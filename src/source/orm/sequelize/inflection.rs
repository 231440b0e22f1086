//! Sequelize's table and key names come from the `inflection` library (1.13, the version
//! Sequelize 6 depends on): `pluralize`/`singularize` try a table of case-insensitive regexes in
//! order, the first match wins (rules without a replacement mean "already that form, keep it"),
//! and a list of uncountable words is left alone. Sequelize's `underscore` and `camelize` are
//! small string rewrites.

use std::sync::LazyLock;

use regex::Regex;

/// Words `inflection` never changes (compared lowercased).
const UNCOUNTABLE: &[&str] = &[
    "accommodation",
    "adulthood",
    "advertising",
    "advice",
    "aggression",
    "aid",
    "air",
    "aircraft",
    "alcohol",
    "anger",
    "applause",
    "arithmetic",
    "assistance",
    "athletics",
    "bacon",
    "baggage",
    "beef",
    "biology",
    "blood",
    "botany",
    "bread",
    "butter",
    "carbon",
    "cardboard",
    "cash",
    "chalk",
    "chaos",
    "chess",
    "crossroads",
    "countryside",
    "dancing",
    "deer",
    "dignity",
    "dirt",
    "dust",
    "economics",
    "education",
    "electricity",
    "engineering",
    "enjoyment",
    "envy",
    "equipment",
    "ethics",
    "evidence",
    "evolution",
    "fame",
    "fiction",
    "flour",
    "flu",
    "food",
    "fuel",
    "fun",
    "furniture",
    "gallows",
    "garbage",
    "garlic",
    "genetics",
    "gold",
    "golf",
    "gossip",
    "gratitude",
    "grief",
    "guilt",
    "gymnastics",
    "happiness",
    "hardware",
    "harm",
    "hate",
    "hatred",
    "health",
    "heat",
    "help",
    "homework",
    "honesty",
    "honey",
    "hospitality",
    "housework",
    "humour",
    "hunger",
    "hydrogen",
    "ice",
    "importance",
    "inflation",
    "information",
    "innocence",
    "iron",
    "irony",
    "jam",
    "jewelry",
    "judo",
    "karate",
    "knowledge",
    "lack",
    "laughter",
    "lava",
    "leather",
    "leisure",
    "lightning",
    "linguine",
    "linguini",
    "linguistics",
    "literature",
    "litter",
    "livestock",
    "logic",
    "loneliness",
    "luck",
    "luggage",
    "macaroni",
    "machinery",
    "magic",
    "management",
    "mankind",
    "marble",
    "mathematics",
    "mayonnaise",
    "measles",
    "methane",
    "milk",
    "minus",
    "money",
    "mud",
    "music",
    "mumps",
    "nature",
    "news",
    "nitrogen",
    "nonsense",
    "nurture",
    "nutrition",
    "obedience",
    "obesity",
    "oxygen",
    "pasta",
    "patience",
    "physics",
    "poetry",
    "pollution",
    "poverty",
    "pride",
    "psychology",
    "publicity",
    "punctuation",
    "quartz",
    "racism",
    "relaxation",
    "reliability",
    "research",
    "respect",
    "revenge",
    "rice",
    "rubbish",
    "rum",
    "safety",
    "scenery",
    "seafood",
    "seaside",
    "series",
    "shame",
    "sheep",
    "shopping",
    "sleep",
    "smoke",
    "smoking",
    "snow",
    "soap",
    "software",
    "soil",
    "spaghetti",
    "species",
    "steam",
    "stuff",
    "stupidity",
    "sunshine",
    "symmetry",
    "tennis",
    "thirst",
    "thunder",
    "timber",
    "traffic",
    "transportation",
    "trust",
    "underwear",
    "unemployment",
    "unity",
    "validity",
    "veal",
    "vegetation",
    "vegetarianism",
    "vengeance",
    "violence",
    "vitality",
    "warmth",
    "wealth",
    "weather",
    "welfare",
    "wheat",
    "wildlife",
    "wisdom",
    "yoga",
    "zinc",
    "zoology",
];

// The library's named patterns, shared by both tables.
const MEN: &str = "^(m|wom)en$";
const PEOPLE: &str = "(pe)ople$";
const CHILDREN: &str = "(child)ren$";
const TIA: &str = "([ti])a$";
const ANALYSES: &str = "((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$";
const DATABASES: &str = "(database)s$";
const DRIVES: &str = "(drive)s$";
const HIVES: &str = "(hi|ti)ves$";
const CURVES: &str = "(curve)s$";
const LRVES: &str = "([lr])ves$";
const AVES: &str = "([a])ves$";
const FOVES: &str = "([^fo])ves$";
const MOVIES: &str = "(m)ovies$";
const AEIOUYIES: &str = "([^aeiouy]|qu)ies$";
const SERIES: &str = "(s)eries$";
const XES: &str = "(x|ch|ss|sh)es$";
const MICE: &str = "([m|l])ice$";
const BUSES: &str = "(bus)es$";
const OES: &str = "(o)es$";
const SHOES: &str = "(shoe)s$";
const CRISES: &str = "(cris|ax|test)es$";
const OCTOPUSES: &str = "(octop|vir)uses$";
const ALIASES: &str = "(alias|canvas|status|campus)es$";
const SUMMONSES: &str = "^(summons|bonus)es$";
const OXEN: &str = "^(ox)en";
const MATRICES: &str = "(matr)ices$";
const VERTICES: &str = "(vert|ind)ices$";
const FEET: &str = "^feet$";
const TEETH: &str = "^teeth$";
const GEESE: &str = "^geese$";
const QUIZZES: &str = "(quiz)zes$";
const WHEREASES: &str = "^(whereas)es$";
const CRITERIA: &str = "^(criteri)a$";
const GENERA: &str = "^genera$";
const PLURAL_SS: &str = "ss$";
const PLURAL_S: &str = "s$";

const MAN: &str = "^(m|wom)an$";
const PERSON: &str = "(pe)rson$";
const CHILD: &str = "(child)$";
const DRIVE: &str = "(drive)$";
const OX: &str = "^(ox)$";
const AXIS: &str = "(ax|test)is$";
const OCTOPUS: &str = "(octop|vir)us$";
const ALIAS: &str = "(alias|status|canvas|campus)$";
const SUMMONS: &str = "^(summons|bonus)$";
const BUS: &str = "(bu)s$";
const BUFFALO: &str = "(buffal|tomat|potat)o$";
const TIUM: &str = "([ti])um$";
const SIS: &str = "sis$";
const FFE: &str = "(?:([^f])fe|([lr])f)$";
const HIVE: &str = "(hi|ti)ve$";
const AEIOUYY: &str = "([^aeiouy]|qu)y$";
const X: &str = "(x|ch|ss|sh)$";
const MATRIX: &str = "(matr)ix$";
const VERTEX: &str = "(vert|ind)ex$";
const MOUSE: &str = "([m|l])ouse$";
const FOOT: &str = "^foot$";
const TOOTH: &str = "^tooth$";
const GOOSE: &str = "^goose$";
const QUIZ: &str = "(quiz)$";
const WHEREAS: &str = "^(whereas)$";
const CRITERION: &str = "^(criteri)on$";
const GENUS: &str = "^genus$";
const SINGULAR_S: &str = "s$";
const COMMON: &str = "$";

/// (pattern, replacement): `None` keeps the word. Replacements use `${n}` for JavaScript's `$n`.
type Rules = Vec<(Regex, Option<&'static str>)>;

fn compile(rules: &[(&str, Option<&'static str>)]) -> Rules {
    rules
        .iter()
        .map(|(pattern, replacement)| {
            (
                Regex::new(&format!("(?i){pattern}")).expect("inflection rule"),
                *replacement,
            )
        })
        .collect()
}

static PLURAL_RULES: LazyLock<Rules> = LazyLock::new(|| {
    let keep = [
        MEN, PEOPLE, CHILDREN, TIA, ANALYSES, DATABASES, DRIVES, HIVES, CURVES, LRVES, FOVES,
        AEIOUYIES, SERIES, MOVIES, XES, MICE, BUSES, OES, SHOES, CRISES, OCTOPUSES, ALIASES,
        SUMMONSES, OXEN, MATRICES, FEET, TEETH, GEESE, QUIZZES, WHEREASES, CRITERIA, GENERA,
    ];
    let mut rules: Vec<(&str, Option<&'static str>)> = keep.iter().map(|p| (*p, None)).collect();
    rules.extend([
        (MAN, Some("${1}en")),
        (PERSON, Some("${1}ople")),
        (CHILD, Some("${1}ren")),
        (DRIVE, Some("${1}s")),
        (OX, Some("${1}en")),
        (AXIS, Some("${1}es")),
        (OCTOPUS, Some("${1}uses")),
        (ALIAS, Some("${1}es")),
        (SUMMONS, Some("${1}es")),
        (BUS, Some("${1}ses")),
        (BUFFALO, Some("${1}oes")),
        (TIUM, Some("${1}a")),
        (SIS, Some("ses")),
        (FFE, Some("${1}${2}ves")),
        (HIVE, Some("${1}ves")),
        (AEIOUYY, Some("${1}ies")),
        (MATRIX, Some("${1}ices")),
        (VERTEX, Some("${1}ices")),
        (X, Some("${1}es")),
        (MOUSE, Some("${1}ice")),
        (FOOT, Some("feet")),
        (TOOTH, Some("teeth")),
        (GOOSE, Some("geese")),
        (QUIZ, Some("${1}zes")),
        (WHEREAS, Some("${1}es")),
        (CRITERION, Some("${1}a")),
        (GENUS, Some("genera")),
        (SINGULAR_S, Some("s")),
        (COMMON, Some("s")),
    ]);
    compile(&rules)
});

static SINGULAR_RULES: LazyLock<Rules> = LazyLock::new(|| {
    let keep = [
        MAN, PERSON, CHILD, DRIVE, OX, AXIS, OCTOPUS, ALIAS, SUMMONS, BUS, BUFFALO, TIUM, SIS, FFE,
        HIVE, AEIOUYY, X, MATRIX, MOUSE, FOOT, TOOTH, GOOSE, QUIZ, WHEREAS, CRITERION, GENUS,
    ];
    let mut rules: Vec<(&str, Option<&'static str>)> = keep.iter().map(|p| (*p, None)).collect();
    rules.extend([
        (MEN, Some("${1}an")),
        (PEOPLE, Some("${1}rson")),
        (CHILDREN, Some("${1}")),
        (DATABASES, Some("${1}")),
        (DRIVES, Some("${1}")),
        (GENERA, Some("genus")),
        (CRITERIA, Some("${1}on")),
        (TIA, Some("${1}um")),
        (ANALYSES, Some("${1}${2}sis")),
        (HIVES, Some("${1}ve")),
        (CURVES, Some("${1}")),
        (LRVES, Some("${1}f")),
        (AVES, Some("${1}ve")),
        (FOVES, Some("${1}fe")),
        (MOVIES, Some("${1}ovie")),
        (AEIOUYIES, Some("${1}y")),
        (SERIES, Some("${1}eries")),
        (XES, Some("${1}")),
        (MICE, Some("${1}ouse")),
        (BUSES, Some("${1}")),
        (OES, Some("${1}")),
        (SHOES, Some("${1}")),
        (CRISES, Some("${1}is")),
        (OCTOPUSES, Some("${1}us")),
        (ALIASES, Some("${1}")),
        (SUMMONSES, Some("${1}")),
        (OXEN, Some("${1}")),
        (MATRICES, Some("${1}ix")),
        (VERTICES, Some("${1}ex")),
        (FEET, Some("foot")),
        (TEETH, Some("tooth")),
        (GEESE, Some("goose")),
        (QUIZZES, Some("${1}")),
        (WHEREASES, Some("${1}")),
        (PLURAL_SS, Some("ss")),
        (PLURAL_S, Some("")),
    ]);
    compile(&rules)
});

fn apply(word: &str, rules: &Rules) -> String {
    if UNCOUNTABLE.contains(&word.to_lowercase().as_str()) {
        return word.to_string();
    }
    for (pattern, replacement) in rules {
        if pattern.is_match(word) {
            return match replacement {
                Some(replacement) => pattern.replace_all(word, *replacement).into_owned(),
                None => word.to_string(),
            };
        }
    }
    word.to_string()
}

/// `inflection.pluralize`: `User` → `Users`, `Category` → `Categories`, `Person` → `People`.
pub fn pluralize(word: &str) -> String {
    apply(word, &PLURAL_RULES)
}

/// `inflection.singularize`: `Users` → `User`, `People` → `Person`.
pub fn singularize(word: &str) -> String {
    apply(word, &SINGULAR_RULES)
}

/// `inflection.underscore` (Sequelize's `underscoredIf(…, true)`): `_` before each capital,
/// one leading `_` dropped, lowercased (`UserId` → `user_id`, `HTTPCode` → `h_t_t_p_code`).
pub fn underscore(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c);
    }
    let out = out.strip_prefix('_').unwrap_or(&out);
    out.replace("::", "/").to_lowercase()
}

/// Sequelize's `Utils.camelize`: each run of `-`, `_` or whitespace is dropped and the letter
/// after it capitalised (`User_id` → `UserId`).
pub fn camelize(word: &str) -> String {
    let mut out = String::new();
    let mut upper_next = false;
    for c in word.trim().chars() {
        if c == '-' || c == '_' || c.is_whitespace() {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_the_inflection_table() {
        let cases = [
            ("User", "Users"),
            ("Category", "Categories"),
            ("Person", "People"),
            ("Address", "Addresses"),
            ("Box", "Boxes"),
            ("Status", "Statuses"),
            ("Wife", "Wives"),
            ("Leaf", "Leafs"),
            ("Half", "Halves"),
            ("Child", "Children"),
            ("Sheep", "Sheep"),
            ("Users", "Users"),
            ("Bus", "Buses"),
            ("Matrix", "Matrices"),
            ("Quiz", "Quizzes"),
            ("Day", "Days"),
            ("Tomato", "Tomatoes"),
            ("Photo", "Photos"),
            ("user_role", "user_roles"),
            ("Axis", "Axes"),
            ("Datum", "Data"),
        ];
        for (word, plural) in cases {
            assert_eq!(pluralize(word), plural, "{word}");
        }
    }

    #[test]
    fn singulars_follow_the_inflection_table() {
        let cases = [
            ("User", "User"),
            ("Users", "User"),
            ("Categories", "Category"),
            ("People", "Person"),
            ("Addresses", "Address"),
            ("Statuses", "Status"),
            ("Tag", "Tag"),
            ("Class", "Class"),
        ];
        for (word, singular) in cases {
            assert_eq!(singularize(word), singular, "{word}");
        }
    }

    #[test]
    fn underscore_and_camelize_are_sequelizes() {
        assert_eq!(underscore("UserId"), "user_id");
        assert_eq!(underscore("firstName"), "first_name");
        assert_eq!(underscore("Users_firstName"), "users_first_name");
        assert_eq!(camelize("User_id"), "UserId");
        assert_eq!(camelize("author_id"), "authorId");
    }
}
