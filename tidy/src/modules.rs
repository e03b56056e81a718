//! One crate's module tree and the dependencies between its modules. The tree is read the way
//! rustc reads it, from the crate root's `mod name;` declarations down (`name.rs` or
//! `name/mod.rs`); a module depends on another when its code outside `#[cfg(test)]` names it by
//! a path: `crate::…`, `super::…`, `self::…`, a child module's name, or a name brought in by
//! `use`. A path through a re-export counts for the module that defines the item, so
//! `crate::Table` re-exported by the root as `pub use table::Table` is a use of `table`, not of
//! the root. Inline `mod name { … }` blocks outside tests count as part of their file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::tokens::{Kind, Token, tokenize};

/// A module's path from the crate root: `[]` is the root, `["sources", "xes"]` is
/// `crate::sources::xes`.
pub type ModPath = Vec<String>;

/// `crate`, `crate::sources`, `crate::sources::xes`.
pub fn display(path: &ModPath) -> String {
    std::iter::once("crate")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

/// One module (one file).
#[derive(Debug)]
pub struct Module {
    /// The file, as given to [`load_crate`] joined with the module's relative path.
    pub file: PathBuf,
    children: BTreeSet<String>,
    /// Names brought in by `use` (alias → path as written); globs are left out.
    imports: BTreeMap<String, Vec<String>>,
    /// Every path written in the module that may name a module, with its line.
    paths: Vec<(Vec<String>, usize)>,
}

/// A dependency of one module on another, with the first place it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub line: usize,
    pub path: String,
}

/// A crate's modules and the dependencies between them.
#[derive(Debug)]
pub struct Crate {
    pub modules: BTreeMap<ModPath, Module>,
    /// `from → to → where`, first occurrence per pair.
    pub uses: BTreeMap<ModPath, BTreeMap<ModPath, Use>>,
}

/// Reads the crate whose root file is `root` (`src/lib.rs` or `src/main.rs`); `read` returns a
/// file's text, or `None` when it does not exist.
pub fn load_crate(root: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Crate, String> {
    let mut modules = BTreeMap::new();
    let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut pending = vec![(Vec::new(), root.to_path_buf(), dir)];
    while let Some((path, file, dir)) = pending.pop() {
        let source = read(&file).ok_or_else(|| format!("cannot read {}", file.display()))?;
        let module = read_module(file.clone(), &source);
        for child in &module.children {
            let flat = dir.join(format!("{child}.rs"));
            let nested = dir.join(child).join("mod.rs");
            let (child_file, child_dir) = if read(&flat).is_some() {
                (flat, dir.join(child))
            } else if read(&nested).is_some() {
                (nested, dir.join(child))
            } else {
                return Err(format!(
                    "{} declares `mod {child};` but neither {} nor {} exists",
                    file.display(),
                    flat.display(),
                    nested.display()
                ));
            };
            let mut child_path = path.clone();
            child_path.push(child.clone());
            pending.push((child_path, child_file, child_dir));
        }
        modules.insert(path, module);
    }
    let mut krate = Crate {
        modules,
        uses: BTreeMap::new(),
    };
    krate.uses = krate.find_uses();
    Ok(krate)
}

fn read_module(file: PathBuf, source: &str) -> Module {
    let tokens = tokenize(source);
    let mut module = Module {
        file,
        children: BTreeSet::new(),
        imports: BTreeMap::new(),
        paths: Vec::new(),
    };
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let after_sep = i > 0 && tokens[i - 1].kind == Kind::PathSep;
        match token.ident() {
            Some("mod") if tokens.get(i + 2).is_some_and(|t| t.is_punct(';')) => {
                if let Some(name) = tokens.get(i + 1).and_then(Token::ident) {
                    module.children.insert(name.to_string());
                }
                i += 3;
            }
            // `use<'a>` is a precise-capturing bound, not an import.
            Some("use") if !tokens.get(i + 1).is_some_and(|t| t.is_punct('<')) => {
                i += 1;
                let mut leaves = Vec::new();
                use_tree(&tokens, &mut i, Vec::new(), &mut leaves);
                for (path, alias, line) in leaves {
                    if let Some(alias) = alias.filter(|a| a != "_") {
                        module.imports.insert(alias, path.clone());
                    }
                    module.paths.push((path, line));
                }
            }
            Some(_) if !after_sep && tokens.get(i + 1).is_some_and(|t| t.kind == Kind::PathSep) => {
                let line = token.line;
                let mut path = Vec::new();
                while let Some(name) = tokens.get(i).and_then(Token::ident) {
                    path.push(name.to_string());
                    if tokens.get(i + 1).is_some_and(|t| t.kind == Kind::PathSep) {
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                }
                module.paths.push((path, line));
            }
            _ => i += 1,
        }
    }
    module
}

/// Reads one use tree starting at `i` (after `use`, or inside braces), pushing each leaf's
/// full path, the name it binds (`None` for a glob) and its line. Stops after the tree, before
/// the `,`, `}` or `;` that ends it.
fn use_tree(
    tokens: &[Token],
    i: &mut usize,
    prefix: Vec<String>,
    leaves: &mut Vec<(Vec<String>, Option<String>, usize)>,
) {
    let mut path = prefix;
    let line = tokens.get(*i).map_or(0, |t| t.line);
    if tokens.get(*i).is_some_and(|t| t.kind == Kind::PathSep) {
        *i += 1;
    }
    loop {
        let Some(token) = tokens.get(*i) else { return };
        match &token.kind {
            Kind::Ident(name) if name == "self" && !path.is_empty() => {
                *i += 1;
                let mut alias = path.last().cloned();
                if tokens.get(*i).and_then(Token::ident) == Some("as") {
                    alias = tokens
                        .get(*i + 1)
                        .and_then(Token::ident)
                        .map(str::to_string);
                    *i += 2;
                }
                leaves.push((path, alias, line));
                return;
            }
            Kind::Ident(name) => {
                path.push(name.clone());
                *i += 1;
                match tokens.get(*i).map(|t| &t.kind) {
                    Some(Kind::PathSep) => *i += 1,
                    Some(Kind::Ident(word)) if word == "as" => {
                        let alias = tokens
                            .get(*i + 1)
                            .and_then(Token::ident)
                            .map(str::to_string);
                        *i += 2;
                        leaves.push((path, alias, line));
                        return;
                    }
                    _ => {
                        let alias = path.last().cloned();
                        leaves.push((path, alias, line));
                        return;
                    }
                }
            }
            Kind::Punct('*') => {
                *i += 1;
                leaves.push((path, None, line));
                return;
            }
            Kind::Punct('{') => {
                *i += 1;
                loop {
                    match tokens.get(*i).map(|t| &t.kind) {
                        None => return,
                        Some(Kind::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Kind::Punct(',')) => *i += 1,
                        Some(_) => {
                            let before = *i;
                            use_tree(tokens, i, path.clone(), leaves);
                            if *i == before {
                                *i += 1;
                            }
                        }
                    }
                }
            }
            _ => return,
        }
    }
}

/// Where a path names something: a module of this crate, or something outside it (another
/// crate, std, a local item or variable).
enum Target {
    Module(ModPath),
    Outside,
}

impl Crate {
    fn find_uses(&self) -> BTreeMap<ModPath, BTreeMap<ModPath, Use>> {
        let mut uses: BTreeMap<ModPath, BTreeMap<ModPath, Use>> = BTreeMap::new();
        for (from, module) in &self.modules {
            for (path, line) in &module.paths {
                if let Target::Module(to) = self.resolve(from, path, 0)
                    && &to != from
                {
                    uses.entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_insert_with(|| Use {
                            line: *line,
                            path: path.join("::"),
                        });
                }
            }
        }
        uses
    }

    /// The module that `path`, written in module `from`, names.
    fn resolve(&self, from: &ModPath, path: &[String], depth: usize) -> Target {
        // Re-exports chain only so far; a longer chain is a `use` cycle rustc rejects.
        if depth > 16 || path.is_empty() {
            return Target::Outside;
        }
        let mut rest = path;
        let mut current = match rest[0].as_str() {
            "crate" | "$crate" => {
                rest = &rest[1..];
                Vec::new()
            }
            "self" => {
                rest = &rest[1..];
                from.clone()
            }
            "super" => {
                let mut up = from.clone();
                while rest.first().is_some_and(|s| s == "super") {
                    up.pop();
                    rest = &rest[1..];
                }
                up
            }
            first if self.modules[from].children.contains(first) => from.clone(),
            first => match self.modules[from].imports.get(first) {
                Some(imported) if imported.first().is_some_and(|s| s != first) => {
                    let whole: Vec<String> = imported.iter().chain(&rest[1..]).cloned().collect();
                    return self.resolve(from, &whole, depth + 1);
                }
                _ => return Target::Outside,
            },
        };
        while let Some(next) = rest.first() {
            let module = &self.modules[&current];
            if module.children.contains(next) {
                current.push(next.clone());
                rest = &rest[1..];
            } else if let Some(imported) = module.imports.get(next) {
                // A name the module re-exports: the item lives where the `use` points.
                let whole: Vec<String> = imported.iter().chain(&rest[1..]).cloned().collect();
                return match self.resolve(&current, &whole, depth + 1) {
                    Target::Module(target) => Target::Module(target),
                    Target::Outside => Target::Outside,
                };
            } else {
                break;
            }
        }
        Target::Module(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> Crate {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, s)| (PathBuf::from(p), s.to_string()))
            .collect();
        load_crate(Path::new("src/lib.rs"), &|p| files.get(p).cloned()).unwrap()
    }

    fn uses(krate: &Crate) -> Vec<String> {
        let mut out = Vec::new();
        for (from, tos) in &krate.uses {
            for (to, at) in tos {
                out.push(format!(
                    "{} -> {} ({}: {})",
                    display(from),
                    display(to),
                    at.line,
                    at.path
                ));
            }
        }
        out
    }

    #[test]
    fn paths_of_every_kind_resolve_to_the_defining_module() {
        let krate = crate_of(&[
            (
                "src/lib.rs",
                "mod table;\nmod sources;\npub use table::Table;\npub fn run() { sources::read(); }\n",
            ),
            ("src/table.rs", "pub struct Table;\n"),
            (
                "src/sources/mod.rs",
                "mod xes;\nmod csv;\npub fn read() { xes::read(); self::csv::read(); }\n",
            ),
            (
                "src/sources/xes.rs",
                "use crate::{Table, sources::csv as comma};\nfn f(_: Table) { comma::read(); }\n",
            ),
            (
                "src/sources/csv.rs",
                "use super::super::table;\npub fn read() -> std::io::Result<()> { let _t: table::Table; Ok(()) }\n",
            ),
        ]);
        assert_eq!(
            uses(&krate),
            [
                "crate -> crate::sources (4: sources::read)",
                "crate -> crate::table (3: table::Table)",
                "crate::sources -> crate::sources::csv (3: self::csv::read)",
                "crate::sources -> crate::sources::xes (3: xes::read)",
                "crate::sources::csv -> crate::table (1: super::super::table)",
                "crate::sources::xes -> crate::sources::csv (1: crate::sources::csv)",
                "crate::sources::xes -> crate::table (1: crate::Table)",
            ]
        );
    }

    #[test]
    fn test_modules_and_outside_paths_are_not_uses() {
        let krate = crate_of(&[
            (
                "src/lib.rs",
                "mod a;\nmod b;\nuse std::fmt;\nfn f() { a::g(); Vec::<u8>::new(); }\n",
            ),
            (
                "src/a.rs",
                "pub fn g() {}\n#[cfg(test)]\nmod tests { use crate::b; }\n",
            ),
            ("src/b.rs", "use crate::fmt::Debug;\n// crate::a::g\n"),
        ]);
        assert_eq!(uses(&krate), ["crate -> crate::a (4: a::g)"]);
    }

    #[test]
    fn a_missing_module_file_is_an_error() {
        let files = [("src/lib.rs", "mod gone;")];
        let err = load_crate(Path::new("src/lib.rs"), &|p| {
            files
                .iter()
                .find(|(f, _)| Path::new(f) == p)
                .map(|(_, s)| s.to_string())
        })
        .unwrap_err();
        assert_eq!(
            err,
            "src/lib.rs declares `mod gone;` but neither src/gone.rs nor src/gone/mod.rs exists"
        );
    }
}
