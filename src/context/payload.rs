//! The GitHub event JSON, parsed in one pass into a flat list of values, read where it is read.
//!
//! A push of many commits makes an event file of megabytes. Parsed into a `serde_json::Value`
//! (a map, a `String` per key and per text, a node per value), it cost three quarters of a dry
//! run, for a context and templates that read a few dozen fields. So the text is kept, and
//! `serde_json`'s own parser runs once over it into [`Token`]s: one per value, in the order of the
//! text, with strings as positions in it and objects and arrays saying where they end. The
//! context (`ci::github`) reads that through [`Json`] views, templates (`payload.*`) through
//! minijinja objects that convert a member only when it is read (`payload.head_commit.message`,
//! `payload.commits[-1]`, `payload|length`, loops, `items`: all work as on plain values).
//!
//! It reads exactly as the `Value` did: the same parser gives the same errors at the same
//! positions; numbers are `serde_json::Number`s as a `Value` holds them; an object's members are
//! sorted by key and, of equal keys, the last counts (a `serde_json::Map`); outside minijinja a
//! [`Payload`] serializes as that `Value` would.
//!
//! Why not simply an `Arc<serde_json::Value>` behind the same lazy objects (the design before
//! this one): measured alternating on the same machine, a dry run of a 1.5 MB push takes
//! 11.4 ms with the tokens and 24.2 ms with the `Value` (20 MB: 128 against 269 ms; medians of
//! six runs), over the 20 ms budget. `docs/performance.md` has the figures and the method.

use std::fmt;
use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Number;

/// The whole event JSON (`null` outside GitHub).
#[derive(Clone)]
pub struct Payload(Arc<Doc>);

/// The event's text and its values in the order of the text.
struct Doc {
    text: String,
    tokens: Vec<Token>,
}

/// One JSON value. An object's token is followed by its keys and values, alternating (each value
/// with its own members after it), an array's by its items.
enum Token {
    Null,
    Bool(bool),
    Number(Number),
    /// A string without escapes: its start and end in the text.
    Str(usize, usize),
    /// A string with escapes, decoded.
    Escaped(Box<str>),
    /// An object or array, and the index of the first token after its last member.
    Object(usize),
    Array(usize),
}

impl Payload {
    /// Parses an event file as `serde_json::from_slice::<Value>` does, with the same errors.
    pub fn parse(bytes: Vec<u8>) -> Result<Payload, serde_json::Error> {
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            // Not UTF-8, so not JSON either: serde_json says where, as it always did.
            Err(e) => {
                return Err(serde_json::from_slice::<serde_json::Value>(e.as_bytes())
                    .expect_err("text that is not UTF-8 is not JSON"));
            }
        };
        let mut builder = Builder { text: &text, tokens: Vec::new() };
        let mut de = serde_json::Deserializer::from_str(&text);
        (&mut builder).deserialize(&mut de)?;
        de.end()?;
        let tokens = builder.tokens;
        Ok(Payload(Arc::new(Doc { text, tokens })))
    }

    /// The whole event, to read fields from.
    pub fn json(&self) -> Json<'_> {
        Json { doc: &self.0, at: 0 }
    }

    /// The event's text as read (empty when there is none): [`Payload::parse`] of it gives this
    /// payload again.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    #[cfg(test)]
    pub fn is_null(&self) -> bool {
        matches!(self.0.tokens[0], Token::Null)
    }
}

impl Default for Payload {
    fn default() -> Payload {
        Payload(Arc::new(Doc { text: String::new(), tokens: vec![Token::Null] }))
    }
}

#[cfg(test)]
impl From<serde_json::Value> for Payload {
    fn from(json: serde_json::Value) -> Payload {
        Payload::parse(serde_json::to_vec(&json).unwrap()).unwrap()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({} JSON values)", self.0.tokens.len())
    }
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into minijinja (`Value::from_serialize(&context)`): hand over the lazy view. Anywhere
        // else (JSON, snapshots): the JSON itself.
        if minijinja::value::serializing_for_value() {
            Node::value(&self.0, 0).serialize(serializer)
        } else {
            self.json().serialize(serializer)
        }
    }
}

/// Fills the token list from `serde_json`'s parser; it never fails itself, so every error is the
/// parser's, as when it builds a `Value`.
struct Builder<'t> {
    text: &'t str,
    tokens: Vec<Token>,
}

impl Builder<'_> {
    /// Adds an object or array, with its members after it.
    fn container<E>(
        &mut self,
        token: fn(usize) -> Token,
        members: impl FnOnce(&mut Self) -> Result<(), E>,
    ) -> Result<(), E> {
        let at = self.tokens.len();
        self.tokens.push(Token::Null);
        members(self)?;
        self.tokens[at] = token(self.tokens.len());
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for &mut Builder<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Builder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.tokens.push(Token::Null);
        Ok(())
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.tokens.push(Token::Bool(b));
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.tokens.push(Token::Number(n.into()));
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.tokens.push(Token::Number(n.into()));
        Ok(())
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.tokens.push(Number::from_f64(n).map_or(Token::Null, Token::Number));
        Ok(())
    }

    /// A string without escapes (keys too), borrowed from the text: where it is.
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<(), E> {
        let start = s.as_ptr() as usize - self.text.as_ptr() as usize;
        self.tokens.push(Token::Str(start, start + s.len()));
        Ok(())
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.tokens.push(Token::Escaped(s.into()));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.container(Token::Array, |b| {
            while seq.next_element_seed(&mut *b)?.is_some() {}
            Ok(())
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.container(Token::Object, |b| {
            while map.next_key_seed(&mut *b)?.is_some() {
                map.next_value_seed(&mut *b)?;
            }
            Ok(())
        })
    }
}

impl Doc {
    /// The index of the first token after the value at `at`.
    fn end(&self, at: usize) -> usize {
        match self.tokens[at] {
            Token::Object(end) | Token::Array(end) => end,
            _ => at + 1,
        }
    }

    fn str(&self, at: usize) -> Option<&str> {
        match &self.tokens[at] {
            Token::Str(start, end) => Some(&self.text[*start..*end]),
            Token::Escaped(s) => Some(s),
            _ => None,
        }
    }

    /// The key of an object's member, from the index of its value.
    fn key(&self, value: usize) -> &str {
        self.str(value - 1).unwrap_or_default()
    }

    /// An array's items, or the values of an object's members (each after its key), in the order
    /// of the text; nothing for other values.
    fn members(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let step = usize::from(matches!(self.tokens[at], Token::Object(_)));
        let (mut next, end) = (at + 1, self.end(at));
        std::iter::from_fn(move || {
            let value = (next < end).then_some(next + step)?;
            next = self.end(value);
            Some(value)
        })
    }

    /// [`Doc::members`] as a `serde_json::Value` holds them: an object's sorted by key, and of
    /// equal keys only the last.
    fn index(&self, at: usize) -> Vec<usize> {
        if !matches!(self.tokens[at], Token::Object(_)) {
            return self.members(at).collect();
        }
        // By key, then by place in the text (so the sort needs no stability); of equal keys the
        // last stays. n log n: an event given by hand may hold an object of many keys.
        let mut sorted: Vec<usize> = self.members(at).collect();
        sorted.sort_unstable_by(|&a, &b| self.key(a).cmp(self.key(b)).then(a.cmp(&b)));
        sorted.dedup_by(|later, kept| {
            let same = self.key(*later) == self.key(*kept);
            if same {
                *kept = *later;
            }
            same
        });
        sorted
    }
}

/// A value inside the event, read like a `serde_json::Value`.
#[derive(Clone, Copy)]
pub struct Json<'a> {
    doc: &'a Doc,
    at: usize,
}

impl<'a> Json<'a> {
    /// An object's member (the last of that key); `None` for anything else.
    pub fn get(self, key: &str) -> Option<Json<'a>> {
        let (tokens, key) = (&self.doc.tokens, key.as_bytes());
        let Token::Object(end) = tokens[self.at] else { return None };
        let (mut found, mut at) = (None, self.at + 1);
        while at < end {
            let matches = match &tokens[at] {
                Token::Str(start, end) => self.doc.text.as_bytes().get(*start..*end) == Some(key),
                token => matches!(token, Token::Escaped(k) if k.as_bytes() == key),
            };
            if matches {
                found = Some(Json { at: at + 1, ..self });
            }
            at = self.doc.end(at + 1);
        }
        found
    }

    /// An array's items; `None` for anything else.
    pub fn items(self) -> Option<impl Iterator<Item = Json<'a>>> {
        let is_array = matches!(self.doc.tokens[self.at], Token::Array(_));
        is_array.then(|| self.doc.members(self.at).map(move |at| Json { at, ..self }))
    }

    pub fn is_object(self) -> bool {
        matches!(self.doc.tokens[self.at], Token::Object(_))
    }

    pub fn as_str(self) -> Option<&'a str> {
        self.doc.str(self.at)
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.doc.tokens[self.at] {
            Token::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_u64(self) -> Option<u64> {
        match &self.doc.tokens[self.at] {
            Token::Number(n) => n.as_u64(),
            _ => None,
        }
    }
}

impl Serialize for Json<'_> {
    /// As the `serde_json::Value` would.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.doc;
        match &doc.tokens[self.at] {
            Token::Null => serializer.serialize_unit(),
            Token::Bool(b) => serializer.serialize_bool(*b),
            Token::Number(n) => n.serialize(serializer),
            Token::Str(..) | Token::Escaped(_) => serializer.serialize_str(doc.str(self.at).unwrap_or_default()),
            Token::Array(_) => serializer.collect_seq(doc.index(self.at).into_iter().map(|at| Json { doc, at })),
            Token::Object(_) => {
                serializer.collect_map(doc.index(self.at).into_iter().map(|at| (doc.key(at), Json { doc, at })))
            }
        }
    }
}

/// An object or array inside the event, as minijinja sees it.
struct Node {
    doc: Arc<Doc>,
    at: usize,
    /// [`Doc::index`], made when first needed.
    index: OnceLock<Vec<usize>>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "payload token {}", self.at)
    }
}

impl Node {
    /// The JSON at `at` as a minijinja value: scalars converted, objects and arrays as views.
    fn value(doc: &Arc<Doc>, at: usize) -> Value {
        match &doc.tokens[at] {
            Token::Null => Value::from(()),
            Token::Bool(b) => Value::from(*b),
            Token::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::from(i)
                } else if let Some(u) = n.as_u64() {
                    Value::from(u)
                } else {
                    Value::from(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Token::Str(..) | Token::Escaped(_) => Value::from(doc.str(at).unwrap_or_default()),
            Token::Object(_) | Token::Array(_) => {
                Value::from_object(Node { doc: doc.clone(), at, index: OnceLock::new() })
            }
        }
    }

    fn index(&self) -> &[usize] {
        self.index.get_or_init(|| self.doc.index(self.at))
    }

    fn is_array(&self) -> bool {
        matches!(self.doc.tokens[self.at], Token::Array(_))
    }
}

impl Object for Node {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        if self.is_array() { ObjectRepr::Seq } else { ObjectRepr::Map }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = self.index();
        let at = if self.is_array() {
            *index.get(usize::try_from(key.as_i64()?).ok()?)?
        } else {
            let key = key.as_str()?;
            index[index.binary_search_by(|&v| self.doc.key(v).cmp(key)).ok()?]
        };
        Some(Node::value(&self.doc, at))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        if self.is_array() {
            Enumerator::Seq(self.index().len())
        } else {
            Enumerator::Values(self.index().iter().map(|&v| Value::from(self.doc.key(v))).collect())
        }
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.index().len())
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
    fn it_parses_as_serde_json_parses_a_value() {
        let fixtures = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github")).unwrap();
        let mut texts: Vec<Vec<u8>> = fixtures.map(|f| std::fs::read(f.unwrap().path()).unwrap()).collect();
        let odd = [
            r#"{"b": 1, "a": [true, null, -2, 1.5e3, 18446744073709551615], "b": "last \"wins\" \u00e9\n"}"#,
            r#"{"\u0061": {}, "a": [], "": ""}"#,
            "",
            " ",
            "{",
            "{ not json",
            "[1,]",
            r#"{"a" 1}"#,
            "01",
            "1e400",
            r#""\ud800""#,
            "\"\u{1}\"",
            "[] x",
        ];
        texts.extend(odd.iter().map(|t| t.as_bytes().to_vec()));
        texts.push("[".repeat(200).into_bytes());
        texts.push(b"{\"a\": \"\xff\"}".to_vec());
        for text in texts {
            let want = serde_json::from_slice::<serde_json::Value>(&text);
            let got = Payload::parse(text.clone());
            let label = String::from_utf8_lossy(&text[..text.len().min(40)]).into_owned();
            match (want, got) {
                (Ok(want), Ok(got)) => {
                    assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap(), "{label}");
                    assert_eq!(got.json().is_object(), want.is_object(), "{label}");
                }
                (Err(want), Err(got)) => assert_eq!(got.to_string(), want.to_string(), "{label}"),
                (want, got) => panic!("{label}: {want:?} but {got:?}"),
            }
        }
    }

    #[test]
    fn json_views_read_as_a_value_does() {
        let p = Payload::parse(br#"{"a": {"b": "x", "b": " y "}, "n": 7, "f": true, "l": [1, "s"]}"#.to_vec()).unwrap();
        let j = p.json();
        assert_eq!(j.get("a").and_then(|a| a.get("b")).and_then(Json::as_str), Some(" y "));
        assert_eq!((j.get("n").and_then(Json::as_u64), j.get("f").and_then(Json::as_bool)), (Some(7), Some(true)));
        assert!(
            j.get("missing").is_none()
                && j.get("n").unwrap().get("x").is_none()
                && j.get("l").unwrap().get("0").is_none()
        );
        let items: Vec<_> = j.get("l").and_then(Json::items).unwrap().map(|i| (i.as_u64(), i.as_str())).collect();
        assert_eq!(items, [(Some(1), None), (None, Some("s"))]);
    }

    #[test]
    fn outside_minijinja_it_serializes_as_the_json() {
        let p = Payload::from(serde_json::json!({"a": [1, {"b": null}]}));
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"a":[1,{"b":null}]}"#);
        assert!(Payload::default().is_null());
    }
}
