//! The impls shared by the errors that give the value back (`SendError`, `PutError`).

/// Implements `Debug` (which hides the value, so `T` needs none), `Display` with `$message`,
/// and `Error` for `$name<T>`, a tuple struct holding the value that was not sent.
macro_rules! value_error {
    ($name:ident, $message:literal) => {
        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }

        impl<T> std::fmt::Display for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($message)
            }
        }

        impl<T> std::error::Error for $name<T> {}
    };
}

pub(super) use value_error;
