//! One module per STS operation: the request (with `validate()` and the awsQuery encoding) and
//! the response (parsed from XML).

use crate::Error;
use crate::query::QueryWriter;

/// What the client needs of an operation: its name, whether it is signed, its validation and
/// encoding, and how to parse its answer.
pub(crate) trait Operation {
    /// The `Action` name.
    const ACTION: &'static str;
    /// Whether the request is signed (AssumeRoleWithSAML and AssumeRoleWithWebIdentity are not).
    const SIGNED: bool = true;
    /// The parsed response.
    type Output;
    /// Checks every constraint of the model.
    fn validate(&self) -> Result<(), Error>;
    /// Writes the members after `Action` and `Version`.
    fn write_members(&self, w: &mut QueryWriter);
    /// Parses a 2xx response body.
    fn parse(body: &str) -> Result<Self::Output, Error>;
}
