use clap::Parser;

fn main() {
    let cli = migen::cli::Cli::parse();
    migen::cli::finish(migen::cli::run(cli))
}
