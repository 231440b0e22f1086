use clap::Parser;

fn main() {
    let cli = migen::cli::Cli::parse();
    match migen::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(error.exit_code());
        }
    }
}
