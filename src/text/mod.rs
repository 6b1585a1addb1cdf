//! Chinese text handling shared by every stage: script conversion ([`script`]), word
//! segmentation ([`segment`]), the query vocabulary ([`vocabulary`]) and the grammar of
//! amounts and percentages ([`amount`]).
//!
//! Matching always happens on a *normalised Simplified* form; display always shows the
//! original.

pub mod amount;
mod dictionary;
pub mod script;
pub mod segment;
pub mod vocabulary;

pub use script::{is_han, to_simplified};
pub use segment::{
    BUNDLED_DICTIONARY, jieba, jieba_for, jieba_loaded, preload_jieba, small_jieba,
    use_dictionary_of,
};
pub use vocabulary::{BUNDLED_SYNONYMS, Vocabulary};
