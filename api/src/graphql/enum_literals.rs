//! Refuses an enum value written as a string literal in a document (`component: "OWNER"`): the
//! GraphQL specification allows only the bare name there (`component: OWNER`), and a client that
//! gets away with quotes here breaks on a stricter server. async-graphql accepts both, because a
//! variable's JSON can only carry an enum as a string; variables are left as they are.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Pos, ServerError};
use async_graphql_value::Value;

/// Walks every argument and variable default once, with the type the schema expects there. The
/// document guard has already bounded the document's size and depth.
pub fn check(document: &ExecutableDocument, registry: &Registry) -> Result<(), ServerError> {
    let walker = Walker { registry };
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                let expected = definition.node.var_type.node.to_string();
                let name = definition.node.name.node.as_str();
                walker.value(&expected, &default.node.clone().into_value(), name, default.pos)?;
            }
        }
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        if let Some(root) = root {
            walker.selections(root, &operation.node.selection_set.node)?;
        }
    }
    for (_, fragment) in document.fragments.iter() {
        walker.selections(fragment.node.type_condition.node.on.node.as_str(), &fragment.node.selection_set.node)?;
    }
    Ok(())
}

struct Walker<'a> {
    registry: &'a Registry,
}

impl Walker<'_> {
    fn selections(&self, parent: &str, set: &SelectionSet) -> Result<(), ServerError> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    // Unknown types and fields are for validation to report.
                    let Some(meta) =
                        self.registry.types.get(parent).and_then(|t| t.field_by_name(field.node.name.node.as_str()))
                    else {
                        continue;
                    };
                    for (name, value) in &field.node.arguments {
                        if let Some(argument) = meta.args.get(name.node.as_str()) {
                            self.value(&argument.ty, &value.node, name.node.as_str(), value.pos)?;
                        }
                    }
                    self.selections(MetaTypeName::concrete_typename(&meta.ty), &field.node.selection_set.node)?;
                }
                Selection::InlineFragment(inline) => {
                    let on = inline.node.type_condition.as_ref().map_or(parent, |c| c.node.on.node.as_str());
                    self.selections(on, &inline.node.selection_set.node)?;
                }
                // Fragment definitions are walked once each, on their own type.
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }

    fn value(&self, expected: &str, value: &Value, name: &str, pos: Pos) -> Result<(), ServerError> {
        match MetaTypeName::create(expected) {
            MetaTypeName::NonNull(inner) => self.value(inner, value, name, pos),
            MetaTypeName::List(inner) => match value {
                Value::List(items) => items.iter().try_for_each(|item| self.value(inner, item, name, pos)),
                // A single value where a list is expected stands for a list of one.
                single => self.value(inner, single, name, pos),
            },
            MetaTypeName::Named(named) => match (self.registry.types.get(named), value) {
                (Some(MetaType::Enum { .. }), Value::String(text)) => Err(quoted(name, text, pos)),
                (Some(MetaType::InputObject { input_fields, .. }), Value::Object(fields)) => {
                    fields.iter().try_for_each(|(key, value)| match input_fields.get(key.as_str()) {
                        Some(field) => self.value(&field.ty, value, key.as_str(), pos),
                        None => Ok(()),
                    })
                }
                _ => Ok(()),
            },
        }
    }
}

fn quoted(name: &str, text: &str, pos: Pos) -> ServerError {
    let shown: String = text.chars().take(64).collect();
    let mut error = ServerError::new(
        format!("`{name}` takes an enum value, written without quotes (`{shown}`, not `\"{shown}\"`)"),
        Some(pos),
    );
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", "GRAPHQL_VALIDATION_FAILED");
    extensions.set("field", name);
    error
}
