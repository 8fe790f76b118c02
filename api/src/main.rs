/// Public reads allocate and free many small strings per request (documents, GraphQL values);
/// mimalloc's per-thread free lists cost a fraction of glibc's malloc under that load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bantin_api::cli::main()
}
