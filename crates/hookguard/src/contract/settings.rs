//! A configuration's members read setting by setting: each name checked against the settings
//! its object has, each value against the type its setting takes, defaults where a setting is
//! absent. Every host's configuration is read here, from the JSON the core's own reader read.
//!
//! Serde's derived readers did this before, and brought into every WebAssembly module their
//! machinery for a few dozen settings read once: serde_json's value deserializer and, through
//! serde's messages for a number of the wrong kind, the standard library's float formatting.
//! Messages here name the setting (`signature.tolerance_seconds`) and the kind of value found,
//! never the value: a mistyped secret must not reach a log.

use serde_json::{Map, Value};

/// The members of one configuration object, taken out as they are read.
pub(crate) struct Settings {
    members: Map<String, Value>,
    /// Where the object is (`signature.`), for messages; empty at the top level.
    scope: &'static str,
}

impl Settings {
    /// The members of the object at `scope`, whose settings are `known`: a name that is not
    /// one of them is refused (a typo must not leave a default silently in place).
    pub(crate) fn new(
        members: Map<String, Value>,
        known: &[&str],
        scope: &'static str,
    ) -> Result<Settings, String> {
        Settings::beside(members, known, &[], scope)
    }

    /// [`Settings::new`] for an object that also holds settings of the host's own (`host`),
    /// which are left for the host to read.
    pub(crate) fn beside(
        members: Map<String, Value>,
        known: &[&str],
        host: &[&str],
        scope: &'static str,
    ) -> Result<Settings, String> {
        if let Some(unknown) = members
            .keys()
            .find(|name| !known.contains(&name.as_str()) && !host.contains(&name.as_str()))
        {
            let known: Vec<String> = known
                .iter()
                .chain(host)
                .map(|name| format!("`{name}`"))
                .collect();
            return Err(format!(
                "unknown field `{scope}{unknown}`, expected one of {}",
                known.join(", ")
            ));
        }
        Ok(Settings { members, scope })
    }

    /// Why the setting `name` was refused: the kind of value it takes, and what it holds.
    fn refused(&self, name: &str, expected: &str, found: &Value) -> String {
        format!(
            "`{}{name}`: expected {expected}, found {}",
            self.scope,
            kind_of(found)
        )
    }

    /// The value of `name`, taken out (null included: each reader below says whether null
    /// stands for absent, as it does only where a setting is optional).
    fn take(&mut self, name: &str) -> Option<Value> {
        self.members.remove(name)
    }

    /// A whole number of at least zero (a count, a limit, seconds).
    pub(crate) fn count(&mut self, name: &str, default: u64) -> Result<u64, String> {
        match self.take(name) {
            None => Ok(default),
            Some(Value::Number(number)) if number.as_u64().is_some() => {
                Ok(number.as_u64().unwrap_or(default))
            }
            Some(other) => Err(self.refused(name, "a whole number of at least 0", &other)),
        }
    }

    /// `true` or `false`.
    pub(crate) fn flag(&mut self, name: &str, default: bool) -> Result<bool, String> {
        match self.take(name) {
            None => Ok(default),
            Some(Value::Bool(flag)) => Ok(flag),
            Some(other) => Err(self.refused(name, "true or false", &other)),
        }
    }

    /// A string (null refused).
    pub(crate) fn text(&mut self, name: &str, default: String) -> Result<String, String> {
        match self.take(name) {
            None => Ok(default),
            Some(Value::String(text)) => Ok(text),
            Some(other) => Err(self.refused(name, "a string", &other)),
        }
    }

    /// A string, or nothing when absent or null.
    pub(crate) fn optional_text(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(self.refused(name, "a string", &other)),
        }
    }

    /// An array of strings (absent: empty).
    pub(crate) fn texts(&mut self, name: &str) -> Result<Vec<String>, String> {
        match self.take(name) {
            None => Ok(Vec::new()),
            Some(value) => self.strings_of(name, value),
        }
    }

    /// An array of strings, or nothing when absent or null.
    pub(crate) fn optional_texts(&mut self, name: &str) -> Result<Option<Vec<String>>, String> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => self.strings_of(name, value).map(Some),
        }
    }

    fn strings_of(&self, name: &str, value: Value) -> Result<Vec<String>, String> {
        let Value::Array(items) = value else {
            return Err(self.refused(name, "an array of strings", &value));
        };
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => Ok(text),
                other => Err(self.refused(&format!("{name}[{index}]"), "a string", &other)),
            })
            .collect()
    }

    /// One of `choices` (by its name in configurations).
    pub(crate) fn choice<T: Copy>(
        &mut self,
        name: &str,
        default: T,
        choices: &[(&str, T)],
    ) -> Result<T, String> {
        let Some(value) = self.take(name) else {
            return Ok(default);
        };
        if let Value::String(text) = &value
            && let Some((_, chosen)) = choices.iter().find(|(label, _)| label == text)
        {
            return Ok(*chosen);
        }
        let names: Vec<String> = choices
            .iter()
            .map(|(label, _)| format!("`{label}`"))
            .collect();
        Err(self.refused(name, &format!("one of {}", names.join(", ")), &value))
    }

    /// An object's members (absent: `None`; null refused).
    pub(crate) fn object(&mut self, name: &str) -> Result<Option<Map<String, Value>>, String> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Object(members)) => Ok(Some(members)),
            Some(other) => Err(self.refused(name, "an object", &other)),
        }
    }

    /// An object's members, or nothing when absent or null.
    pub(crate) fn optional_object(
        &mut self,
        name: &str,
    ) -> Result<Option<Map<String, Value>>, String> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(members)) => Ok(Some(members)),
            Some(other) => Err(self.refused(name, "an object", &other)),
        }
    }

    /// A JSON document, whatever its shape (its reader checks it), or nothing when absent or
    /// null.
    pub(crate) fn document(&mut self, name: &str) -> Option<Value> {
        self.take(name).filter(|value| !value.is_null())
    }
}

/// What a value is, in a message's words (never the value itself).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_f64() => "a number with a fraction or an exponent",
        Value::Number(number) if number.is_i64() && !number.is_u64() => "a negative number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn settings(json: &str) -> Settings {
        let Value::Object(members) = serde_json::from_str(json).unwrap() else {
            panic!("not an object")
        };
        Settings::new(
            members,
            &["count", "flag", "text", "list", "mode", "inner"],
            "scope.",
        )
        .unwrap()
    }

    #[test]
    fn absent_settings_take_their_defaults() {
        let mut read = settings("{}");
        assert_eq!(read.count("count", 7), Ok(7));
        assert_eq!(read.flag("flag", true), Ok(true));
        assert_eq!(read.text("text", String::from("d")), Ok(String::from("d")));
        assert_eq!(read.texts("list"), Ok(Vec::new()));
        assert_eq!(read.choice("mode", 1, &[("a", 1), ("b", 2)]), Ok(1));
        assert_eq!(read.object("inner"), Ok(None));
    }

    #[test]
    fn present_settings_are_read() {
        let mut read = settings(
            r#"{"count": 5, "flag": false, "text": "t", "list": ["x", "y"], "mode": "b", "inner": {"k": 1}}"#,
        );
        assert_eq!(read.count("count", 7), Ok(5));
        assert_eq!(read.flag("flag", true), Ok(false));
        assert_eq!(read.text("text", String::new()), Ok(String::from("t")));
        assert_eq!(
            read.texts("list"),
            Ok(vec![String::from("x"), String::from("y")])
        );
        assert_eq!(read.choice("mode", 1, &[("a", 1), ("b", 2)]), Ok(2));
        assert_eq!(read.object("inner").unwrap().unwrap().len(), 1);
    }

    #[test]
    fn null_is_absent_only_where_a_setting_is_optional() {
        let mut read = settings(r#"{"count": null, "text": null, "list": null, "inner": null}"#);
        assert_eq!(
            read.count("count", 7),
            Err(String::from(
                "`scope.count`: expected a whole number of at least 0, found null"
            ))
        );
        assert_eq!(read.optional_text("text"), Ok(None));
        assert_eq!(read.optional_texts("list"), Ok(None));
        assert_eq!(read.optional_object("inner"), Ok(None));
    }

    #[test]
    fn refusals_name_the_setting_and_the_kind_never_the_value() {
        let mut read = settings(
            r#"{"count": -3, "flag": "whsec_secret", "text": 1.5, "list": ["ok", "whsec_x", 3], "mode": "whsec_c"}"#,
        );
        let refusals = [
            read.count("count", 0).unwrap_err(),
            read.flag("flag", false).unwrap_err(),
            read.text("text", String::new()).unwrap_err(),
            read.texts("list").unwrap_err(),
            read.choice("mode", 1, &[("a", 1), ("b", 2)]).unwrap_err(),
        ];
        assert_eq!(
            refusals,
            [
                "`scope.count`: expected a whole number of at least 0, found a negative number",
                "`scope.flag`: expected true or false, found a string",
                "`scope.text`: expected a string, found a number with a fraction or an exponent",
                "`scope.list[2]`: expected a string, found a number",
                "`scope.mode`: expected one of `a`, `b`, found a string",
            ]
        );
        assert!(refusals.iter().all(|message| !message.contains("whsec")));
        assert_eq!(
            read.count("count", 0),
            Ok(0),
            "a setting is read once: taken out as it is read"
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_known_ones() {
        let Value::Object(members) = serde_json::from_str(r#"{"tolerance_sec": 5}"#).unwrap()
        else {
            panic!("not an object")
        };
        let refused = Settings::new(members, &["secrets", "tolerance_seconds"], "signature.")
            .err()
            .unwrap();
        assert_eq!(
            refused,
            "unknown field `signature.tolerance_sec`, expected one of `secrets`, `tolerance_seconds`"
        );
    }
}
