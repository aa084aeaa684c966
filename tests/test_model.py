"""The model's objects are made by hand-written ``__init__`` methods (``Paper``, ``Problem``):
they must take the same arguments and make the same objects as the dataclass's own would."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from arrow2bib.model import AuthorStatus, Paper, Person, Problem, Severity

ARGUMENTS = {
    Paper: dict(title="A $x$ title", authors=(Person(literal="Ada Lovelace", given="Ada",
                                                    family="Lovelace"),),
                authors_status=AuthorStatus.TRUNCATED, venue="NeurIPS",
                venue_kind="Conference", year=2024, paper_type="Conference Paper",
                abstract="Fixed.", raw_abstract="Fixed .", urls=("https://a.b/c",),
                source="page.txt", line=12),
    Problem: dict(code="parse-error", severity=Severity.ERROR, message="Broken.",
                  source="page.txt", line=3, title="A title", key="lovelace2024a",
                  details={"reason": "no-authors"}),
}


def _generated(cls: type) -> type:
    """The same fields in a dataclass with the generated ``__init__``: the reference."""
    return dataclasses.make_dataclass(
        f"Generated{cls.__name__}",
        [(f.name, f.type, dataclasses.field(default=f.default,
                                             default_factory=f.default_factory))
         for f in dataclasses.fields(cls)],
        frozen=True, kw_only=True)


@pytest.mark.parametrize("cls", [Paper, Problem])
def test_init_takes_the_fields(cls):
    """Keyword-only, every field, the same defaults (a default factory: None, then made)."""
    parameters = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    for parameter, f in zip(parameters, fields):
        if f.default is not dataclasses.MISSING:
            assert parameter.default == f.default, f.name
        elif f.default_factory is not dataclasses.MISSING:
            assert parameter.default is None, f.name
        else:
            assert parameter.default is inspect.Parameter.empty, f.name


@pytest.mark.parametrize("cls", [Paper, Problem])
@pytest.mark.parametrize("given", ["all", "required"])
def test_init_makes_what_the_dataclass_would(cls, given):
    arguments = ARGUMENTS[cls]
    if given == "required":
        arguments = {f.name: arguments[f.name] for f in dataclasses.fields(cls)
                     if f.default is dataclasses.MISSING
                     and f.default_factory is dataclasses.MISSING}
    made, reference = cls(**arguments), _generated(cls)(**arguments)
    assert vars(made) == vars(reference)
    # still frozen, equal, hashable, replaceable and picklable
    name = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, name, "other")
    assert made == cls(**arguments) and hash(made) == hash(cls(**arguments))
    assert dataclasses.replace(made) == made
    assert pickle.loads(pickle.dumps(made)) == made


def test_problem_defaults_and_severity():
    """Each problem has its own details; a plugin's severity string becomes the member."""
    first = Problem(code="x", severity="warning", message="m")
    second = Problem(code="x", severity=Severity.WARNING, message="m")
    assert first.severity is Severity.WARNING and first == second
    first.details["a"] = 1  # type: ignore[index]
    assert second.details == {}
    assert dataclasses.replace(first, severity="info").severity is Severity.INFO
    with pytest.raises(ValueError):
        Problem(code="x", severity="loud", message="m")


def test_a_subclass_still_converts_its_severity():
    """A plugin's dataclass subclass of Problem (its own generated __init__) still gets the
    severity member for a string, as before the __init__ was written out."""

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Finding(Problem):
        score: float = 0.0

    finding = Finding(code="x", severity="info", message="m", score=0.5)
    assert finding.severity is Severity.INFO and finding.score == 0.5
