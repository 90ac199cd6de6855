//! Bounds what a document may cost before any validation rule or resolver sees it.
//!
//! A fragment may spread other fragments, so a document of a few hundred bytes can name 2^30 fields
//! once expanded, and every later step (validation, complexity, execution) walks the expansion.
//! This guard counts the expansion with each fragment's size computed once (linear in the document),
//! stops at the first limit crossed, and refuses fragment cycles, so no later step meets a document
//! larger than the limits. It also refuses strings that carry NUL or invisible format characters,
//! in inline arguments and in variables alike, naming the offending field.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, Request, ServerError, ServerResult, Value, Variables};

use crate::domain::text::forbidden_anywhere;

/// How large a document may be once its fragments are expanded.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Fields in all operations, every fragment spread counted at each place it is spread.
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

pub struct DocumentGuard(pub DocumentLimits);

impl ExtensionFactory for DocumentGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentGuardExtension(self.0))
    }
}

struct DocumentGuardExtension(DocumentLimits);

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentGuardExtension {
    /// Runs before async-graphql's own parse step, whose recursion-depth check already walks
    /// every fragment spread. The document parsed here is kept, so it is parsed once.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let variables = std::mem::take(&mut request.variables);
        // A document that does not parse is left to the parse step, which reports it.
        if let Ok(document) = request.parsed_query() {
            measure(document, &self.0).map_err(too_large)?;
            check_strings(document, &variables)?;
        }
        request.variables = variables;
        next.run(ctx, request).await
    }
}

fn too_large(message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    err.extensions.get_or_insert_with(Default::default).set("code", "GRAPHQL_VALIDATION_FAILED");
    err
}

/// What a selection set expands to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub fields: u64,
    pub aliases: u64,
    /// Fields at this selection set's own level (through fragments, not into sub-selections).
    pub top_level: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.top_level = self.top_level.saturating_add(other.top_level);
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
    let mut counter = Counter { document, limits, fragments: HashMap::new() };
    let mut total = Tally::default();
    for (_, operation) in document.operations.iter() {
        let tally = counter.selection_set(&operation.node.selection_set.node)?;
        if tally.top_level > limits.max_root_fields {
            return Err(format!(
                "an operation selects {} root fields; at most {} are allowed",
                tally.top_level, limits.max_root_fields
            ));
        }
        total.add(tally);
        counter.check(&total)?;
    }
    Ok(total)
}

impl<'a> Counter<'a> {
    fn check(&self, tally: &Tally) -> Result<(), String> {
        if tally.fields > self.limits.max_fields {
            return Err(format!(
                "the document selects more than {} fields once its fragments are expanded",
                self.limits.max_fields
            ));
        }
        if tally.aliases > self.limits.max_aliases {
            return Err(format!("the document uses more than {} aliases", self.limits.max_aliases));
        }
        Ok(())
    }

    fn selection_set(&mut self, set: &'a SelectionSet) -> Result<Tally, String> {
        let mut tally = Tally::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let children = self.selection_set(&field.selection_set.node)?;
                    tally.add(Tally {
                        fields: children.fields.saturating_add(1),
                        aliases: children.aliases.saturating_add(u64::from(field.alias.is_some())),
                        top_level: 1,
                    });
                }
                Selection::InlineFragment(inline) => tally.add(self.selection_set(&inline.node.selection_set.node)?),
                Selection::FragmentSpread(spread) => tally.add(self.fragment(spread.node.fragment_name.node.as_str())?),
            }
            self.check(&tally)?;
        }
        Ok(tally)
    }

    /// A fragment's expansion, computed once however often it is spread.
    fn fragment(&mut self, name: &'a str) -> Result<Tally, String> {
        match self.fragments.get(name) {
            Some(Memo::Done(tally)) => return Ok(*tally),
            Some(Memo::InProgress) => return Err(format!("the fragment `{name}` spreads itself")),
            None => {}
        }
        // An unknown fragment is reported by validation; it adds nothing here.
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else { return Ok(Tally::default()) };
        self.fragments.insert(key.as_str(), Memo::InProgress);
        let tally = self.selection_set(&definition.node.selection_set.node)?;
        self.fragments.insert(key.as_str(), Memo::Done(tally));
        Ok(tally)
    }
}

/// Refuses NUL and invisible format characters in any string the request carries.
fn check_strings(document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
    for (name, value) in variables.iter() {
        check_const(name.as_str(), value)?;
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
        let refused = measured(&fragment_bomb(60)).unwrap_err();
        assert!(refused.contains("2000 fields"), "{refused}");
        assert_eq!(measured(&fragment_bomb(5)).unwrap().fields, 1 + 2 * 32);
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
        assert_eq!(tally, Tally { fields: 4, aliases: 1, top_level: 2 });
    }

    #[test]
    fn wide_documents_stop_at_the_limit() {
        let wide: String = (0..2_001).map(|_| "id ").collect();
        assert!(measured(&format!("{{ me {{ {wide} }} }}")).is_err());
    }
}
