//! `DecodeAuthorizationMessage`: the details behind an encoded authorization failure.

use super::types::{elements, envelope, required, text};
use super::validate;
use super::{Operation, impl_to_query};
use crate::query::QueryWriter;
use crate::{Error, xml};

/// The input of
/// [DecodeAuthorizationMessage](https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html):
/// decodes the encoded message of an authorization failure.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeAuthorizationMessageRequest {
    /// `EncodedMessage`: the encoded message from the failed call (1 to 10240 characters).
    pub encoded_message: String,
}

impl DecodeAuthorizationMessageRequest {
    /// A request to decode `encoded_message`.
    #[must_use]
    pub fn new(encoded_message: impl Into<String>) -> Self {
        Self {
            encoded_message: encoded_message.into(),
        }
    }

    /// Checks every constraint of the STS model on this request.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error when the message
    /// is empty or longer than 10240 characters.
    pub fn validate(&self) -> Result<(), Error> {
        validate::string(
            "EncodedMessage",
            None,
            &self.encoded_message,
            1,
            Some(10240),
            None,
        )
    }
}

impl Operation for DecodeAuthorizationMessageRequest {
    const ACTION: &'static str = "DecodeAuthorizationMessage";
    type Output = DecodeAuthorizationMessageResponse;

    fn validate(&self) -> Result<(), Error> {
        DecodeAuthorizationMessageRequest::validate(self)
    }

    fn write_members(&self, w: &mut QueryWriter) {
        w.string("EncodedMessage", &self.encoded_message);
    }

    fn parse(body: &str) -> Result<DecodeAuthorizationMessageResponse, Error> {
        DecodeAuthorizationMessageResponse::from_xml(body)
    }
}

impl_to_query!(DecodeAuthorizationMessageRequest);

/// The output of
/// [DecodeAuthorizationMessage](https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeAuthorizationMessageResponse {
    /// `DecodedMessage`: the decoded message, a JSON document, as sent.
    pub decoded_message: String,
    /// `ResponseMetadata/RequestId`.
    pub request_id: String,
}

impl DecodeAuthorizationMessageResponse {
    /// Parses a `<DecodeAuthorizationMessageResponse>` body.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidResponse`](crate::ErrorKind::InvalidResponse) when the body is not
    /// XML, has another root, or misses `DecodedMessage`;
    /// [`ErrorKind::Service`](crate::ErrorKind::Service) when it is an `<ErrorResponse>`.
    pub fn from_xml(body: &str) -> Result<Self, Error> {
        let doc = xml::parse(body)?;
        let (result, request_id) = envelope(
            &doc,
            "DecodeAuthorizationMessageResponse",
            "DecodeAuthorizationMessageResult",
        )?;
        let mut message = None;
        for n in elements(result) {
            if n.tag_name().name() == "DecodedMessage" {
                message = Some(text(n).to_owned());
            }
        }
        Ok(Self {
            decoded_message: required(message, "DecodedMessage")?,
            request_id,
        })
    }
}
