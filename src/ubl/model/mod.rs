//! The BIS documents as read (element names as UBL writes them, matched by local name) and the
//! checks PEPPOL's rules make of them.

pub mod bis;
pub mod despatch;
pub mod envelope;
pub mod export;
pub mod export_despatch;
pub mod export_response;
pub mod order;
pub mod parties;
pub mod received;
pub mod response;
pub mod rules;
pub mod syntax;
pub mod write;

#[cfg(test)]
mod tests;
