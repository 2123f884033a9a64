//! The generator's one test binary.

mod create_only;
mod up_to_date;
