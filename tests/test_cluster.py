"""arrow2bib.distributed on a real two-worker LocalCluster: the output and the report are the
serial run's, byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the Dask extra is not installed (pip install 'arrow2bib[dask]')")

import bibtexparser
import rispy

import arrow2bib
from arrow2bib import Problem, Severity, hookimpl
from arrow2bib.checks import Check
from arrow2bib.distributed import convert, report_path, shard_path
from arrow2bib.errors import FormatError, InputError, OutputError
from arrow2bib.keys import suffix
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.run.pipeline import process
from arrow2bib.write.report import render_json

from .conftest import ROOT, SAMPLE



def _page(papers: list[tuple[str, str, list[str]]]) -> str:
    """An Arrow page in the site's text layout: (venue line, title, authors) per paper."""
    lines = ["Arrow Research search\n\nAuthor name cluster\n\nShiwei Li\n\n",
             f"{len(papers)} papers\n1 author row\n\nPossible papers\n\n{len(papers)}\n\n"]
    for venue, title, authors in papers:
        lines += [f"{venue}\n\n", f"{title}\n\n", *(f"  • {a}\n" for a in authors),
                  f"\nWe study {title.lower()}.\n\n"]
    return "".join(lines)


NIPS25 = "NeurIPS Conference 2025 Conference Paper"
SIGIR22 = "SIGIR Conference 2022 Conference Paper"
LI = ["Shiwei Li", "Xiuqiang He"]
#: Hand-made pages for what the cluster must get right across pages (keys: default pattern).
CRAFTED = {
    "a.txt": [
        (NIPS25, "Deep Graph Learning for Recommendation", LI),  # li2025deep
        ("AAAI Conference 2024 Conference Paper", "Contrastive Pairs for Sequential Recommendation",
         ["Ann Smith", "Xiuqiang He"]),
        (SIGIR22, "Learning to Rank with Graphs", LI),
        # li2025higher, as the sample page's TopLoRA paper: a group across pages
        (NIPS25, "Higher Order Interactions in CTR Models", LI),
        (SIGIR22, "Xraph Neural Networks for Sequential Recommendation Tasks", LI),
    ],
    "b.txt": [
        (NIPS25, "Deep Graph Learning for Recommendation", LI),  # identical, another page
        (NIPS25, "Deep Tensor Networks", LI),  # another li2025deep: wants the a suffix
        ("AAAI Conference 2024 Conference Paper", "Contrastive Pair for Sequential Recommendation",
         ["Ann Smith"]),  # near-identical
        (SIGIR22, "Learning to Rank with Graph", LI),  # near-identical to a.txt's
        # a copy of a sample-page paper, so a cross-page copy of the real page
        ("IJCAI Conference 2017 Conference Paper",
         "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
         ["Huifeng Guo", "Ruiming Tang", "Yunming Ye", "Zhenguo Li", "Xiuqiang He"]),
        (SIGIR22, "Graph Neural Networks for Sequential Recommendation Taskx", LI),
    ],
    "c.txt": [
        ("IJCAI Conference 2025 Conference Paper", "DeepA: Adaptive Attention for CTR", LI),
        ("ICML Conference 2023 Conference Paper", "Contrastive Pairs for Sequential Recommendation",
         ["Ann Smith"]),  # a version (another venue and year)
        (SIGIR22, "Learning to Rank with Graph", LI),  # identical to b.txt's, which is a copy
        (NIPS25, "Deep Graph Learning for Recommendation", LI),  # a third copy
        # as near to a.txt's 'Xraph' (found by the title's end) as to b.txt's 'Taskx' (by its
        # start): the tie goes to the earliest paper, whichever shuffle group found it
        (SIGIR22, "Graph Neural Networks for Sequential Recommendation Tasks", LI),
    ],
}


WORDS = ["Graphs", "Bandits", "Text", "Images", "Audio", "Users", "Items", "Sessions"]
#: More than MAX_BLOCK papers filed under one blocking key between a paper and its near copy:
#: the single index no longer scores the first, so neither may the cluster. The copy shares
#: only that block (the first 16 letters): its end and a word's first letters ("Wob") differ.
CROWD = [(SIGIR22, "Scalable Recommendation Systems at Web Scale", LI),
         *((SIGIR22, f"Scalable Recommendation with {a} and {b}", ["Ann Smith"])
           for a in WORDS for b in WORDS),
         (SIGIR22, "Scalable Recommendation Systems at Wob Scales", LI)]


@pytest.fixture
def client(dask_client):
    return dask_client


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """Eight inputs: generated pages, the sample page named twice (across a partition
    boundary), and the hand-made pages, so that copies and key groups cross partitions and
    one block of the duplicate index overflows."""
    from benchmarks.generate import write

    folder = tmp_path_factory.mktemp("pages")
    for name, papers in {**CRAFTED, "crowd.txt": CROWD}.items():
        (folder / name).write_text(_page(papers), encoding="utf-8")
    for seed in (1, 2):
        with open(folder / f"gen{seed}.txt", "w", encoding="utf-8") as out:
            write(25, out, seed=seed)
    names = ["gen1.txt", SAMPLE, SAMPLE, "a.txt", "b.txt", "gen2.txt", "c.txt", "crowd.txt"]
    return [str(n) if isinstance(n, Path) else str(folder / n) for n in names]


def _serial(inputs, fmt, dedupe, pm=None, key_pattern=None):
    pm = pm or get_plugin_manager(load_installed=False)
    pages = [arrow2bib.parse_file(spec) for spec in inputs]
    return process(pages, pm=pm, exporter=arrow2bib.formats(pm).get(fmt), dedupe=dedupe,
                   key_pattern=key_pattern)


def _bib(text: str) -> list[tuple[str, str, dict[str, str]]]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return [(e.key, e.entry_type, {f.key: f.value for f in e.fields}) for e in library.entries]


def _json_papers(text: str) -> list[dict]:
    return [paper for page in json.loads(text)["pages"] for paper in page["papers"]]


#: Each format read back by its real consumer, as a list of entries in order.
READERS = {
    "bibtex": _bib,
    "biblatex": _bib,
    "csljson": json.loads,
    "ris": rispy.loads,
    "json": _json_papers,
}


def _read_back(fmt: str, texts: list[str]) -> list:
    return [entry for text in texts for entry in READERS[fmt](text)]


@pytest.mark.parametrize("fmt,dedupe", [
    ("bibtex", "keep"), ("bibtex", "first"), ("bibtex", "merge"), ("biblatex", "keep"),
    ("csljson", "keep"), ("csljson", "first"), ("ris", "keep"), ("ris", "first"),
    ("json", "keep"), ("json", "first"),
])
def test_output_and_report_equal_the_serial_run(client, inputs, tmp_path, fmt, dedupe):
    pm = get_plugin_manager(load_installed=False)
    output = tmp_path / f"refs{arrow2bib.formats(pm).get(fmt).extension}"
    result = convert(inputs, output, to=fmt, client=client, dedupe=dedupe, pm=pm)
    serial = _serial(inputs, fmt, dedupe)
    assert result.files == [output]
    assert sorted(tmp_path.iterdir()) == sorted([output, result.report])
    (document,) = serial.documents
    assert output.read_bytes().decode("utf-8") == document.text
    assert _read_back(fmt, [output.read_text(encoding="utf-8")])  # its consumer reads it
    assert result.report.read_text(encoding="utf-8") == render_json(serial.problems,
                                                                    papers=serial.read)
    assert result.problems == serial.problems
    assert (result.read, result.written, result.skipped, result.merged) == (
        serial.read, serial.written, serial.skipped, serial.merged)


def test_partitions_is_deprecated_and_ignored(client, inputs, tmp_path):
    with pytest.warns(DeprecationWarning, match="partitions"):
        result = convert(inputs[:2], tmp_path / "refs.bib", client=client, partitions=4)
    assert result.files == [tmp_path / "refs.bib"]
    with pytest.warns(DeprecationWarning, match="files"):
        assert result.shards == result.files
    with pytest.warns(DeprecationWarning, match="one output file"):
        assert shard_path(tmp_path / "refs.bib", ".bib", 3) == tmp_path / "refs-00003.bib"


def test_the_inputs_exercise_what_they_claim(client, inputs, tmp_path):
    """The cases the equality above is meant to cover are really in the inputs."""
    pm = get_plugin_manager(load_installed=False)
    kept = convert(inputs, tmp_path / "all.bib", client=client, pm=pm)
    kinds = {p.details["kind"] for p in kept.problems if p.code == "duplicate"}
    assert kinds == {"identical", "near-identical", "version"}
    keys = {key for key, _t, _f in _read_back("bibtex", [p.read_text() for p in kept.files])}
    # li2025deepa is a paper's own base key, so the li2025deep group skips that suffix
    assert {"li2025deep", "li2025deepa", "li2025deepb", "li2025deepc", "li2025deepd",
            "li2025higher", "li2025highera"} <= keys
    first = convert(inputs, tmp_path / "first.bib", client=client, dedupe="first", pm=pm)
    into = {(p.source.rsplit("/", 1)[-1], p.line): p.details["into"] for p in first.problems
            if p.code == "dedupe"}
    # the chain: c.txt's 'Graph' copies b.txt's 'Graph', itself skipped as a copy of a.txt's
    # 'Graphs': c.txt's is kept, as in one process
    # (b.txt's copy, removed, is a dedupe note in place of its duplicate warning)
    graph = [p for p in first.problems if p.code in ("duplicate", "dedupe")
             and p.title == "Learning to Rank with Graph"]
    assert [p.code for p in graph] == ["dedupe", "duplicate"]
    assert [p.source.rsplit("/", 1)[-1] for p in graph] == ["b.txt", "c.txt"]
    assert ("b.txt", graph[0].line) in into and ("c.txt", graph[1].line) not in into
    assert first.skipped == len(into) >= 4 and first.written == kept.written - len(into)
    tie = next(p for p in kept.problems if p.code == "duplicate"
               and p.title == "Graph Neural Networks for Sequential Recommendation Tasks")
    assert tie.details["other"]["title"].startswith("Xraph")
    assert not [p for p in kept.problems if p.code == "duplicate" and p.title.endswith("Scales")]


class ClumpedKeys:
    """A key plugin making big groups whose suffixes run into other papers' base keys."""

    @hookimpl(tryfirst=True)
    def citation_key(self, paper, pattern):
        return "k" + suffix(3 - paper.line % 4)  # k, ka, kb, kc; ka comes first


class ShortTitle(Check):
    """A third-party check, after the built-in ones: its problems follow each paper's
    ``duplicate`` problem in one process, and must on the cluster too."""

    name = "short-title"
    codes = ("short-title",)

    def paper(self, paper, key):
        if len(paper.title) < 40:
            yield Problem(code=self.name, severity=Severity.INFO, message="A short title.",
                          source=paper.source, line=paper.line, title=paper.title, key=key)


class ShortTitlePlugin:
    @hookimpl
    def register_checks(self, register):
        register(ShortTitle)


def test_workers_use_the_clients_plugins(client, inputs, tmp_path):
    pm = get_plugin_manager(load_installed=False)
    pm.register(ClumpedKeys(), name="clumped-keys")
    pm.register(ShortTitlePlugin(), name="short-title")
    result = convert(inputs, tmp_path / "refs.bib", client=client, pm=pm)
    serial = _serial(inputs, "bibtex", "keep", pm=pm)
    got = _read_back("bibtex", [p.read_text() for p in result.files])
    assert got == _read_back("bibtex", [d.text for d in serial.documents])
    assert result.report.read_text() == render_json(serial.problems, papers=serial.read)
    codes = [p.code for p in result.problems]
    assert ("duplicate", "short-title") in set(pairwise(codes))  # one paper's, in order
    assert {"k", "ka", "kd", "kaa", "kab"} <= {key for key, _t, _f in got}


def test_key_pattern_and_options_reach_the_workers(client, inputs, tmp_path):
    options = {"abstracts": "no"} if "abstracts" in arrow2bib.formats().get("bibtex").options \
        else {}
    result = convert(inputs, tmp_path / "refs.bib", client=client,
                     key_pattern="{Auth}:{shortyear}", options=options)
    pm = get_plugin_manager()
    pages = [arrow2bib.parse_file(spec) for spec in inputs]
    serial = process(pages, pm=pm, exporter=arrow2bib.formats(pm).get("bibtex"),
                     key_pattern="{Auth}:{shortyear}", options=options)
    got = _read_back("bibtex", [p.read_text() for p in result.files])
    assert got == _read_back("bibtex", [d.text for d in serial.documents])
    assert got[0][0].split(":")[0].istitle()


def test_the_work_runs_on_both_workers(client, inputs, tmp_path):
    # small pages are read several to a task, and their papers checked a batch at a time
    # across pages: a larger page gives both workers several tasks
    from benchmarks.generate import write

    with open(tmp_path / "large.txt", "w", encoding="utf-8") as out:
        write(1500, out, seed=9)
    with distributed.get_task_stream(client) as stream:
        convert([*inputs, str(tmp_path / "large.txt")], tmp_path / "refs.bib", client=client)
    workers = {task["worker"] for task in stream.data}
    assert workers == set(client.scheduler_info()["workers"])
    names = [str(task["key"]).rsplit("-", 5)[0] for task in stream.data]
    assert names.count("read_all") == 2 and names.count("check_and_format") >= 4, names


def test_a_bad_input_raises_the_serial_error_and_writes_nothing(client, inputs, tmp_path):
    bad = tmp_path / "pages"
    bad.mkdir()
    (bad / "bad.txt").write_bytes(b"Author name cluster\n\xff\xfe\n")
    (bad / "not-a-page.txt").write_text("hello\n", encoding="utf-8")
    specs = [*inputs[:3], str(bad / "bad.txt"), *inputs[3:], str(bad / "not-a-page.txt")]
    with pytest.raises(InputError) as expected:
        _serial(specs, "bibtex", "keep")
    assert f"{bad / 'bad.txt'}:2: " in str(expected.value)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError) as raised:
        convert(specs, out / "refs.bib", client=client)
    assert str(raised.value) == str(expected.value)
    assert list(out.iterdir()) == []


def test_an_illegal_key_raises_the_serial_error(client, inputs, tmp_path):
    with pytest.raises(arrow2bib.ExportError) as expected:
        _serial(inputs, "bibtex", "keep", key_pattern="{auth}{nosuchfield}")
    with pytest.raises(arrow2bib.ExportError) as raised:
        convert(inputs, tmp_path / "refs.bib", client=client, key_pattern="{auth}{nosuchfield}")
    assert str(raised.value) == str(expected.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs,error,words", [
    ({"inputs": ["-"]}, ValueError, "standard input"),
    ({"inputs": []}, ValueError, "at least one input"),
    ({"options": {"nosuch": "1"}}, FormatError, "no option 'nosuch'"),
    ({"output": "missing-dir/refs.bib"}, OutputError, "does not exist"),
])
def test_unusable_arguments_are_refused_before_any_work(client, tmp_path, kwargs, error, words):
    args = {"inputs": [str(SAMPLE)], "output": "refs.bib", **kwargs}
    args["output"] = tmp_path / args["output"]
    with pytest.raises(error, match=words):
        convert(args.pop("inputs"), args.pop("output"), client=client, **args)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output,extension,number,shard,report", [
    ("refs.bib", ".bib", 0, "refs-00000.bib", "refs.report.json"),
    ("refs.BIB", ".bib", 12, "refs-00012.bib", "refs.report.json"),
    ("refs", ".ris", 3, "refs-00003.ris", "refs.report.json"),
    ("refs.csl.json", ".json", 1, "refs.csl-00001.json", "refs.csl.report.json"),
    ("out.txt", ".bib", 2, "out.txt-00002.bib", "out.txt.report.json"),
])
def test_shard_and_report_names(tmp_path, output, extension, number, shard, report):
    with pytest.warns(DeprecationWarning):
        assert shard_path(tmp_path / output, extension, number) == tmp_path / shard
    assert report_path(tmp_path / output, extension) == tmp_path / report


def test_import_without_dask_names_the_extra():
    code = ("import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
            "import arrow2bib.distributed")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 1
    assert "ImportError" in run.stderr
    assert "pip install 'arrow2bib[dask]'" in run.stderr


def test_sample_page_alone_equals_the_library_export(client, tmp_path):
    """One input, the current client: the very text of arrow2bib.export."""
    assert distributed.default_client() is client  # so convert() finds it by itself
    result = convert([SAMPLE], tmp_path / "refs.bib")
    assert result.files == [tmp_path / "refs.bib"]
    assert result.files[0].read_text(encoding="utf-8") == arrow2bib.export(
        arrow2bib.parse_file(SAMPLE), "bibtex")
    assert json.loads(result.report.read_text())["summary"]["papers"] == 13



def test_a_format_with_several_documents(client, inputs, tmp_path):
    """ORCID's one-work-per-file layout: a file per paper, named after the output and the key,
    with the very documents of the serial run."""
    from lxml import etree

    pm = get_plugin_manager(load_installed=False)
    options = {"layout": "work"}
    result = convert(inputs, tmp_path / "works.xml", to="orcid", client=client,
                     options=options, pm=pm)
    pages = [arrow2bib.parse_file(spec) for spec in inputs]
    serial = process(pages, pm=pm, exporter=arrow2bib.formats(pm).get("orcid"), options=options)
    assert len(result.files) == len(serial.documents) == serial.written > 4
    assert [p.read_text(encoding="utf-8") for p in result.files] == [
        d.text for d in serial.documents]
    assert [p.name for p in result.files] == [f"works{d.suffix}.xml" for d in serial.documents]
    assert all(etree.fromstring(p.read_bytes()).tag.endswith("}work") for p in result.files)
