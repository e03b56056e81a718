//! [`Context`]: what a lint rule sees, the declarations (for spans) and the lowered map (for
//! the graph), with the questions several rules ask of them (a stage's declaration and span,
//! the working stages, how messages name a stage).

use salesmap_core::map::{Map, StageIx, StageKind};

use crate::diagnostic::Span;
use crate::syntax::{MapFile, StageDecl};

/// What a lint rule sees: the declarations (for spans) and the lowered map (for the graph).
pub struct Context<'a> {
    pub file: &'a MapFile,
    pub map: &'a Map,
    /// For each stage of `map`, the index of its declaration in `file.stages`.
    pub decl_of: &'a [usize],
}

impl Context<'_> {
    pub fn decl(&self, ix: StageIx) -> &StageDecl {
        &self.file.stages[self.decl_of[ix.index()]]
    }

    /// Stages where work happens (steps and the won milestone), as opposed to outcomes.
    pub fn working_stages(&self) -> impl Iterator<Item = StageIx> + '_ {
        self.map
            .stage_ixs()
            .filter(|&ix| !matches!(self.map.stage(ix).kind, StageKind::Outcome(_)))
    }

    /// The span naming a stage: its `id` value, else its header.
    pub fn stage_span(&self, ix: StageIx) -> Span {
        let d = self.decl(ix);
        d.id.as_ref().map_or(d.header.clone(), |i| i.span.clone())
    }

    /// Where a map-level diagnostic points: the `[map]` header, else the first stage.
    pub fn map_span(&self) -> Span {
        match &self.file.map {
            Some(m) => m.header.clone(),
            None => self.file.stages.first().map_or(0..0, |s| s.header.clone()),
        }
    }

    /// `stage `id``: how messages name a stage.
    pub fn stage_label(&self, ix: StageIx) -> String {
        format!("stage `{}`", self.map.stage(ix).id)
    }
}
