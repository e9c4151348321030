//! Closed code lists as Rust enums that travel as their text (`"purchase"`, `"accepted"`), with
//! the `as_str`/`parse` pair the store needs to keep them in text columns.

/// Declares a text-valued enum: serde and OpenAPI use the given strings, and the enum gets
/// `ALL`, `as_str` and `parse`. The OpenAPI schema is written here rather than derived: the
/// derive cannot read a `rename` whose value comes through a macro, and would publish the
/// Rust variant names instead of the strings on the wire.
#[macro_export]
macro_rules! text_enum {
    ($(#[doc = $doc:expr])* pub enum $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl $crate::lifecycle::Word for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description((!description.is_empty()).then_some(description))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    text_enum! {
        /// A test list.
        pub enum Colour { Red = "red", DeepBlue = "deep_blue" }
    }

    #[test]
    fn round_trips_through_text_and_json() {
        assert_eq!(Colour::DeepBlue.as_str(), "deep_blue");
        assert_eq!(Colour::parse("red"), Some(Colour::Red));
        assert_eq!(Colour::parse("green"), None);
        assert_eq!(
            serde_json::to_string(&Colour::DeepBlue).unwrap(),
            "\"deep_blue\""
        );
    }

    /// The OpenAPI document must list what travels on the wire, not the Rust names.
    #[test]
    fn schema_lists_the_wire_strings() {
        let schema = serde_json::to_value(Colour::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["red", "deep_blue"]));
        assert_eq!(schema["description"], "A test list.");
    }
}
