// citeproc-js, the reference CSL processor, as the oracle of tests/test_citeproc_js.py.
// stdin: {"styles": {"name": xml}, "locales": {"en-US": xml}, "lang": "en-US",
//         "items": [...], "groups": [{"style": "name", "ids": [...]}], "format": "text"}
// stdout: {"id": "formatted reference", ...} for every id of every group.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const items = {};
for (const item of input.items) items[item.id] = item;
const sys = {
  retrieveLocale: (lang) => input.locales[lang] || input.locales["en-US"],
  retrieveItem: (id) => items[id],
};
const out = {};
for (const group of input.groups) {
  const engine = new CSL.Engine(sys, input.styles[group.style], input.lang, true);
  engine.setOutputFormat(input.format || "text");
  engine.updateItems(input.order);
  const [meta, entries] = engine.makeBibliography();
  meta.entry_ids.forEach((ids, index) => {
    if (group.ids.includes(ids[0])) out[ids[0]] = entries[index];
  });
}
process.stdout.write(JSON.stringify(out));
