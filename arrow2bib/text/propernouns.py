"""Proper nouns and adjectives frequent in titles, whose capital a style must keep.

BibTeX styles lower-case titles ("... using gaussian kernel" in plainnat) and CSL styles
that want sentence case need them too; acronyms and mixed case (``DeepFM``, ``CTR``) are
recognised by their shape (:func:`arrow2bib.latex.needs_protection`), these words by this
list. A word is protected only as the page capitalises it (``Gaussian``, not ``gaussian``).
To extend it, add lower-case words here (one list for BibTeX, biblatex and the formatted
references).
"""

from __future__ import annotations

__all__ = ["PROPER_NOUNS", "is_proper_noun"]

PROPER_NOUNS = frozenset({
    # people's names used as adjectives and in method names
    "bayes", "bayesian", "bellman", "bernoulli", "boltzmann", "boolean", "carlo", "cauchy",
    "dirichlet", "euclidean", "euler", "fourier", "gaussian", "gibbs", "gumbel", "hamiltonian",
    "hawkes", "hebbian", "hessian", "hilbert", "hopfield", "jacobian", "kalman", "kullback",
    "lagrangian", "langevin", "laplace", "laplacian", "leibler", "lipschitz", "lyapunov",
    "markov", "markovian", "monte", "nash", "newton", "pareto", "poisson", "riemannian",
    "shannon", "shapley", "stein", "turing", "voronoi", "wasserstein", "weibull", "wiener",
    # languages, places, products
    "chinese", "english", "internet", "wikipedia",
    # model names spelt as words
    "transformer", "transformers",
})


def is_proper_noun(word: str) -> bool:
    """Whether ``word`` (letters, as the title writes it) is capitalised and in the list."""
    return word[:1].isupper() and word.lower() in PROPER_NOUNS
