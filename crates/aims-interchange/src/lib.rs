//! Interchange formats: Hugging Face model cards and CycloneDX ML-BOM read
//! into neutral inventory items ([`inventory`]), the inventory written back as
//! CycloneDX 1.6, and shadow-AI discovery over a source tree ([`discover`]).
//!
//! Only `discover::scan` touches the file system (read-only); everything else
//! works on bytes handed in.

pub mod cyclonedx;
pub mod discover;
pub mod inventory;
pub mod modelcard;

pub use cyclonedx::{read_cyclonedx, write_cyclonedx};
pub use inventory::{detect, Detected, ImportError, Inventory, Item, ItemKind, Link};
pub use modelcard::read_model_card;
