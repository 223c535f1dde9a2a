//! The GitHub event JSON as templates see it (`payload.*`), converted only where a template looks.
//!
//! The event is parsed once into a `serde_json::Value` and shared behind an `Arc`: the context
//! (`ci::github`) reads its fields from that `Value`, and objects and arrays reach minijinja as
//! views that convert a member only when it is read (`payload.head_commit.message`,
//! `payload.commits[-1]`, `payload|length`, loops, `items`: all work as on plain values). Turning
//! a large push event into minijinja values up front cost as much again as parsing it.
//! docs/performance.md has the figures, and those of a faster design this one replaced.

use std::ops::Deref;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::Serialize;

/// The whole event JSON (`null` outside GitHub); reads like a `serde_json::Value`.
#[derive(Debug, Clone, Default)]
pub struct Payload(Arc<serde_json::Value>);

impl From<serde_json::Value> for Payload {
    fn from(json: serde_json::Value) -> Payload {
        Payload(Arc::new(json))
    }
}

impl Deref for Payload {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.0
    }
}

impl Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into minijinja (`Value::from_serialize(&context)`): hand over the lazy view. Anywhere
        // else (JSON, snapshots): the JSON itself.
        if minijinja::value::serializing_for_value() {
            Node::value(&self.0, Vec::new()).serialize(serializer)
        } else {
            self.0.serialize(serializer)
        }
    }
}

/// One step down from a JSON object or array.
#[derive(Debug, Clone)]
enum Step {
    Key(Arc<str>),
    Index(usize),
}

/// An object or array inside the event: the shared root and the way down to it.
#[derive(Debug)]
struct Node {
    root: Arc<serde_json::Value>,
    path: Vec<Step>,
}

impl Node {
    /// The JSON at `path` as a minijinja value: scalars converted, objects and arrays as views.
    fn value(root: &Arc<serde_json::Value>, path: Vec<Step>) -> Value {
        let json = Node::walk(root, &path);
        match json {
            serde_json::Value::Null => Value::from(()),
            serde_json::Value::Bool(b) => Value::from(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::from(i)
                } else if let Some(u) = n.as_u64() {
                    Value::from(u)
                } else {
                    Value::from(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => Value::from(s.as_str()),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                Value::from_object(Node { root: root.clone(), path })
            }
        }
    }

    fn walk<'a>(root: &'a serde_json::Value, path: &[Step]) -> &'a serde_json::Value {
        path.iter().fold(root, |json, step| match step {
            Step::Key(k) => &json[&**k],
            Step::Index(i) => &json[*i],
        })
    }

    fn json(&self) -> &serde_json::Value {
        Node::walk(&self.root, &self.path)
    }

    fn child(&self, step: Step) -> Value {
        let mut path = self.path.clone();
        path.push(step);
        Node::value(&self.root, path)
    }
}

impl Object for Node {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        if self.json().is_array() { ObjectRepr::Seq } else { ObjectRepr::Map }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match self.json() {
            serde_json::Value::Object(map) => {
                let (k, _) = map.get_key_value(key.as_str()?)?;
                Some(self.child(Step::Key(Arc::from(k.as_str()))))
            }
            serde_json::Value::Array(list) => {
                let i = usize::try_from(key.as_i64()?).ok().filter(|&i| i < list.len())?;
                Some(self.child(Step::Index(i)))
            }
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match self.json() {
            serde_json::Value::Object(map) => Enumerator::Values(map.keys().map(|k| Value::from(k.as_str())).collect()),
            serde_json::Value::Array(list) => Enumerator::Seq(list.len()),
            _ => Enumerator::Empty,
        }
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        match self.json() {
            serde_json::Value::Object(map) => Some(map.len()),
            serde_json::Value::Array(list) => Some(list.len()),
            _ => Some(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

    /// Renders with the payload lazy (as the binary does) and converted eagerly (as before).
    fn render(template: &str, json: &serde_json::Value) -> (String, String) {
        #[derive(Serialize)]
        struct Lazy {
            payload: Payload,
        }
        #[derive(Serialize)]
        struct Eager<'a> {
            payload: &'a serde_json::Value,
        }
        let env = Environment::new();
        let lazy = env.render_str(template, Value::from_serialize(Lazy { payload: json.clone().into() }));
        let eager = env.render_str(template, Value::from_serialize(Eager { payload: json }));
        (lazy.unwrap(), eager.unwrap())
    }

    #[test]
    fn templates_read_the_lazy_payload_as_they_read_plain_values() {
        let json = serde_json::json!({
            "deleted": false, "forced": true, "n": 3, "big": u64::MAX, "x": 1.5, "none": null,
            "head_commit": {"message": "fix", "author": {"name": "A"}},
            "commits": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
            "empty": [], "obj": {}
        });
        let cases = [
            ("{{ payload.head_commit.message }} {{ payload.head_commit.author.name }}", "fix A"),
            ("{{ payload.deleted }} {{ payload.forced }} {{ payload.n + 1 }}", "False True 4"),
            ("{{ payload.big }} {{ payload.x }}", "18446744073709551615 1.5"),
            ("{{ payload.none is none }} {{ payload.missing is undefined }}", "True True"),
            ("{{ payload.commits|length }} {{ payload.commits[-1].id }} {{ payload.commits[0]['id'] }}", "3 c a"),
            ("{% for c in payload.commits[-2:] %}{{ c.id }}{% endfor %}", "bc"),
            ("{% for c in payload.commits %}{{ loop.index }}{{ c.id }}{% endfor %}", "1a2b3c"),
            ("{{ payload.empty and 1 or 0 }}{{ payload.obj and 1 or 0 }}{{ payload.commits and 1 or 0 }}", "001"),
            ("{{ payload.commits[5] is undefined }} {{ 'head_commit' in payload }}", "True True"),
            ("{% for k, v in payload.head_commit|items %}{{ k }};{% endfor %}", "author;message;"),
            ("{{ payload.commits|map(attribute='id')|join(',') }}", "a,b,c"),
            ("{{ payload.head_commit == {'message': 'fix', 'author': {'name': 'A'}} }}", "True"),
        ];
        for (template, want) in cases {
            let (lazy, eager) = render(template, &json);
            assert_eq!(lazy, eager, "{template}");
            assert_eq!(lazy, want, "{template}");
        }
    }

    #[test]
    fn outside_minijinja_it_serializes_as_the_json() {
        let p = Payload::from(serde_json::json!({"a": [1, {"b": null}]}));
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"a":[1,{"b":null}]}"#);
        assert!(Payload::default().is_null());
    }
}
