"""Generate deterministic Arrow author pages of any size, in the site's text layout.

    python -m benchmarks.generate 100000 > page-100k.txt
    python -m benchmarks.generate 100000 --mode overlap > page-100k-overlap.txt
    python -m benchmarks.generate 1000 --mode math > page-1k-math.txt

Varied names (accents, particles, nicknames, hyphens), venues, years, author-list lengths
(including cut lists of 8), abstracts with the site's damage, and about 1% repeated papers.

Two modes. ``diverse`` (the default, and the pages every earlier benchmark used): titles are
random word draws, numbered, so they rarely resemble each other. ``overlap``: as real author
pages are, a third of the titles differ from an earlier one by one to three words (a word
replaced, added or dropped: versions and follow-ups, with the earlier paper's authors),
numbered series (``Part 1``, ``Part 2``...), numbered versions of an earlier title (``... v2``,
``... v3``, same authors), and titles sharing a long prefix ("Towards Robust ...: X"): the
case that makes a duplicate check score many close pairs.

A third mode, ``math``, is ``diverse`` with TeX math in every title and abstract
(:data:`MATH`: scripts, Greek, fonts, fractions, sizing, sets; a few spans TeX would not
compile, :data:`BAD_MATH`), for the tests that no TeX reaches the formats that do not read it.
"""

from __future__ import annotations

import argparse
import random
import re
from typing import Iterator, TextIO

GIVEN = ["Xiuqiang", "Shao-Lun", "Jürgen", "Maarten", "Rupesh K.", "Xue (Steve)", "Ann",
         "Chloé", "Søren", "Łukasz", "Zoë", "Hao", "Wei", "Priya", "José María", "Ngozi"]
FAMILY = ["He", "Huang", "Schmidhuber", "de Rijke", "Srivastava", "Liu", "Müller", "Østergaard",
          "Nowak", "van der Berg", "Zhang", "Okafor", "García", "O'Brien", "Smith", "Tanaka"]
VENUES = [("NeurIPS", "Conference", "Conference Paper"), ("AAAI", "Conference", "Short Paper"),
          ("IJCAI", "Conference", "Conference Paper"), ("ICML", "Conference", "Conference Paper"),
          ("TKDE", "Journal", "Journal Article"), ("SIGIR", "Conference", "Conference Paper"),
          ("ACL", "Workshop", "Workshop Paper"),
          ("Computing in Science & Engineering", "Journal", "Journal Article")]
WORDS = ["Deep", "Graph", "Contrastive", "Learning", "for", "Sequential", "Recommendation",
         "via", "Low-Rank", "Adaptation", "CTR", "Prediction", "with", "BERT", "OoD",
         "Generalization", "Efficient", "Neural", "Networks", "Über", "Tensor", "Factorization"]
ABSTRACT = ("We study {a} and propose **{b} ({c})**, which learns $\\Sigma_X$ token-wise "
            "(i. e. , per input). Experiments show gains (e. g. , on {d}). Code: "
            "https: //github. com/lab/{e}.")


def _authors(rng: random.Random) -> list[str]:
    """A paper's author list: 1 to 8 names, the page's author among them unless cut."""
    count = rng.choice([1, 2, 3, 5, 7, 8, 8])
    authors = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(count)]
    if count < 8 or rng.random() < 0.7:
        authors[rng.randrange(count)] = "Xiuqiang He"
    return authors


def _block(rng: random.Random, venue: tuple[str, str, str], title: str, authors: list[str],
           i: int) -> list[str]:
    """A paper's lines: venue line (a year drawn), title, bullets, usually an abstract."""
    name, kind, ptype = venue
    block = [f"{name} {kind} {rng.randint(1995, 2025)} {ptype}\n\n", f"{title}\n\n"]
    block += [f"  • {a}\n" for a in authors]
    if rng.random() < 0.9:
        words = rng.sample(WORDS, 5)
        block.append("\n" + ABSTRACT.format(a=words[0], b=words[1], c=words[2].upper(),
                                            d=words[3], e=f"repo{i}") + "\n")
    block.append("\n")
    return block


def page(n: int, seed: int = 0) -> Iterator[str]:
    """Yield the lines of a page with ``n`` papers."""
    rng = random.Random(seed)
    yield "Arrow Research search\n\nAuthor name cluster\n\nXiuqiang He\n\n"
    yield f"{n} papers\n1 author row\n\nPossible papers\n\n{n}\n\n"
    previous: list[str] = []
    for i in range(n):
        if previous and rng.random() < 0.01:
            yield from previous
            continue
        venue = rng.choice(VENUES)
        title = " ".join(rng.sample(WORDS, rng.randint(4, 10))) + f" {i}"
        block = _block(rng, venue, title, _authors(rng), i)
        previous = block
        yield from block


#: The overlap mode's words: enough that drawn titles rarely coincide, few enough that
#: phrases recur as they do in one field's titles.
VOCABULARY = WORDS + """Attention Transformer Federated Privacy Causal Inference Bayesian
Optimization Reinforcement Policy Gradient Multi-Task Self-Supervised Pre-training Language
Models Large Vision Retrieval Augmented Generation Knowledge Graphs Embedding Sparse Dense
Click-Through Rate Estimation Ranking Search Advertising User Interest Modeling Session
Session-based Cross-Domain Transfer Meta-Learning Few-Shot Zero-Shot Robust Adversarial
Training Distillation Compression Quantization Pruning Mixture Experts Routing Scalable
Distributed Systems Benchmark Evaluation Fairness Debiasing Counterfactual Explanation
Interpretable Temporal Dynamic Streaming Online Incremental Continual Memory Hierarchical
Hypergraph Heterogeneous Information Network Feature Interaction Selection Field-aware
Factorization-Machine Wide Cross Tabular Time Series Forecasting Anomaly Detection
Contrastive Views Augmentation Denoising Diffusion Variational Autoencoder Generative
Recommender Personalized Conversational Dialogue Agents Planning Reasoning Chain Thought
Prompt Tuning Parameter-Efficient Fine-Tuning Token-wise Projection""".split()
PREFIXES = ["Towards Robust and Efficient", "A Unified Framework for", "Rethinking",
            "On the Generalization of", "Scalable"]
#: Shares of the ``overlap`` mode's titles: a near copy of an earlier title, a numbered
#: series, a numbered version of an earlier title (``v2``), a shared prefix; the rest are
#: drawn as in ``diverse``.
NEAR, SERIES, VERSION, PREFIX = 0.34, 0.08, 0.04, 0.16
_VERSIONED = re.compile(r"v(\d+)$")


def overlap_page(n: int, seed: int = 0) -> Iterator[str]:
    """Yield the lines of a page with ``n`` papers whose titles overlap heavily (see the
    module's description)."""
    rng = random.Random(seed)
    yield "Arrow Research search\n\nAuthor name cluster\n\nXiuqiang He\n\n"
    yield f"{n} papers\n1 author row\n\nPossible papers\n\n{n}\n\n"
    earlier: list[tuple[list[str], list[str]]] = []  # (title words, authors)
    series: dict[str, int] = {}
    for i in range(n):
        venue = rng.choice(VENUES)
        draw = rng.random()
        authors: list[str] | None = None
        if earlier and draw < NEAR:
            words, authors = rng.choice(earlier[-5000:])
            words = list(words)
            for _ in range(rng.randint(1, 3)):
                change = rng.random()
                at = rng.randrange(len(words))
                if change < 0.5:
                    words[at] = rng.choice(VOCABULARY)
                elif change < 0.8 or len(words) < 4:
                    words.insert(at, rng.choice(VOCABULARY))
                else:
                    del words[at]
            authors = list(authors)
        elif draw < NEAR + SERIES:
            name = " ".join(rng.sample(VOCABULARY, 4))
            series[name] = series.get(name, 0) + 1
            words = [*name.split(), "Part", str(series[name])]
        elif earlier and draw < NEAR + SERIES + VERSION:
            words, authors = rng.choice(earlier[-5000:])
            number = _VERSIONED.fullmatch(words[-1])
            words = [*words[:-1], f"v{int(number[1]) + 1}"] if number else [*words, "v2"]
            authors = list(authors)
        elif draw < NEAR + SERIES + VERSION + PREFIX:
            words = [*rng.choice(PREFIXES).split(),
                     *rng.sample(VOCABULARY, rng.randint(3, 6))]
        else:
            words = rng.sample(VOCABULARY, rng.randint(5, 11))
        if authors is None:
            authors = _authors(rng)
        earlier.append((words, authors))
        yield from _block(rng, venue, " ".join(words), authors, i)


#: Math the ``math`` mode puts in titles and abstracts: valid LaTeX with kernel commands...
MATH = [r"\ell_1", r"\ell_2", r"\mu", r"B\Sigma_X A", r"\mathcal{O}(n^{2})",
        r"\frac{1}{\sqrt{n}}", r"x_{ij}^{2}", r"\alpha \leq \beta", r"\|x\|_1",
        r"\big(\alpha\big)", r"\lambda", r"x~y", r"\hat{\theta}", r"k \in \{1, \dots, K\}",
        r"\log k", r"\mathbf{W}_t", r"\sum_{i=1}^n x_i", r"\left(a+b\right)"]
#: ...and spans TeX would not compile (BibTeX writes them as text).
BAD_MATH = [r"x^1^2", r"\frac a", r"\mathbb{R}^d", r"x_1_2"]


def math_page(n: int, seed: int = 0) -> Iterator[str]:
    """Yield the lines of a page with ``n`` papers with math in every title and abstract."""
    rng = random.Random(seed)
    yield "Arrow Research search\n\nAuthor name cluster\n\nXiuqiang He\n\n"
    yield f"{n} papers\n1 author row\n\nPossible papers\n\n{n}\n\n"
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(3, 7))
        words.insert(rng.randrange(len(words) + 1), f"${rng.choice(MATH)}$")
        block = _block(rng, rng.choice(VENUES), " ".join(words) + f" {i}", _authors(rng), i)
        spans = [rng.choice(MATH if rng.random() < 0.85 else BAD_MATH) for _ in range(3)]
        math = " ".join(f"We bound ${m}$." for m in spans)
        for at, line in enumerate(block):  # the abstract, when the paper has one
            if line.startswith("\nWe study"):
                block[at] = "\n" + math + " " + line[1:]
        yield from block


MODES = {"diverse": page, "overlap": overlap_page, "math": math_page}


def write(n: int, out: TextIO, seed: int = 0, mode: str = "diverse") -> None:
    """Write a page with ``n`` papers to ``out`` (``mode``: ``diverse``, ``overlap`` or
    ``math``)."""
    for chunk in MODES[mode](n, seed):
        out.write(chunk)


def main(argv: list[str] | None = None) -> None:
    """The command line: ``python -m benchmarks.generate N [--mode M] [--seed S]``."""
    import sys

    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("papers", type=int, nargs="?", default=1000)
    parser.add_argument("--mode", choices=sorted(MODES), default="diverse")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write(args.papers, sys.stdout, args.seed, args.mode)


if __name__ == "__main__":
    main()
