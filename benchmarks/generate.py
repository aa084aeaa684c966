"""Generate deterministic Arrow author pages of any size, in the site's text layout.

    python -m benchmarks.generate 100000 > page-100k.txt

Varied names (accents, particles, nicknames, hyphens), venues, years, author-list lengths
(including cut lists of 8), abstracts with the site's damage, and about 1% repeated papers.
"""

from __future__ import annotations

import random
import sys
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
        venue, kind, ptype = rng.choice(VENUES)
        title = " ".join(rng.sample(WORDS, rng.randint(4, 10))) + f" {i}"
        count = rng.choice([1, 2, 3, 5, 7, 8, 8])
        authors = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(count)]
        if count < 8 or rng.random() < 0.7:
            authors[rng.randrange(count)] = "Xiuqiang He"
        block = [f"{venue} {kind} {rng.randint(1995, 2025)} {ptype}\n\n", f"{title}\n\n"]
        block += [f"  • {a}\n" for a in authors]
        if rng.random() < 0.9:
            words = rng.sample(WORDS, 5)
            block.append("\n" + ABSTRACT.format(a=words[0], b=words[1], c=words[2].upper(),
                                                d=words[3], e=f"repo{i}") + "\n")
        block.append("\n")
        previous = block
        yield from block


def write(n: int, out: TextIO, seed: int = 0) -> None:
    """Write a page with ``n`` papers to ``out``."""
    for chunk in page(n, seed):
        out.write(chunk)


if __name__ == "__main__":
    write(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.stdout)
