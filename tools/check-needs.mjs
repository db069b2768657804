#!/usr/bin/env node
// Checks that a fresh machine, after tools/setup --test, has everything the tests, the build and
// the tools call. It reads the sources for what they call (programs started from Rust, JS and the
// shell scripts; absolute program paths; Python imports, also Python run inline from Rust tests;
// npm packages imported by the JS tools), then fails when
//   - something called is not listed in tools/needs.json (unless it is a shell builtin, one of our
//     own scripts, or a program of Debian's base system: a package of priority "required"), or
//   - something listed there is not on this machine.
//   node tools/check-needs.mjs            # check (tools/test runs it right after setup)
//   node tools/check-needs.mjs --table    # also print what was found, and from where
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const needs = JSON.parse(readFileSync(join(ROOT, 'tools/needs.json'), 'utf8'));
const table = process.argv.includes('--table');

/** Files below `dir` (relative to the repository), skipping build output and fixtures. */
function files(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (['node_modules', 'target', 'dist', 'fixtures', 'artifacts', '.git'].includes(name)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(join(ROOT, dir));
  return out;
}

const sources = [...files('tests'), ...files('tools'), ...files('bench'), ...files('fuzz'), ...files('.ci'), ...files('src')];
const isShell = (f) => {
  if (/\.\w+$/.test(f)) return false;
  const head = readFileSync(f, 'utf8').slice(0, 40);
  return /^#!.*\b(bash|sh)\b/.test(head);
};

/** name -> Set of files that call it */
const found = { programs: new Map(), paths: new Map(), python: new Map(), npm: new Map() };
const note = (kind, name, file) => {
  if (!found[kind].has(name)) found[kind].set(name, new Set());
  found[kind].get(name).add(relative(ROOT, file));
};

const SHELL_WORDS = new Set(
  `if then else elif fi for in do done case esac while until function select time ! [[ ]] { } ( ) exec env timeout`.split(' '),
);
const BUILTINS = new Set(
  execFileSync('bash', ['-c', 'compgen -b; compgen -k'], { encoding: 'utf8' }).split('\n').filter(Boolean),
);

/** The programs a line of bash starts (a heuristic good for our scripts: no aliases, no eval). */
function shellCommands(text, file) {
  const own = new Set([...text.matchAll(/^\s*([A-Za-z_][\w-]*)\s*\(\)\s*\{/gm)].map((m) => m[1]));
  let heredoc = null;
  for (const raw of text.split('\n')) {
    if (heredoc) {
      if (raw.trim() === heredoc) heredoc = null;
      continue;
    }
    const h = raw.match(/<<-?\s*['"]?(\w+)['"]?/);
    if (h) heredoc = h[1];
    // Comments and quoted text go; a command substituted inside double quotes stays a command.
    const inner = [];
    const line = raw
      .replace(/(^|\s)#.*$/, '')
      .replace(/\$\(\([^)]*\)\)/g, '0')
      .replace(/'[^']*'/g, "''")
      .replace(/"((?:[^"\\]|\\.)*)"/g, (_, text) => {
        for (const m of text.matchAll(/\$\(([^)]*)\)/g)) inner.push(m[1]);
        return 'QUOTED';
      });
    for (const seg of [line, ...inner].join(';').split(/\|\||&&|[|;`]|\$\(|\(|\{|\bthen\b|\bdo\b|\belse\b/)) {
      const words = seg.trim().split(/\s+/).filter(Boolean);
      let i = 0;
      const skip = () => {
        while (i < words.length) {
          const w = words[i];
          if (/^\w+=/.test(w) || w === 'exec' || w === '!' || w === 'if' || w === 'while' || w === 'until') i++;
          else if (w === 'env') {
            note('programs', 'env', file);
            i++;
            while (i < words.length && (/^-/.test(words[i]) || /^\w+=/.test(words[i]))) i += /^-[uC]$/.test(words[i]) ? 2 : 1;
          } else if (w === 'timeout') {
            note('programs', 'timeout', file);
            i++;
            while (i < words.length && /^-/.test(words[i])) i += /^-[ks]$/.test(words[i]) ? 2 : 1;
            i++; // the duration
          } else if (w === 'xvfb-run') {
            note('programs', 'xvfb-run', file);
            i++;
            while (i < words.length && /^-/.test(words[i])) i++;
          } else break;
        }
      };
      skip();
      const w = words[i];
      if (!w || SHELL_WORDS.has(w) || BUILTINS.has(w) || own.has(w)) continue;
      if (['for', 'case', 'select', 'local', 'declare', 'export', 'command', 'printf', 'echo'].includes(w)) continue;
      if (w === 'QUOTED' || /^["'$[\]{}()<>&|=\\-]/.test(w) || /[$"'=]/.test(w) || w.endsWith(')')) continue;
      if (w.includes('/')) {
        if (w.startsWith('tools/') || w.startsWith('./') || w.startsWith('.ci/')) continue; // our own scripts
        note('paths', w, file);
      } else if (/^[a-z][\w.+-]*$/i.test(w)) note('programs', w, file);
    }
  }
}

for (const f of sources) {
  const text = readFileSync(f, 'utf8');
  if (f.endsWith('.rs')) {
    for (const m of text.matchAll(/Command::new\("([^"]+)"\)/g)) note(m[1].includes('/') ? 'paths' : 'programs', m[1], f);
    // Python run inline (python3 -c "..."): its import lines look like no Rust.
    for (const m of text.matchAll(/^\s*(?:import\s+([\w.]+)(?:\s*,\s*([\w.]+))*|from\s+([\w.]+)\s+import\b)/gm)) {
      for (const mod of [m[1], m[2], m[3]].filter(Boolean)) note('python', mod.split('.')[0], f);
    }
  } else if (/\.(mjs|js)$/.test(f)) {
    for (const m of text.matchAll(/\b(?:execFileSync|execFile|spawnSync|spawn|execSync)\(\s*['"]([^'"]+)['"]/g)) {
      note(m[1].includes('/') ? 'paths' : 'programs', m[1].split(' ')[0], f);
    }
    for (const m of text.matchAll(/['"](\/usr\/(?:bin|lib)\/[^'"\s]+)['"]/g)) note('paths', m[1], f);
    for (const m of text.matchAll(/^\s*import\s[^'"]*['"]([^'"./][^'"]*)['"]/gm)) {
      if (!m[1].startsWith('node:')) note('npm', m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0], f);
    }
  } else if (f.endsWith('.py')) {
    for (const m of text.matchAll(/^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\b)/gm)) note('python', (m[1] || m[2]).split('.')[0], f);
    for (const m of text.matchAll(/subprocess\.\w+\(\s*\[\s*["']([^"']+)["']/g)) note('programs', m[1], f);
  } else if (isShell(f)) {
    shellCommands(text, f);
  }
}

const stdlib = new Set(
  execFileSync('python3', ['-c', 'import sys; print("\\n".join(sys.stdlib_module_names))'], { encoding: 'utf8' }).split('\n'),
);
const ownPython = new Set(files('tools').concat(files('tests')).filter((f) => f.endsWith('.py')).map((f) => f.split('/').pop().slice(0, -3)));

const which = (p) => {
  try {
    return execFileSync('bash', ['-c', `command -v -- "$1"`, '_', p], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};
/** True for a program of a Debian package of priority required (the base system every machine has). */
const baseSystem = (path) => {
  try {
    const real = execFileSync('readlink', ['-f', path], { encoding: 'utf8' }).trim();
    const candidates = [real, real.replace(/^\/usr/, ''), path, path.replace(/^\/usr/, '')];
    for (const c of candidates) {
      let pkg;
      try {
        pkg = execFileSync('dpkg', ['-S', c], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(':')[0].trim();
      } catch {
        continue;
      }
      const pri = execFileSync('dpkg-query', ['-W', '-f=${Priority} ${Essential}', pkg], { encoding: 'utf8' });
      return /^required\b|\byes$/.test(pri) ? pkg : null;
    }
  } catch {
    /* not a Debian file */
  }
  return null;
};

const problems = [];
const rows = [];
for (const [name, where] of found.programs) {
  if (needs.programs[name]) continue;
  const at = which(name);
  const pkg = at && baseSystem(at);
  if (pkg) rows.push(['program', name, `Debian base system (${pkg})`, [...where].join(', ')]);
  else problems.push(`program \`${name}\` (called in ${[...where].join(', ')}) is not in tools/needs.json${at ? '' : ' and not on this machine'}`);
}
for (const [name, where] of found.paths) if (!needs.paths[name]) problems.push(`path ${name} (named in ${[...where].join(', ')}) is not in tools/needs.json`);
for (const [name, where] of found.python) {
  if (stdlib.has(name) || ownPython.has(name) || needs.python[name]) continue;
  problems.push(`Python module \`${name}\` (imported in ${[...where].join(', ')}) is not in tools/needs.json`);
}
for (const [name, where] of found.npm) if (!needs.npm[name]) problems.push(`npm package \`${name}\` (imported in ${[...where].join(', ')}) is not in tools/needs.json`);

// Everything listed must be here now.
for (const [name, v] of Object.entries(needs.programs)) {
  if (!which(name)) problems.push(`program \`${name}\` is missing (it comes from: ${v.from})`);
  rows.push(['program', name, v.from, [...(found.programs.get(name) || [])].join(', ')]);
}
for (const [p, v] of Object.entries(needs.paths)) {
  if (!existsSync(p.startsWith('/') ? p : join(ROOT, p))) problems.push(`${p} is missing (it comes from: ${v.from})`);
  rows.push(['path', p, v.from, [...(found.paths.get(p) || [])].join(', ')]);
}
for (const [m, v] of Object.entries(needs.python)) {
  try {
    execFileSync('python3', ['-c', `import ${m}`], { stdio: 'ignore' });
  } catch {
    problems.push(`Python module \`${m}\` does not import (it comes from: ${v.from})`);
  }
  rows.push(['python', m, v.from, [...(found.python.get(m) || [])].join(', ')]);
}
for (const [m, v] of Object.entries(needs.npm)) {
  if (!existsSync(join(ROOT, 'node_modules', m, 'package.json'))) problems.push(`npm package ${m} is missing (it comes from: ${v.from})`);
  rows.push(['npm', m, v.from, [...(found.npm.get(m) || [])].join(', ')]);
}

if (table) {
  console.log('| kind | name | provided by | called from |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
if (problems.length) {
  console.error(`tools/check-needs: ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`tools/check-needs: ${rows.length} needs, each provided (programs ${found.programs.size}, paths ${found.paths.size}, Python modules ${[...found.python.keys()].filter((m) => !stdlib.has(m)).length} outside the standard library, npm packages ${found.npm.size} found in the sources)`);
