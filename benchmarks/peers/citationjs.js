// CSL-JSON -> BibTeX with citation-js, the peer arrow2bib's benchmark compares with:
//   node benchmarks/peers/citationjs.js items.json out.bib
"use strict";
const fs = require("fs");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-csl");

const [input, output] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(input, "utf8"));
const bibtex = new Cite(items).format("bibtex", { format: "text" });
fs.writeFileSync(output, bibtex);
