//! The `policynav` command: the navigator with no arguments, else a CLI command (see `policynav --help`).
fn main() -> std::process::ExitCode {
    policynav::cli::main()
}
