//! Closed code lists as Rust enums that travel as their text (`"purchase"`, `"accepted"`), with
//! the `as_str`/`parse` pair the store needs to keep them in text columns.

/// Declares a text-valued enum: serde and OpenAPI use the given strings, and the enum gets
/// `ALL`, `as_str` and `parse`.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
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
    };
}

#[cfg(test)]
mod tests {
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
}
