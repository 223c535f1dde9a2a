//! A push's commits as templates read them: in place, through minijinja objects, rather than
//! converted into values one by one whenever the context is (the built-in push summary shows
//! five; a push can carry thousands). A template loops, slices, counts and looks fields up as
//! it does on plain values; the copy of this process that renders a user's template
//! (`summary::fork`) reads them without writing to the pages they are on.

use std::ops::Deref;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::{Serialize, Serializer};

use crate::context::Commit;

/// Commits of a push, oldest first, shared.
#[derive(Debug, Default, Clone)]
pub struct Commits(Arc<Vec<Commit>>);

impl From<Vec<Commit>> for Commits {
    fn from(commits: Vec<Commit>) -> Commits {
        Commits(Arc::new(commits))
    }
}

impl Deref for Commits {
    type Target = [Commit];

    fn deref(&self) -> &[Commit] {
        &self.0
    }
}

impl Serialize for Commits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Into minijinja (`Value::from_serialize(&context)`): the list as an object. Anywhere
        // else (JSON, snapshots): the list itself.
        if minijinja::value::serializing_for_value() {
            Value::from_object(View::List(self.0.clone())).serialize(serializer)
        } else {
            self.0.serialize(serializer)
        }
    }
}

/// The list (a sequence to templates) or one commit of it (a map, with [`Commit`]'s fields in
/// its order). One type for both: each `Object` impl costs the binary its own copy of the
/// trait's methods.
#[derive(Debug)]
enum View {
    List(Arc<Vec<Commit>>),
    Item(Arc<Vec<Commit>>, usize),
}

const FIELDS: [&str; 7] = ["sha", "short_sha", "title", "message", "author", "author_email", "url"];

impl Object for View {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        match **self {
            View::List(_) => ObjectRepr::Seq,
            View::Item(..) => ObjectRepr::Map,
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let text = |s: &Option<String>| s.as_deref().map_or(Value::from(()), Value::from);
        match &**self {
            View::List(list) => {
                let at = usize::try_from(key.as_i64()?).ok()?;
                (at < list.len()).then(|| Value::from_object(View::Item(list.clone(), at)))
            }
            View::Item(list, at) => {
                let c = &list[*at];
                Some(match key.as_str()? {
                    "sha" => Value::from(c.sha.as_str()),
                    "short_sha" => Value::from(c.short_sha.as_str()),
                    "title" => text(&c.title),
                    "message" => text(&c.message),
                    "author" => text(&c.author),
                    "author_email" => text(&c.author_email),
                    "url" => text(&c.url),
                    _ => return None,
                })
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        match &**self {
            View::List(list) => Enumerator::Seq(list.len()),
            View::Item(..) => Enumerator::Str(&FIELDS),
        }
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(match &**self {
            View::List(list) => list.len(),
            View::Item(..) => FIELDS.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders with the commits as objects (as the binary does) and converted eagerly (before).
    fn both(template: &str, commits: &[Commit]) -> (String, String) {
        #[derive(Serialize)]
        struct Objects {
            commits: Commits,
        }
        #[derive(Serialize)]
        struct Plain<'a> {
            commits: &'a [Commit],
        }
        let env = minijinja::Environment::new();
        let objects = env.render_str(template, Value::from_serialize(Objects { commits: commits.to_vec().into() }));
        let plain = env.render_str(template, Value::from_serialize(Plain { commits }));
        (objects.unwrap(), plain.unwrap())
    }

    #[test]
    fn templates_read_the_commit_objects_as_they_read_plain_values() {
        let commit = |sha: &str, message: Option<&str>, author: Option<&str>| Commit {
            author: author.map(str::to_owned),
            url: Some(format!("https://example.com/commit/{sha}")),
            ..Commit::new(sha, message)
        };
        let commits = [
            commit("a1b2c3d4e5f6", Some("fix: one\n\nbody"), Some("ann")),
            commit("b2c3d4e5f6a1", None, None),
            commit("c3d4e5f6a1b2", Some("feat: three"), Some("bo")),
        ];
        for template in [
            "{{ commits|length }} {{ commits[-1].sha }} {{ commits[0]['title'] }} {{ commits[5] is undefined }}",
            "{% for c in commits[-2:]|reverse %}{{ loop.index }}:{{ c.short_sha }}:{{ c.title }};{% endfor %}",
            "{% for c in commits %}{{ c.message is none }}{{ c.author or 'nobody' }} {% endfor %}",
            "{{ commits|map(attribute='author')|select|join(',') }} {{ commits|first }} {{ commits|last|list }}",
            "{{ commits[1] }}|{{ commits[1]|items|list }}|{{ commits[0].nope is undefined }}|{{ commits and 1 }}",
            "{{ commits|selectattr('title')|map(attribute='url')|join(' ') }} {{ 'author' in commits[0] }}",
        ] {
            let (objects, plain) = both(template, &commits);
            assert_eq!(objects, plain, "{template}");
        }
        let (objects, plain) = both("{{ commits and 1 or 0 }} {{ commits|length }} {{ commits }}", &[]);
        assert_eq!((objects.as_str(), plain.as_str()), ("0 0 []", "0 0 []"));
    }

    #[test]
    fn outside_minijinja_the_commits_are_a_json_list() {
        let commits: Commits = vec![Commit::new("a1b2c3d4e5f6", Some("fix"))].into();
        let json = serde_json::to_value(&commits).unwrap();
        assert_eq!(json[0]["short_sha"], "a1b2c3d");
        assert_eq!(json[0]["title"], "fix");
        assert!(json[0]["author"].is_null());
        // Every field of `Commit` is one a template can look up, and no other.
        let mut keys: Vec<&str> = json[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields = FIELDS.to_vec();
        keys.sort_unstable();
        fields.sort_unstable();
        assert_eq!(keys, fields);
    }
}
