//! `salesmap export --db URL [--pipeline P] -o history.csv|.xes`: a pipeline's live history
//! as the normalized history CSV (or XES), which `analyze`, `report` and process-mining tools
//! read. The server's analysis endpoint measures exactly this history.

use std::path::PathBuf;

use salesmap_import::{write_csv, write_xes};
use salesmap_store::Actor;

use super::serve::{DEFAULT_DB, open_store, runtime};
use crate::output::write_output;

#[derive(clap::Args)]
pub struct Args {
    /// The database (as for `serve`).
    #[arg(long, default_value = DEFAULT_DB)]
    db: String,
    /// The pipeline to export.
    #[arg(long, default_value = "sales")]
    pipeline: String,
    /// Output file (`.csv` normalized history, `.xes` XES, `-` for standard output).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let loaded = runtime.block_on(async {
        let store = open_store(&args.db, 2).await?;
        let result = store.live_history(&Actor::console(), &args.pipeline).await;
        store.close().await;
        result.map_err(|e| {
            eprintln!("error: {e}");
            2
        })
    });
    let (history, published) = match loaded {
        Ok(h) => h,
        Err(code) => return code,
    };
    let xes = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xes"));
    let mut bytes = Vec::new();
    let written = if xes {
        write_xes(&history, &mut bytes)
    } else {
        write_csv(&history, &mut bytes)
    };
    if let Err(e) = written {
        eprintln!("error: cannot encode the history: {e}");
        return 2;
    }
    if let Err(code) = write_output(&args.output, &bytes) {
        return code;
    }
    eprintln!(
        "wrote {}: pipeline `{}` (map version {}), {} deals, {} events",
        args.output.display(),
        args.pipeline,
        published.number,
        history.deals.len(),
        history.len()
    );
    0
}
