/**
 * The `include`/`exclude` patterns of a web task: compiled and matched by one engine, RE2
 * (the re2js port), everywhere: the API's validation, the dashboard's form check and the
 * crawler's link filter all call {@link compilePathPatterns}, so a task the API accepted
 * can always be matched, with the same meaning.
 *
 * Why RE2 and why re2js (measured on this project's 2-core machine, Node 22, December 2026;
 * script and numbers in the issue 11 report):
 *
 * - V8's own engine backtracks. Each extra `a` doubles the time of `(a|a)*$` on "/aaa…!":
 *   1.7 s at 26 a's, so 33 a's hold a worker for minutes (164 s in the issue).
 *   `(a|b|ab)*c` and `(.*?,){30}z` behave alike. Refusing "dangerous shapes" by a regex over
 *   the source (what this module replaces) missed all of those.
 * - RE2 runs in time linear in the input for every pattern: with re2js the whole ReDoS family
 *   (`(a+)+$`, `(a|a)*$`, `(a|aa)+$`, `(a|b|ab)*c`, `(.*?,){30}z`, `(\w+\s?)*$`, `(\w*)*x`)
 *   takes ≤ 2 ms on its 33-repeat attack input and ≤ 5 ms on a 2,048-character one.
 *   Ordinary patterns cost ~0.6 µs a test (V8 0.24 µs, native RE2 1.3 µs on Node 20,
 *   re2-wasm 2.9 µs): 1,000 links × 50 patterns in ~30 ms.
 * - The `re2` npm package (native RE2) downloads its binary from GitHub at install, which
 *   this machine cannot reach; its node-gyp fallback needs Node headers from nodejs.org for
 *   the project's Node 22 (only the system Node 20's are here) and took 6 minutes; on Lambda
 *   it would need `nodejs.install` for linux/x64 in both the API and the crawler function,
 *   and the dashboard's browser bundle could not use it at all.
 * - V8's non-backtracking engine (`--enable-experimental-regexp-engine`, flag `l`) cannot be
 *   switched on where it is needed: NODE_OPTIONS refuses the flag ("is not allowed in
 *   NODE_OPTIONS"), `v8.setFlagsFromString` after start is documented as undefined
 *   behaviour, browsers do not have it, and it refuses common shapes anyway
 *   (`(.*?,){30}z`, `[ab]*a[ab]{20}$`, `x{1000}`: "Cannot be executed in linear time").
 * - re2js (MIT, no dependencies, 260 KB of ESM; 2.10.0 of 2026-11-10, 40 releases in 2026)
 *   is plain JavaScript: esbuild bundles it into both Lambdas, the dashboard bundles it,
 *   nothing to install per platform (no `nodejs.install`).
 *
 * Linear is not free: the cost of a test is about (program size × input length), and
 * compiling costs ~5–20 µs per instruction. Hence the caps below: one pattern at most
 * {@link MAX_PATTERN_PROGRAM_SIZE} instructions (`\p{L}{1000}` is 1,002 and takes 50–200 ms
 * on a 2,048-character path, about the slowest test a valid pattern can cost), one list at most
 * {@link MAX_PATTERN_LIST_PROGRAM_SIZE}, and the crawler's per-page time budget on top.
 * Checking stops at the first pattern over a cap, so a request of 2 × 50 monsters costs
 * two compiles, not a hundred.
 *
 * Syntax: RE2's (https://github.com/google/re2/wiki/Syntax), which is JavaScript's for
 * everything a path pattern normally uses (`^ $ . [a-z] \d \w ( | ) ? * + {n,m}`), without
 * lookarounds or backreferences (they cannot run in linear time) and with `(?i)` for case
 * folding. No flags: case-sensitive, `^`/`$` at the ends of the tested text, as
 * `new RegExp(source)` had it. Keep this module browser-safe (the dashboard imports it).
 */
import { RE2JS } from "re2js";

/** Longest `pathname + search` tested against patterns; a longer link is not followed when patterns are set. */
export const MAX_TESTED_PATH_CHARS = 2048;
/** Instructions one compiled pattern may have (RE2's "program size"). */
export const MAX_PATTERN_PROGRAM_SIZE = 2000;
/**
 * Instructions the patterns of one list (include or exclude) may have together: bounds the
 * compile time of a request (~5–20 µs an instruction). 50 plain 500-character patterns, the
 * longest the schema allows, are 25,100 and fit.
 */
export const MAX_PATTERN_LIST_PROGRAM_SIZE = 30_000;
/** Characters of an engine message echoed back (it quotes the pattern). */
const MAX_ECHOED = 120;

/** A compiled pattern: `test` searches anywhere in the text, like RegExp.prototype.test. */
export interface PathPattern {
  readonly source: string;
  /** Instructions of the compiled program: the test's cost per character of input. */
  readonly programSize: number;
  test(path: string): boolean;
}

/** Why one pattern of a list was refused: its index and a message for `<field>.<index>: …`. */
export interface PatternProblem {
  index: number;
  message: string;
}

const cut = (text: string) => (text.length > MAX_ECHOED ? `${text.slice(0, MAX_ECHOED)}…` : text);

function compileOne(source: string): PathPattern | string {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    // RE2JS says e.g. "error parsing regexp: invalid or unsupported Perl syntax: `(?=`".
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return `must be a valid regular expression in RE2 syntax, which runs in linear time (no lookarounds or backreferences): ${cut(detail)}`;
  }
  const programSize = compiled.programSize();
  if (programSize > MAX_PATTERN_PROGRAM_SIZE) {
    return `must compile to at most ${MAX_PATTERN_PROGRAM_SIZE} instructions (got ${programSize}): large repeat counts such as {1000} cost the most`;
  }
  return { source, programSize, test: (path) => compiled.test(path) };
}

/**
 * Compiles one list's patterns in order, stopping at the first that cannot be used: does
 * not compile, or is over a program-size cap.
 */
export function compilePathPatterns(
  sources: readonly string[],
): { patterns: PathPattern[] } | { problem: PatternProblem } {
  const patterns: PathPattern[] = [];
  let total = 0;
  for (const [index, source] of sources.entries()) {
    const compiled = compileOne(source);
    if (typeof compiled === "string") return { problem: { index, message: compiled } };
    total += compiled.programSize;
    if (total > MAX_PATTERN_LIST_PROGRAM_SIZE) {
      return {
        problem: {
          index,
          message: `the list's patterns must compile to at most ${MAX_PATTERN_LIST_PROGRAM_SIZE} instructions together (${total} up to this one): use fewer or simpler patterns`,
        },
      };
    }
    patterns.push(compiled);
  }
  return { patterns };
}

/** The first problem of a list, or undefined when every pattern can be used. */
export function pathPatternProblem(sources: readonly string[]): PatternProblem | undefined {
  const result = compilePathPatterns(sources);
  return "problem" in result ? result.problem : undefined;
}
