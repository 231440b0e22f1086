//! `migen verify`: up and down on a scratch database, every step checked.

use super::{fail_code, load, plan_with_answers, print, server_facts, use_color};
use crate::cli::args::VerifyArgs;
use crate::error::{Error, Result};
use crate::pipeline::{self, VerifyRequest};

pub fn run(args: &VerifyArgs) -> Result<i32> {
    let (request, loaded) = load(&args.pair, args.db.as_deref())?;
    // Questions are settled before any database work starts.
    let server = server_facts(&loaded, &request, args.pair.fail_on.is_some())?;
    let options = args.shape.options(server.known_version(), &loaded.config);
    let mut answers = loaded.answers.clone();
    let plan = plan_with_answers(&loaded, &mut answers, &options, true)?;
    let findings = pipeline::findings(&loaded.before, &plan, &server);
    let seed_sql = match &args.seed {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    let verify = VerifyRequest {
        before_sql: pipeline::before_sql(&loaded)?,
        seed_sql,
        auto_seed: !args.no_seed,
        server_url: loaded.scratch_server(&request),
    };
    let result = pipeline::verify(&loaded, &answers, &options, &verify)?;
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&result).expect("verification serialises") + "\n";
    } else {
        let color = use_color();
        for phase in &result.phases {
            let mark = match (phase.ok, color) {
                (true, true) => "\x1b[32mpass\x1b[0m",
                (false, true) => "\x1b[31mFAIL\x1b[0m",
                (true, false) => "pass",
                (false, false) => "FAIL",
            };
            out.push_str(&format!("{mark}  {:<26} {}\n", phase.name, phase.detail));
        }
        out.push_str(if result.passed() {
            "verified: up and down round-trip cleanly\n"
        } else {
            "verification failed\n"
        });
    }
    print(&out);
    // A failed round trip is exit 1; so is a finding at or above --fail-on.
    Ok(if result.passed() {
        fail_code(&findings, &args.pair)
    } else {
        1
    })
}
