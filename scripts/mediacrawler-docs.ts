/**
 * Rewrites the generated mapping tables of docs/exports.md ("MediaCrawler layout") from
 * core/results/mediacrawler: `npx tsx scripts/mediacrawler-docs.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DOCS_TABLE_END, DOCS_TABLE_START, mediaCrawlerDocsTables } from "../core/results/mediacrawler/docsTable.js";

const path = fileURLToPath(new URL("../docs/exports.md", import.meta.url));
const text = readFileSync(path, "utf8");
const start = text.indexOf(DOCS_TABLE_START);
const end = text.indexOf(DOCS_TABLE_END);
if (start < 0 || end < start) throw new Error(`docs/exports.md has no ${DOCS_TABLE_START} … ${DOCS_TABLE_END}`);
writeFileSync(path, text.slice(0, start) + mediaCrawlerDocsTables() + text.slice(end + DOCS_TABLE_END.length));
console.log(`wrote the MediaCrawler mapping tables into ${path}`);
