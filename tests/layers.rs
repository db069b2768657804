//! The core's layout, checked from its source: every module of `src/` sits on a floor and
//! imports only from floors below it (or from files of its own module), no files import each
//! other in a circle (lib.rs and every mod.rs included), lib.rs is only a facade, and no file
//! holds more than 900 lines of code. Test sections (`#[cfg(test)] mod tests`, `tests.rs`
//! files) are not part of the layout: a test may use whatever it checks against.
//!
//! The floors are the table below. A new top-level module needs a line there; README.md
//! ("The code: how it is laid out") says what each floor is for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module's floor: it may import from lower floors only. `""` is lib.rs.
const FLOORS: &[(&str, u32)] = &[
    ("ground", 0),
    ("container", 1),
    ("raster", 1),
    ("colour", 1),
    ("codec", 2),
    ("inventory", 2),
    ("verify", 3),
    ("text", 3),
    ("pipeline", 4),
    ("fuzzing", 5),
    ("wasm", 5),
    ("internals", 6),
    ("", 6),
];

/// Most lines of code in one file (blank lines, comments and test sections not counted).
const MAX_LINES: usize = 900;

/// A module path, e.g. `["codec", "jpeg", "reader"]`; lib.rs is `[]`.
type Module = Vec<String>;

struct Source {
    file: PathBuf,
    /// The code with comments, string contents and test sections blanked out.
    code: String,
}

#[test]
fn every_import_points_down_and_nothing_is_circular() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&src);
    let graph = imports(&sources);
    // `LAYERS_PRINT=1 cargo test --test layers -- --nocapture` shows the layout: each floor's
    // files and what each imports.
    if std::env::var_os("LAYERS_PRINT").is_some() {
        print_layers(&graph);
    }
    let mut problems = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if let Some(p) = upward(from, to) {
                problems.push(p);
            }
        }
    }
    for circle in circles(&graph) {
        let names: Vec<String> = circle.iter().map(file_name).collect();
        problems.push(format!(
            "these files import each other in a circle: {}",
            names.join(", ")
        ));
    }
    assert!(
        problems.is_empty(),
        "the layers of src/ are broken:\n  {}",
        problems.join("\n  ")
    );
    // The check saw the code: the crate's own imports are there.
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    assert!(edges > 100, "only {edges} imports found in src/");
}

#[test]
fn lib_rs_is_a_facade_and_files_stay_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&src);
    let mut problems = Vec::new();
    for (module, s) in &sources {
        let lines = s.code.lines().filter(|l| !l.trim().is_empty()).count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{} has {lines} lines of code (at most {MAX_LINES})",
                file_name(module)
            ));
        }
        if module.is_empty() {
            for word in [
                "fn ", "struct ", "enum ", "impl ", "const ", "static ", "trait ",
            ] {
                if s.code.contains(word) {
                    problems.push(format!(
                        "lib.rs defines something (`{}`): it is only a facade",
                        word.trim()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every module file under `src/` (the CLI in `src/bin/` is a crate of its own, and `tests.rs`
/// files are test sections), by module path.
fn read_sources(src: &Path) -> BTreeMap<Module, Source> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(src).unwrap().to_path_buf();
            if path.is_dir() {
                if rel != Path::new("bin") {
                    stack.push(path);
                }
                continue;
            }
            let name = rel.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rs") || name == "tests.rs" {
                continue;
            }
            let mut module: Module = rel
                .parent()
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if name != "mod.rs" && name != "lib.rs" {
                module.push(name.trim_end_matches(".rs").to_string());
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = without_tests(&blank_comments_and_strings(&text));
            out.insert(module, Source { file: rel, code });
        }
    }
    assert!(out.len() > 30, "only {} files found in src/", out.len());
    out
}

/// Prints the floors from the top down, each file with the files it imports.
fn print_layers(graph: &BTreeMap<Module, BTreeSet<Module>>) {
    let floor_of = |m: &Module| {
        let top = m.first().map_or("", String::as_str);
        FLOORS.iter().find(|(n, _)| *n == top).map(|&(_, f)| f)
    };
    let top = FLOORS.iter().map(|&(_, f)| f).max().unwrap_or(0);
    for floor in (0..=top).rev() {
        eprintln!("floor {floor}");
        for (from, to) in graph.iter().filter(|(m, _)| floor_of(m) == Some(floor)) {
            let names: Vec<String> = to.iter().map(file_name).collect();
            eprintln!("  {:<32} -> {}", file_name(from), names.join(", "));
        }
    }
}

/// The file of `module`, as it is named in messages.
fn file_name(module: &Module) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let dir = module.iter().fold(src.clone(), |p, m| p.join(m));
    let file = if module.is_empty() {
        dir.join("lib.rs")
    } else if dir.join("mod.rs").is_file() {
        dir.join("mod.rs")
    } else {
        dir.with_extension("rs")
    };
    let rel = file.strip_prefix(&src).unwrap_or(&file);
    format!("src/{}", rel.display())
}

/// Who imports whom: for each module file, the module files it names.
fn imports(sources: &BTreeMap<Module, Source>) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, s) in sources {
        let mut targets = BTreeSet::new();
        let found = paths(&s.code);
        // What a `use` brought into scope by its last name (`use crate::container;` makes
        // `container::gif::walk` mean `crate::container::gif::walk`).
        let named: BTreeMap<&str, &[String]> = found
            .iter()
            .filter(|p| p.is_use && p.inline == 0)
            .filter_map(|p| Some((p.segments.last()?.as_str(), &p.segments[..])))
            .collect();
        for p in &found {
            let mut path = p.segments.clone();
            if !p.is_use && p.inline == 0 {
                let first = path[0].as_str();
                if let Some(full) = named.get(first).filter(|_| !is_keyword_root(first)) {
                    path = full.iter().chain(&p.segments[1..]).cloned().collect();
                }
            }
            if let Some(target) = resolve(module, &path, p.inline, &modules, &s.file) {
                if &target != module {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

fn is_keyword_root(s: &str) -> bool {
    matches!(s, "crate" | "super" | "self")
}

/// Why an import from `from` to `to` goes the wrong way, if it does.
fn upward(from: &Module, to: &Module) -> Option<String> {
    let floor = |m: &Module| -> (String, u32) {
        let top = m.first().cloned().unwrap_or_default();
        let f = FLOORS
            .iter()
            .find(|(name, _)| *name == top)
            .map(|&(_, f)| f)
            .unwrap_or_else(|| {
                panic!("src/{top} has no floor: add it to FLOORS in tests/layers.rs")
            });
        (top, f)
    };
    let ((top_a, fa), (top_b, fb)) = (floor(from), floor(to));
    // Importing from a module that contains you is importing through your own facade
    // (lib.rs or a mod.rs above you): a circle in waiting.
    if to.len() < from.len() && from.starts_with(to) {
        return Some(format!(
            "{} imports from {}, which contains it: use the real path of the item",
            file_name(from),
            file_name(to)
        ));
    }
    if top_a != top_b && fb >= fa {
        return Some(format!(
            "{} (floor {fa}, `{top_a}`) imports {} (floor {fb}, `{top_b}`): imports must point down",
            file_name(from),
            file_name(to)
        ));
    }
    None
}

/// Groups of files that import each other in a circle (Tarjan's strongly connected components).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.reverse();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The module file a path names, seen from `module` (from inside `inline` inline modules of
/// its file): `crate::`, `super::`, `self::` and paths that start with a child module of
/// `module` are the crate's; anything else (std, serde, the image crate, …) is not. The deepest
/// module file along the path is the one imported.
fn resolve(
    module: &Module,
    path: &[String],
    inline: usize,
    modules: &BTreeSet<Module>,
    file: &Path,
) -> Option<Module> {
    let mut at: Module;
    let mut rest = path;
    // Inside an inline module, the first `super`s lead back to the file's own module, and a
    // `self::` or relative path names something of the inline module: the same file.
    let mut inline_supers = inline;
    while inline_supers > 0 && rest.first().map(String::as_str) == Some("super") {
        rest = &rest[1..];
        inline_supers -= 1;
    }
    if inline_supers > 0 && rest.first().map(String::as_str) != Some("crate") {
        return None;
    }
    if rest.len() < path.len() && rest.first().map(String::as_str) != Some("super") {
        // Back in the file's own module: resolve what follows from there.
        let mut relative = vec!["self".to_string()];
        relative.extend(rest.iter().cloned());
        return resolve(module, &relative, 0, modules, file);
    }
    match rest.first().map(String::as_str) {
        Some("crate") => {
            at = Vec::new();
            rest = &rest[1..];
        }
        Some("self") => {
            at = module.clone();
            rest = &rest[1..];
        }
        Some("super") => {
            at = module.clone();
            while rest.first().map(String::as_str) == Some("super") {
                if at.pop().is_none() {
                    panic!("{}: `super` above the crate root", file.display());
                }
                rest = &rest[1..];
            }
        }
        Some(first) => {
            let mut child = module.clone();
            child.push(first.to_string());
            if !modules.contains(&child) {
                return None;
            }
            at = module.clone();
        }
        None => return None,
    }
    for seg in rest {
        let mut next = at.clone();
        next.push(seg.clone());
        if !modules.contains(&next) {
            break;
        }
        at = next;
    }
    Some(at)
}

/// A path found in the code.
struct Mention {
    segments: Vec<String>,
    /// How many inline modules (`mod simd { … }`) it sits in.
    inline: usize,
    /// Named by a `use` (else written inline, e.g. `container::gif::walk(b)`).
    is_use: bool,
}

/// Every path of two or more segments in the code (`a::b`, `crate::x::y`), with `use` trees
/// expanded (`use a::{b, c::d}` gives `a::b` and `a::c::d`).
fn paths(code: &str) -> Vec<Mention> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    // Brace depth at which each enclosing inline module's body started.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "{" => {
                let opens_module = i >= 2 && tokens[i - 2] == "mod" && is_ident(&tokens[i - 1]);
                depth += 1;
                if opens_module {
                    inline.push(depth);
                }
                i += 1;
                continue;
            }
            "}" => {
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
                continue;
            }
            _ => {}
        }
        if tokens[i] == "use" {
            let end = tokens[i..]
                .iter()
                .position(|t| t == ";")
                .map_or(tokens.len(), |k| i + k);
            let mut found = Vec::new();
            use_tree(&tokens[i + 1..end], &mut Vec::new(), &mut found);
            out.extend(found.into_iter().map(|segments| Mention {
                segments,
                inline: inline.len(),
                is_use: true,
            }));
            i = end + 1;
            continue;
        }
        // An inline path: ident (:: ident)+, not preceded by `::`.
        if is_ident(&tokens[i]) && (i == 0 || tokens[i - 1] != "::") {
            let mut p = vec![tokens[i].clone()];
            let mut j = i + 1;
            while j + 1 < tokens.len() && tokens[j] == "::" && is_ident(&tokens[j + 1]) {
                p.push(tokens[j + 1].clone());
                j += 2;
            }
            if p.len() > 1 {
                out.push(Mention {
                    segments: p,
                    inline: inline.len(),
                    is_use: false,
                });
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Expands one `use` tree (the tokens after `use`) under `prefix`.
fn use_tree(tokens: &[String], prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let depth = prefix.len();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t == "{" {
            // Split the group at top-level commas.
            let close = matching(tokens, i);
            let inner = &tokens[i + 1..close];
            let mut start = 0;
            let mut level = 0;
            for (k, tok) in inner.iter().enumerate() {
                match tok.as_str() {
                    "{" => level += 1,
                    "}" => level -= 1,
                    "," if level == 0 => {
                        use_tree(&inner[start..k], prefix, out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            use_tree(&inner[start..], prefix, out);
            prefix.truncate(depth);
            return;
        } else if t == "as" {
            break;
        } else if t == "self" && !prefix.is_empty() {
            // `a::{self}` names `a` itself.
        } else if is_ident(t) {
            prefix.push(t.clone());
        }
        i += 1;
    }
    if prefix.len() > depth || !prefix.is_empty() {
        out.push(prefix.clone());
    }
    prefix.truncate(depth);
}

fn matching(tokens: &[String], open: usize) -> usize {
    let mut level = 0;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.as_str() {
            "{" => level += 1,
            "}" => {
                level -= 1;
                if level == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Identifiers, `::` and single punctuation characters.
fn tokenize(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// `text` with comments and the contents of string and character literals replaced by spaces
/// (line breaks kept), so that neither a doc comment nor a string that mentions `crate::x` or
/// `{` counts.
fn blank_comments_and_strings(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // A raw string: r"…", r#"…"#, also after b (br"…").
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                out.push(blank(c[j]));
                j += 1;
            }
            out.push('"');
            i = j;
        } else if c[i] == '"' {
            out.push('"');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or else a lifetime ('a).
            if next == Some('\\') {
                // Past the backslash and the escaped character, to the closing quote.
                let mut j = i + 3;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                out.push_str(&" ".repeat(j + 1 - i));
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                out.push_str("   ");
                i += 3;
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// `code` (already without comments and strings) with every item under a `#[cfg(test)]` or
/// `#[cfg(all(test, …))]` attribute blanked out.
fn without_tests(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = out.iter().collect();
    let mut from = 0;
    while let Some(k) = text[from..].find("#[cfg(") {
        let at = from + k;
        let attr_end = text[at..].find(']').map_or(text.len(), |e| at + e + 1);
        let attr: String = text[at..attr_end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        from = attr_end;
        if !(attr.starts_with("#[cfg(test)") || attr.starts_with("#[cfg(all(test")) {
            continue;
        }
        // The item ends at its first `;` before any `{`, or at the `}` matching that `{`.
        let bytes: Vec<char> = text[attr_end..].chars().collect();
        let mut level = 0;
        let mut end = bytes.len();
        for (k, &ch) in bytes.iter().enumerate() {
            match ch {
                ';' if level == 0 => {
                    end = k + 1;
                    break;
                }
                '{' => level += 1,
                '}' => {
                    level -= 1;
                    if level == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        // `text` is ASCII outside comments and strings, which are blanked, so char and byte
        // offsets agree; blank by char positions to be safe.
        let start_char = text[..at].chars().count();
        let end_char = text[..attr_end].chars().count() + end;
        for ch in out.iter_mut().take(end_char).skip(start_char) {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        from = attr_end + bytes[..end].iter().map(|c| c.len_utf8()).sum::<usize>();
    }
    out.into_iter().collect()
}
