//! Bounds what a document may cost before any validation rule or resolver sees it.
//!
//! A fragment may spread other fragments, so a document of a few hundred bytes can name 2^30
//! selections once expanded, and every later step (async-graphql's recursion check, validation,
//! complexity, execution) walks the expansion, most of them recursively. The guard therefore:
//!
//! 1. scans the raw text before the parser sees it: bracket nesting (the parser recurses per level)
//!    and the number of tokens (parsing costs about a microsecond per token, so a megabyte of
//!    `id id id …` would cost a third of a second before any limit could look at it);
//! 2. caps the number of operations and fragment definitions, and refuses unknown fragments;
//! 3. counts every selection (field, spread, inline fragment) once expanded, with each fragment's
//!    count computed once however often it is spread, never recursing deeper than the recursion
//!    limit, so no later step meets a document larger or deeper than the limits;
//! 4. refuses strings that carry NUL or invisible format characters, in inline arguments, variables
//!    and variable defaults alike, naming the offending field;
//! 5. refuses enum values written as strings (`enum_literals`).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{ErrorExtensions, Request, ServerError, ServerResult, Value, Variables};

use crate::domain::text::forbidden_anywhere;

/// How large a document may be once its fragments are expanded.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Selections (fields, fragment spreads, inline fragments) in one operation or fragment, every
    /// spread counted with the whole fragment it brings.
    pub max_fields: u64,
    /// Aliased fields, counted the same way.
    pub max_aliases: u64,
    /// Fields at the root of one operation.
    pub max_root_fields: u64,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self { max_fields: 2_000, max_aliases: 30, max_root_fields: 20 }
    }
}

/// Bracket nesting the raw text may have; deeper text is refused before parsing.
pub const MAX_NESTING: usize = 64;
/// Bytes one string literal in the document may hold; larger values travel as variables, which are
/// parsed as JSON at a fraction of the cost.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Tokens (names, numbers, strings, punctuators) the raw text may have. The largest documents
/// real clients send (introspection, a page with every field) have a few thousand.
pub const MAX_TOKENS: usize = 20_000;
/// Selection nesting (fields, spreads and inline fragments each count a level), as async-graphql's
/// own recursion check counts it.
pub const MAX_RECURSION: usize = 32;
/// Arguments one field may take (validation compares arguments pairwise when fields merge).
pub const MAX_ARGUMENTS: usize = 32;
/// Operations and fragment definitions per document.
pub const MAX_OPERATIONS: usize = 50;
pub const MAX_FRAGMENTS: usize = 200;

/// Runs before async-graphql's own parse step, whose recursion-depth check already walks every
/// fragment spread. The document parsed here is kept in the request, so it is parsed once; a
/// document that does not parse is left to the caller, which reports it.
pub fn check(request: &mut Request, limits: &DocumentLimits, registry: &Registry) -> ServerResult<()> {
    check_text(&request.query).map_err(too_large)?;
    let variables = std::mem::take(&mut request.variables);
    let checked = match request.parsed_query() {
        Ok(document) => measure(document, limits)
            .map_err(too_large)
            .and_then(|_| check_strings(document, &variables))
            .and_then(|()| super::enum_literals::check(document, registry)),
        Err(_) => Ok(()),
    };
    request.variables = variables;
    checked
}

fn too_large(message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    err.extensions.get_or_insert_with(Default::default).set("code", "GRAPHQL_VALIDATION_FAILED");
    err
}

/// Refuses text whose `{`, `[` and `(` nest deeper than [`MAX_NESTING`], outside strings and
/// comments, or that holds more than [`MAX_TOKENS`] tokens, before the parser sees it. Linear, no
/// allocation.
pub fn check_text(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let (mut depth, mut tokens, mut i) = (0usize, 0usize, 0usize);
    // Only names and digits run together; every other character counts alone (`...`, `-1` and
    // `1.5e+3` count several tokens: counting high is safe, counting low is not).
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        let byte = bytes[i];
        if !(byte.is_ascii_whitespace() || byte == b',' || byte == b'#') {
            tokens += 1;
            if tokens > MAX_TOKENS {
                return Err(format!("the document holds more than {MAX_TOKENS} tokens"));
            }
        }
        // A name or number is one token however long.
        if is_word(byte) {
            while i + 1 < bytes.len() && is_word(bytes[i + 1]) {
                i += 1;
            }
        }
        match byte {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                let start = i;
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                // The parser would read an unterminated block string as something else entirely,
                // so what this scan skipped as a string could reach it as brackets: refuse it.
                if i >= bytes.len() {
                    return Err("the document has an unterminated block string".to_owned());
                }
                long_string(i - start)?;
                i += 2;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                long_string(i - start)?;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!("the document nests brackets deeper than {MAX_NESTING} levels"));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn long_string(bytes: usize) -> Result<(), String> {
    match bytes > MAX_STRING_BYTES {
        true => {
            Err(format!("a string in the document exceeds {MAX_STRING_BYTES} bytes; pass large values as variables"))
        }
        false => Ok(()),
    }
}

/// What a selection set expands to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Selections: fields, fragment spreads and inline fragments.
    pub fields: u64,
    pub aliases: u64,
    /// Fields at this selection set's own level (through fragments, not into sub-selections).
    pub top_level: u64,
    /// Deepest nesting inside, counted as async-graphql's recursion check counts it.
    pub depth: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.top_level = self.top_level.saturating_add(other.top_level);
        self.depth = self.depth.max(other.depth);
    }
}

enum Memo {
    InProgress,
    Done(Tally),
}

struct Counter<'a> {
    document: &'a ExecutableDocument,
    limits: &'a DocumentLimits,
    fragments: HashMap<&'a str, Memo>,
}

/// Checks the document against `limits`; the error says which limit and by how much.
pub fn measure(document: &ExecutableDocument, limits: &DocumentLimits) -> Result<Tally, String> {
    let operations = document.operations.iter().count();
    if operations > MAX_OPERATIONS {
        return Err(format!("the document holds {operations} operations; at most {MAX_OPERATIONS} are allowed"));
    }
    if document.fragments.len() > MAX_FRAGMENTS {
        return Err(format!(
            "the document defines {} fragments; at most {MAX_FRAGMENTS} are allowed",
            document.fragments.len()
        ));
    }
    let mut counter = Counter { document, limits, fragments: HashMap::new() };
    let mut total = Tally::default();
    for (_, operation) in document.operations.iter() {
        let tally = counter.selection_set(&operation.node.selection_set.node, 0)?;
        if tally.top_level > limits.max_root_fields {
            return Err(format!(
                "an operation selects {} root fields; at most {} are allowed",
                tally.top_level, limits.max_root_fields
            ));
        }
        total.add(tally);
        counter.check(&total)?;
    }
    // Validation walks every fragment, used or not: each must be within the limits on its own.
    for name in document.fragments.keys() {
        counter.fragment(name.as_str(), 1)?;
    }
    Ok(total)
}

impl<'a> Counter<'a> {
    fn check(&self, tally: &Tally) -> Result<(), String> {
        if tally.fields > self.limits.max_fields {
            return Err(format!(
                "the document makes more than {} selections and argument values once its fragments are expanded",
                self.limits.max_fields
            ));
        }
        if tally.aliases > self.limits.max_aliases {
            return Err(format!("the document uses more than {} aliases", self.limits.max_aliases));
        }
        Ok(())
    }

    fn deeper(depth: usize) -> Result<usize, String> {
        match depth + 1 {
            d if d > MAX_RECURSION => Err(format!("the document nests selections deeper than {MAX_RECURSION} levels")),
            d => Ok(d),
        }
    }

    /// The expansion of `set`, found at nesting `depth`; never recurses past [`MAX_RECURSION`].
    fn selection_set(&mut self, set: &'a SelectionSet, depth: usize) -> Result<Tally, String> {
        let mut tally = Tally { depth, ..Tally::default() };
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let mut children = Tally { depth, ..Tally::default() };
                    if !field.selection_set.node.items.is_empty() {
                        children = self.selection_set(&field.selection_set.node, Self::deeper(depth)?)?;
                    }
                    // Validation compares and walks arguments too (pairwise when fields merge), so
                    // their values count like selections and their number per field is capped.
                    if field.arguments.len() > MAX_ARGUMENTS {
                        return Err(format!("a field takes more than {MAX_ARGUMENTS} arguments"));
                    }
                    let values: u64 = field.arguments.iter().map(|(_, v)| value_nodes(&v.node)).sum::<u64>()
                        + field
                            .directives
                            .iter()
                            .flat_map(|d| &d.node.arguments)
                            .map(|(_, v)| value_nodes(&v.node))
                            .sum::<u64>();
                    tally.add(Tally {
                        fields: children.fields.saturating_add(1).saturating_add(values),
                        aliases: children.aliases.saturating_add(u64::from(field.alias.is_some())),
                        top_level: 1,
                        depth: children.depth,
                    });
                }
                Selection::InlineFragment(inline) => {
                    let inner = self.selection_set(&inline.node.selection_set.node, Self::deeper(depth)?)?;
                    tally.add(Tally { fields: inner.fields.saturating_add(1), ..inner });
                }
                Selection::FragmentSpread(spread) => {
                    let inner = self.fragment(spread.node.fragment_name.node.as_str(), Self::deeper(depth)?)?;
                    tally.add(Tally { fields: inner.fields.saturating_add(1), ..inner });
                }
            }
            self.check(&tally)?;
        }
        Ok(tally)
    }

    /// A fragment's expansion spread at nesting `depth`, computed once however often it is spread;
    /// its depth is stored relative to the fragment, so a later spread at another depth is checked.
    fn fragment(&mut self, name: &'a str, depth: usize) -> Result<Tally, String> {
        match self.fragments.get(name) {
            Some(Memo::Done(relative)) => {
                let absolute = depth + relative.depth;
                if absolute > MAX_RECURSION {
                    return Err(format!("the document nests selections deeper than {MAX_RECURSION} levels"));
                }
                return Ok(Tally { depth: absolute, ..*relative });
            }
            Some(Memo::InProgress) => return Err(format!("the fragment `{name}` spreads itself")),
            None => {}
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Err(format!("the fragment `{name}` is not defined"));
        };
        self.fragments.insert(key.as_str(), Memo::InProgress);
        let tally = self.selection_set(&definition.node.selection_set.node, depth)?;
        let relative = Tally { depth: tally.depth - depth, ..tally };
        self.fragments.insert(key.as_str(), Memo::Done(relative));
        Ok(tally)
    }
}

/// Value nodes in an argument: each scalar, variable, list and object counts one.
fn value_nodes(value: &async_graphql_value::Value) -> u64 {
    use async_graphql_value::Value as V;
    match value {
        V::List(items) => 1 + items.iter().map(value_nodes).sum::<u64>(),
        V::Object(map) => 1 + map.values().map(value_nodes).sum::<u64>(),
        _ => 1,
    }
}

/// Refuses NUL and invisible format characters in any string the request carries.
fn check_strings(document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
    for (name, value) in variables.iter() {
        check_const(name.as_str(), value)?;
    }
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                check_const(definition.node.name.node.as_str(), &default.node)?;
            }
        }
    }
    let mut sets: Vec<&SelectionSet> = document.operations.iter().map(|(_, op)| &op.node.selection_set.node).collect();
    sets.extend(document.fragments.values().map(|f| &f.node.selection_set.node));
    while let Some(set) = sets.pop() {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    for (name, value) in &field.node.arguments {
                        check_value(name.node.as_str(), &value.node)?;
                    }
                    sets.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    Ok(())
}

fn check_value(field: &str, value: &async_graphql_value::Value) -> ServerResult<()> {
    use async_graphql_value::Value as V;
    match value {
        V::String(s) => check_str(field, s),
        V::List(items) => items.iter().try_for_each(|v| check_value(field, v)),
        V::Object(map) => map.iter().try_for_each(|(k, v)| check_value(k.as_str(), v)),
        _ => Ok(()),
    }
}

fn check_const(field: &str, value: &Value) -> ServerResult<()> {
    match value {
        Value::String(s) => check_str(field, s),
        Value::List(items) => items.iter().try_for_each(|v| check_const(field, v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| check_const(k.as_str(), v)),
        _ => Ok(()),
    }
}

fn check_str(field: &str, value: &str) -> ServerResult<()> {
    match value.chars().find(|c| forbidden_anywhere(*c)) {
        None => Ok(()),
        Some(c) => {
            let error = crate::error::AppError::bad_input(
                field,
                format!("must not contain the invisible character U+{:04X}", u32::from(c)),
            );
            Err(async_graphql::Error::from(error).extend().into_server_error(Default::default()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(query: &str) -> Result<Tally, String> {
        let document = async_graphql::parser::parse_query(query).expect("the document parses");
        measure(&document, &DocumentLimits::default())
    }

    /// Each fragment spreads the next twice: 2^depth fields once expanded.
    fn fragment_bomb(depth: usize) -> String {
        let mut doc = String::from("query { me { ...F0 } }\n");
        for i in 0..depth {
            doc.push_str(&format!("fragment F{i} on Viewer {{ ...F{n} ...F{n} }}\n", n = i + 1));
        }
        doc.push_str(&format!("fragment F{depth} on Viewer {{ id name }}\n"));
        doc
    }

    #[test]
    fn a_fragment_bomb_is_refused_without_expanding_it() {
        let refused = measured(&fragment_bomb(30)).unwrap_err();
        assert!(refused.contains("2000 selections"), "{refused}");
        // F5 holds 2 fields; each Fi above holds two spreads of the next: 2 * (1 + size).
        let f0 = (0..5).fold(2u64, |size, _| 2 * (1 + size));
        assert_eq!(measured(&fragment_bomb(5)).unwrap().fields, 1 + 1 + f0);
    }

    #[test]
    fn spreads_count_even_when_they_bring_no_fields() {
        // Four spreads per level of a fragment that does not exist: 4^15 spread visits.
        let mut doc = String::from("query { ...A0 }\n");
        for i in 0..15 {
            let next = format!("...A{} ", i + 1).repeat(4);
            doc.push_str(&format!("fragment A{i} on Query {{ {next} }}\n"));
        }
        doc.push_str("fragment A15 on Query { ...Nope }\n");
        let refused = measured(&doc).unwrap_err();
        assert!(refused.contains("not defined") || refused.contains("selections"), "{refused}");
        let with_leaf = doc.replace("...Nope", "__typename");
        assert!(measured(&with_leaf).unwrap_err().contains("selections"));
    }

    #[test]
    fn long_fragment_chains_and_unused_fragments_are_measured_too() {
        let chain = |n: usize| {
            let mut doc = String::from("query { __typename }\n");
            for i in 0..n {
                doc.push_str(&format!("fragment C{i} on Query {{ ...C{} }}\n", i + 1));
            }
            doc.push_str(&format!("fragment C{n} on Query {{ __typename }}\n"));
            doc
        };
        assert!(measured(&chain(40)).unwrap_err().contains("deeper than 32"));
        assert!(measured(&chain(300)).unwrap_err().contains("fragments"));
        assert!(measured(&chain(10)).is_ok());
        let unused_bomb = fragment_bomb(30).replace("query { me { ...F0 } }", "query { me { id } }");
        assert!(measured(&unused_bomb).is_err());
    }

    #[test]
    fn argument_values_and_variable_uses_count_through_fragments() {
        let uses = format!("query($v: Int) {{ ...F }} fragment F on Query {{ f(a: [{}]) }}", "$v ".repeat(2_500));
        assert!(measured(&uses).unwrap_err().contains("argument values"));
        let many: String = (0..33).map(|i| format!("a{i}: 0 ")).collect();
        assert!(measured(&format!("{{ f({many}) }}")).unwrap_err().contains("arguments"));
        let tally = measured("{ f(a: [1, 2], b: { c: 3 }) @include(if: true) }").unwrap();
        assert_eq!(tally.fields, 1 + 3 + 2 + 1);
    }

    #[test]
    fn operations_are_capped() {
        let many: String = (0..51).map(|i| format!("query Q{i} {{ __typename }}\n")).collect();
        assert!(measured(&many).unwrap_err().contains("operations"));
    }

    #[test]
    fn an_unterminated_block_string_cannot_hide_brackets() {
        let hidden = format!("{{ f(a: [\"\"\"x\"], b: {}1{}) }}", "[".repeat(1_000), "]".repeat(1_000));
        assert!(check_text(&hidden).is_err());
        assert!(check_text("{ f(a: \"\"\"fine \\\"\"\" still\"\"\") }").is_ok());
    }

    #[test]
    fn token_floods_are_refused_before_parsing() {
        let wide = format!("{{ me {{ {} }} }}", "id ".repeat(30_000));
        assert!(check_text(&wide).unwrap_err().contains("tokens"));
        let long_string = format!("{{ f(a: \"{}\") }}", "x y z ".repeat(10_000));
        assert!(check_text(&long_string).is_ok(), "a long string is one token");
        let too_long = format!("{{ f(a: \"{}\") }}", "x".repeat(MAX_STRING_BYTES + 1));
        assert!(check_text(&too_long).unwrap_err().contains("variables"));
        let too_long_block = format!("{{ f(a: \"\"\"{}\"\"\") }}", "x".repeat(MAX_STRING_BYTES + 1));
        assert!(check_text(&too_long_block).is_err());
        let introspection_sized = format!("{{ {} }}", "name description type { name ofType { name } } ".repeat(500));
        assert!(check_text(&introspection_sized).is_ok());
        // Runs of spreads or signed numbers do not hide behind one another.
        assert!(check_text(&format!("{{ a{} }}", "...F".repeat(20_001))).is_err());
        assert!(check_text(&format!("{{ f(x: [{}]) }}", "-1".repeat(10_001))).is_err());
    }

    #[test]
    fn bracket_nesting_is_refused_before_parsing_but_strings_do_not_count() {
        assert!(check_text(&"{".repeat(100_000)).is_err());
        assert!(check_text(&format!("{{ f(a: {}1{}) }}", "[".repeat(70), "]".repeat(70))).is_err());
        let quoted =
            format!("{{ f(a: \"{}\", b: \"\"\"{}\"\"\") }} # {}", "{".repeat(100), "[".repeat(100), "(".repeat(100));
        assert!(check_text(&quoted).is_ok());
        assert!(check_text(&format!("{}{}", "{ a ".repeat(64), "}".repeat(64))).is_ok());
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let refused = measured("query { me { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }");
        assert!(refused.unwrap_err().contains("spreads itself"));
    }

    #[test]
    fn aliases_and_root_fields_are_counted_through_fragments() {
        let aliases: String = (0..31).map(|i| format!("a{i}: me {{ id }} ")).collect();
        assert!(measured(&format!("{{ {aliases} }}")).unwrap_err().contains("aliases"));
        let roots: String = (0..21).map(|_| "__typename ").collect();
        assert!(
            measured(&format!("{{ ...R }} fragment R on Query {{ {roots} }}")).unwrap_err().contains("root fields")
        );
        let tally = measured("{ me { id } ...R } fragment R on Query { a: me { name } }").unwrap();
        assert_eq!(tally, Tally { fields: 5, aliases: 1, top_level: 2, depth: 2 });
    }

    #[test]
    fn wide_documents_stop_at_the_limit() {
        let wide: String = (0..2_001).map(|_| "id ").collect();
        assert!(measured(&format!("{{ me {{ {wide} }} }}")).is_err());
    }
}
