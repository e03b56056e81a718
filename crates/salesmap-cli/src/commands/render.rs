//! `salesmap render`: draws a map as SVG, PNG, Mermaid or Graphviz DOT.
//!
//! The format comes from `--format`, else from the output file's extension (`.svg`, `.png`,
//! `.mmd`/`.mermaid`, `.dot`/`.gv`); without `-o`, text formats go to standard output. All the
//! drawing is `salesmap_render`'s; this module only turns arguments into `RenderOptions`.

use std::path::PathBuf;

use salesmap_render::{Format, Lanes, RenderOptions, render};

use crate::inputs::load_map;
use crate::output::write_output;

#[derive(clap::Args)]
pub struct Args {
    /// The map file to draw.
    map: PathBuf,
    /// Output file (`-` for standard output); its extension picks the format.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format; inferred from the output file name when omitted.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Group stages by buyer-journey phase (bands), by owner (swimlanes), or not at all.
    #[arg(long, value_enum, default_value = "phase")]
    lanes: LanesArg,
    /// Sub-stage levels drawn inside their parent stage; 0 collapses them to a count.
    #[arg(long, default_value_t = 1, value_name = "LEVELS")]
    depth: u32,
    /// Show each stage's exit checklist count and target days.
    #[arg(long)]
    detail: bool,
    /// Label language (e.g. `en`, `ko`) where the map gives several; default: the map's own.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Leave out the legend.
    #[arg(long)]
    no_legend: bool,
    /// PNG pixels per drawing unit (2 prints sharply on A3).
    #[arg(long, default_value_t = 2.0, value_name = "FACTOR")]
    scale: f32,
    /// Overlay measured figures from this history: conversion on each transition, deals and
    /// median days in each stage.
    #[arg(long, value_name = "HISTORY")]
    history: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Svg,
    Png,
    Mermaid,
    Dot,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LanesArg {
    Phase,
    Owner,
    None,
}

pub fn run(args: Args) -> u8 {
    let format = match (args.format, &args.output) {
        (Some(f), _) => match f {
            FormatArg::Svg => Format::Svg,
            FormatArg::Png => Format::Png,
            FormatArg::Mermaid => Format::Mermaid,
            FormatArg::Dot => Format::Dot,
        },
        (None, Some(path)) if path.as_os_str() != "-" => {
            match Format::from_path(&path.to_string_lossy()) {
                Some(f) => f,
                None => {
                    eprintln!(
                        "error: cannot tell the format from the file name `{}`\n  = help: name it .svg, .png, .mmd or .dot, or pass --format svg|png|mermaid|dot",
                        path.display()
                    );
                    return 2;
                }
            }
        }
        (None, _) => Format::Svg,
    };
    if !(args.scale.is_finite() && args.scale > 0.0 && args.scale <= 16.0) {
        eprintln!(
            "error: --scale {} is out of range\n  = help: use a factor above 0 and at most 16 (2 is the default)",
            args.scale
        );
        return 2;
    }
    let output = match (&args.output, format) {
        (Some(path), _) => path.clone(),
        (None, Format::Png) => {
            eprintln!(
                "error: a PNG needs an output file\n  = help: add `-o map.png` (or `-o -` to write the bytes to standard output)"
            );
            return 2;
        }
        (None, _) => PathBuf::from("-"),
    };
    let map = match load_map(&args.map) {
        Ok(map) => map,
        Err(code) => return code,
    };
    let options = RenderOptions {
        lanes: match args.lanes {
            LanesArg::Phase => Lanes::Phase,
            LanesArg::Owner => Lanes::Owner,
            LanesArg::None => Lanes::None,
        },
        depth: args.depth,
        detail: args.detail,
        lang: args.lang,
        legend: !args.no_legend,
        scale: args.scale,
        ..RenderOptions::default()
    };
    let overlay = match &args.history {
        Some(path) => match super::analyze::measured_overlay(&map, path) {
            Ok(overlay) => Some(overlay),
            Err(code) => return code,
        },
        None => None,
    };
    let bytes = match render(&map, &options, overlay.as_ref(), format) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err(code) = write_output(&output, &bytes) {
        return code;
    }
    if output.as_os_str() != "-" {
        eprintln!(
            "wrote {} ({} stages, {} bytes)",
            output.display(),
            map.top_level().count(),
            bytes.len()
        );
    }
    0
}
