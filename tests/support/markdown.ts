/**
 * The project's Markdown docs (README.md and docs/**) as the tests read them: the files,
 * their headings and GitHub's anchors for them, their links, and a heading's section.
 * Fenced code blocks are skipped everywhere: a `# comment` in a shell block is no heading.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");

export interface MarkdownFile {
  /** Path from the repository root, with `/` separators (`docs/api.md`). */
  path: string;
  text: string;
}

/** README.md, then every `.md` file under docs/, sorted by path. */
export function docFiles(root = REPO_ROOT): MarkdownFile[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".md")) found.push(relative(root, full).split("\\").join("/"));
    }
  };
  walk(join(root, "docs"));
  return ["README.md", ...found.sort()].map((path) => ({ path, text: readFileSync(join(root, path), "utf8") }));
}

/** For each line, whether it is inside a fenced code block (the fence lines count as inside). */
export function fencedLines(markdown: string): boolean[] {
  let fence: string | undefined;
  return markdown.split("\n").map((line) => {
    const match = /^\s*(`{3,}|~{3,})/.exec(line);
    if (match) {
      if (fence === undefined) fence = match[1]![0]!;
      else if (match[1]![0] === fence) fence = undefined;
      return true;
    }
    return fence !== undefined;
  });
}

export interface Heading {
  /** 1-based line. */
  line: number;
  level: number;
  text: string;
  /** GitHub's anchor for it, with `-1`, `-2`, … for repeated headings. */
  anchor: string;
}

/**
 * GitHub's anchor for a heading's text: the rendered text (link targets, backticks and
 * emphasis stars dropped), lower-cased, every character but letters, digits, marks, `_`,
 * `-` and spaces removed, then each space turned into `-`.
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The ATX headings (`#` … `######`) outside code blocks, with their anchors. */
export function headings(markdown: string): Heading[] {
  const fenced = fencedLines(markdown);
  const seen = new Map<string, number>();
  const found: Heading[] = [];
  markdown.split("\n").forEach((line, i) => {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (fenced[i] || !match) return;
    const slug = githubSlug(match[2]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.push({
      line: i + 1,
      level: match[1]!.length,
      text: match[2]!,
      anchor: count === 0 ? slug : `${slug}-${count}`,
    });
  });
  return found;
}

export interface MarkdownLink {
  /** 1-based line. */
  line: number;
  text: string;
  target: string;
  image: boolean;
}

/** Inline links and images (`[text](target)`, `![alt](target)`) outside code blocks and code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const fenced = fencedLines(markdown);
  const links: MarkdownLink[] = [];
  markdown.split("\n").forEach((line, i) => {
    if (fenced[i]) return;
    const prose = line.replace(/(`+)(?:(?!\1).)*?\1/g, (span) => " ".repeat(span.length));
    for (const match of prose.matchAll(/(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: i + 1, text: match[2]!, target: match[3]!, image: match[1] === "!" });
    }
  });
  return links;
}

/**
 * The text of the section under the heading `title` (any level, outside code blocks), up to
 * the next heading of the same or a higher level. Throws when there is no such heading.
 */
export function section(markdown: string, title: string): string {
  const all = headings(markdown);
  const start = all.find((h) => h.text === title);
  if (start === undefined) throw new Error(`no "${title}" heading`);
  const end = all.find((h) => h.line > start.line && h.level <= start.level);
  const lines = markdown.split("\n");
  return lines.slice(start.line - 1, end === undefined ? undefined : end.line - 1).join("\n");
}
