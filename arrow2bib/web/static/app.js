// arrow2bib's page. Every piece of text from a page or the server is put in with
// textContent or as an attribute value: never parsed as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { formats: [], files: [], answer: null, maxBytes: 0 };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function status(message, isError) {
    const box = $("status");
    box.textContent = message;
    box.className = isError ? "error" : "";
  }

  async function loadFormats() {
    const response = await fetch("/api/formats");
    const data = await response.json();
    state.formats = data.formats;
    state.maxBytes = data.max_bytes;
    const select = $("format");
    for (const info of data.formats) {
      const option = el("option", { value: info.name, text: `${info.name} (${info.extension})` });
      if (info.name === "bibtex") option.selected = true;
      select.append(option);
    }
    const names = $("style-names");
    for (const name of data.styles) names.append(el("option", { value: name }));
    showOptions();
  }

  function currentFormat() {
    return state.formats.find((info) => info.name === $("format").value);
  }

  function showOptions() {
    const info = currentFormat();
    if (!info) return;
    $("format-description").textContent = `${info.description} [${info.plugin}]`;
    const box = $("options");
    box.replaceChildren(el("legend", { text: "Options of this format (empty: the default)" }));
    let count = 0;
    for (const [name, help] of Object.entries(info.options)) {
      if (name === "style") continue; // its own field, with the style names
      const id = `option-${name}`;
      const hint = `${id}-hint`;
      box.append(el("div", { className: "row" },
        el("label", { for: id, text: name }),
        el("input", { id: id, "data-option": name, "aria-describedby": hint,
                      autocomplete: "off" }),
        el("p", { id: hint, className: "hint", text: help })));
      count += 1;
    }
    box.hidden = count === 0;
    $("style-row").hidden = !("style" in info.options);
  }

  function addFiles(list) {
    for (const file of list) state.files.push(file);
    showFiles();
  }

  function showFiles() {
    const list = $("file-list");
    list.replaceChildren();
    state.files.forEach((file, index) => {
      const remove = el("button", { type: "button", text: "Remove",
                                    "aria-label": `Remove ${file.name}` });
      remove.addEventListener("click", () => {
        state.files.splice(index, 1);
        showFiles();
        $("files").focus();
      });
      list.append(el("li", {}, el("span", { text: `${file.name} (${file.size} bytes) ` }),
                     remove));
    });
  }

  async function convert() {
    const text = $("paste").value;
    if (!text.trim() && state.files.length === 0) {
      status("Paste an author page's text, or add a saved page first.", true);
      return;
    }
    const size = new Blob([text]).size + state.files.reduce((sum, f) => sum + f.size, 0);
    if (state.maxBytes && size > state.maxBytes) {
      status(`The pages are too large (${size} bytes): this page takes at most ` +
             `${Math.floor(state.maxBytes / 1048576)} MB at a time.`, true);
      return;
    }
    const form = new FormData();
    form.append("text", text);
    for (const file of state.files) form.append("files", file, file.name);
    form.append("format", $("format").value);
    form.append("dedupe", $("dedupe").value);
    form.append("key_pattern", $("key-pattern").value);
    if (!$("style-row").hidden) form.append("style", $("style").value);
    for (const input of $("options").querySelectorAll("input[data-option]")) {
      if (input.value.trim()) form.append(`option.${input.dataset.option}`, input.value);
    }
    status("Converting…", false);
    $("convert").disabled = true;
    try {
      const response = await fetch("/api/convert", { method: "POST", body: form });
      const data = await response.json();
      if (!response.ok) {
        status(data.error || `The server answered ${response.status}.`, true);
        return;
      }
      state.answer = data;
      show(data);
      const counts = data.counts || {};
      status(`Read ${data.read} paper(s): ${counts.error || 0} error(s), ` +
             `${counts.warning || 0} warning(s), ${counts.info || 0} note(s).`, false);
    } catch (error) {
      status(`The conversion failed: ${error}`, true);
    } finally {
      $("convert").disabled = false;
    }
  }

  function authorsCell(paper) {
    const cell = el("td", {});
    cell.append(paper.authors.join(", "));
    if (paper.et_al) {
      const certain = paper.authors_status === "truncated";
      cell.append(" ", el("span", {
        className: certain ? "etal" : "etal maybe",
        title: certain ? "The site cut this author list." :
          "The site shows at most 8 authors: this list may have been cut.",
        text: certain ? "et al." : "et al.?",
      }));
    }
    return cell;
  }

  function problemList(problems) {
    const list = el("ul", { className: "problems" });
    for (const problem of problems) {
      const where = problem.line ? ` (line ${problem.line})` : "";
      list.append(el("li", { className: `severity-${problem.severity}` },
        el("span", { className: "code", text: problem.code }),
        ` ${problem.severity}${where}: ${problem.message}`));
    }
    return list;
  }

  function show(data) {
    $("results").hidden = false;
    $("summary").textContent = `${data.papers.length} paper(s) read; ${data.written} written ` +
      `as ${data.format}; ${data.merged} merged; ${data.skipped} skipped.`;
    $("notes").replaceChildren(...data.notes.map((note) => el("li", { text: note })));
    const body = $("papers").tBodies[0];
    body.replaceChildren();
    const codes = new Map();
    for (const paper of data.papers) {
      const row = el("tr", { "data-codes": paper.problems.map((p) => p.code).join(" ") });
      // data-label: the column's name, shown before the cell on phones (no table there)
      row.append(
        el("td", { className: "number", "data-label": "#", text: String(paper.id + 1) }),
        el("td", { className: "title", text: paper.title }),
        authorsCell(paper),
        el("td", { "data-label": "Venue",
                   text: [paper.venue, paper.venue_kind].filter(Boolean).join(" ") }),
        el("td", { className: "year", "data-label": "Year",
                   text: paper.year === null ? "" : String(paper.year) }),
        el("td", { className: "key", "data-label": "Key", text: paper.key || "(not written)" }),
        el("td", { "data-label": "Problems" },
           paper.problems.length ? problemList(paper.problems) : "none"));
      body.append(row);
      for (const problem of paper.problems) {
        codes.set(problem.code, (codes.get(problem.code) || 0) + 1);
      }
    }
    const filter = $("filter");
    filter.replaceChildren(el("option", { value: "", text: `all papers (${data.papers.length})` }),
      el("option", { value: "-", text: "papers with a problem" }),
      ...[...codes.entries()].sort().map(([code, count]) =>
        el("option", { value: code, text: `${code} (${count})` })));
    applyFilter();
    $("page-problems-box").hidden = data.problems.length === 0;
    $("page-problems").replaceChildren(...problemList(data.problems).children);
    showDuplicates(data);
    showOutput(data.output);
  }

  function applyFilter() {
    const wanted = $("filter").value;
    for (const row of $("papers").tBodies[0].rows) {
      const codes = row.dataset.codes ? row.dataset.codes.split(" ") : [];
      row.hidden = wanted === "-" ? codes.length === 0 : wanted !== "" && !codes.includes(wanted);
    }
  }

  function showDuplicates(data) {
    const box = $("duplicates");
    box.replaceChildren();
    $("duplicates-box").hidden = data.duplicates.length === 0;
    data.duplicates.forEach((group, index) => {
      const cards = el("div", { className: "side-by-side" });
      for (const id of group.papers) {
        const paper = data.papers[id];
        cards.append(el("article", { className: "card" },
          el("h4", { text: `#${id + 1}: ${paper.title}` }),
          el("p", { text: paper.authors.join(", ") + (paper.et_al ? " et al." : "") }),
          el("p", { text: `${paper.venue} ${paper.venue_kind} ${paper.year ?? ""} ` +
                          `${paper.type}`.trim() }),
          el("p", { className: "hint", text: `${paper.source}, line ${paper.line}; ` +
                                             `key ${paper.key || "(not written)"}` })));
      }
      const reasons = el("ul", {}, ...group.reasons.map((reason) =>
        el("li", { text: `${reason.kind ? reason.kind + ": " : ""}${reason.message}` })));
      box.append(el("section", { className: "group", "aria-label": `Duplicate group ${index + 1}` },
        cards, el("p", { text: "Why:" }), reasons));
    });
  }

  function showOutput(output) {
    $("output-box").hidden = false;
    if (output.kind === "zip") {
      $("output-name").textContent = `${output.filename}: ${output.files.length} files`;
      $("preview").textContent = output.files.join("\n");
      $("copy").disabled = true;
    } else {
      $("output-name").textContent = output.filename;
      $("preview").textContent = output.text;
      $("copy").disabled = false;
    }
  }

  function download() {
    const output = state.answer && state.answer.output;
    if (!output) return;
    let blob;
    if (output.kind === "zip") {
      const bytes = Uint8Array.from(atob(output.zip_base64), (c) => c.charCodeAt(0));
      blob = new Blob([bytes], { type: "application/zip" });
    } else {
      blob = new Blob([output.text], { type: "text/plain;charset=utf-8" });
    }
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: output.filename });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function copy() {
    const output = state.answer && state.answer.output;
    if (!output || output.kind !== "text") return;
    try {
      await navigator.clipboard.writeText(output.text);
      status("Copied the output to the clipboard.", false);
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents($("preview"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status("The browser did not let the page copy: the output is selected, press Ctrl+C.",
             true);
    }
  }

  function setUpDrop() {
    const zone = $("drop");
    for (const name of ["dragenter", "dragover"]) {
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("over");
      });
    }
    for (const name of ["dragleave", "drop"]) {
      zone.addEventListener(name, () => zone.classList.remove("over"));
    }
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      addFiles(event.dataTransfer.files);
    });
    $("files").addEventListener("change", (event) => {
      addFiles(event.target.files);
      event.target.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpDrop();
    $("format").addEventListener("change", () => {
      showOptions();
      if (state.answer) convert();
    });
    $("convert").addEventListener("click", convert);
    $("filter").addEventListener("change", applyFilter);
    $("download").addEventListener("click", download);
    $("copy").addEventListener("click", copy);
    loadFormats().catch((error) => status(`Could not load the formats: ${error}`, true));
  });
})();
