// Better BibTeX's parser (@retorquere/bibtex-parser, what Zotero's Better BibTeX imports .bib
// files with), for tests/test_bbt_parser.py.
// stdin: a .bib file. stdout: {"errors": [{"error": ..., "input": ...}],
//                              "entries": [{"key": ..., "type": ..., "title": ..., "abstract": ...}]}
import fs from "fs";
import { parse } from "@retorquere/bibtex-parser";

const library = await parse(fs.readFileSync(0, "utf8"));
const entries = library.entries.map((entry) => ({
  key: entry.key,
  type: entry.type,
  title: entry.fields.title ?? null,
  abstract: entry.fields.abstract ?? null,
}));
process.stdout.write(JSON.stringify({ errors: library.errors, entries }));
