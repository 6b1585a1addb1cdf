fn main() -> std::process::ExitCode {
    policynav::cli::main()
}
