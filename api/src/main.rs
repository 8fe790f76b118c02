fn main() -> std::process::ExitCode {
    bantin_api::cli::main()
}
