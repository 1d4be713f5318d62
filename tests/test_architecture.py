"""The map of parts holds: the import contracts of pyproject.toml keep on the real tree, and each arrow the map
forbids, added as one fake import between any module of its two parts, breaks a contract that names it.

The graph is built once (grimp) and the contracts are checked in-process on copies of it, so no file is written.
"""

import copy
import json
from pathlib import Path

import grimp
import pytest
from importlinter import api as importlinter
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent

# The parts of the map, as the modules they are (a name stands for the module and everything under it).
PAGES = ("jobs.views", "jobs.urls", "jobs.templatetags")
PARTS = {
    "Project": ("musicgen",),
    "Shared": ("plumbing",),
    "Rules": ("generation",),
    "Engine": ("engine",),
    "Teams": ("teams",),
    "Jobs": ("jobs",),  # less the pages
    "Pages": PAGES,
    "Api": ("api",),
    "Localgen": ("localgen",),
    "Bench": ("bench",),
}

# The map's "never" arrows (shared/architecture.json), kept here so the check needs nothing outside the clone;
# test_these_are_the_maps_never_arrows compares them with the map wherever it lies beside the clone.
NEVER = [
    ("Jobs", "Localgen", "the app reaches the generator only over HTTP"),
    ("Jobs", "Engine", "the app reaches the generator only over HTTP"),
    ("Jobs", "Api", "the API sits on top of jobs"),
    ("Jobs", "Pages", "services never call views"),
    ("Jobs", "Project", "apps use celery current_app, not the wiring"),
    ("Localgen", "Project", "apps use celery current_app, not the wiring"),
    ("Teams", "Project", "apps use celery current_app, not the wiring"),
    ("Api", "Pages", "the API shares services, not the HTML views"),
    ("Localgen", "Jobs", "the stand-in knows nothing of the app"),
    ("Localgen", "Teams", "the stand-in knows nothing of the app"),
    ("Localgen", "Api", "the stand-in knows nothing of the app"),
    ("Teams", "Jobs", "teams know no jobs; ExplainedError lives in Shared"),
    ("Teams", "Api", "teams know no API"),
    ("Engine", "Jobs", "the engine is pure"),
    ("Engine", "Localgen", "the engine is pure"),
    ("Engine", "Project", "the engine knows no Django"),
    ("Engine", "Shared", "the engine knows no Django"),
    ("Rules", "Shared", "rules are pure Python"),
    ("Rules", "Project", "rules are pure Python"),
    ("Rules", "Engine", "rules are pure Python"),
    ("Shared", "Jobs", "plumbing imports no app"),
    ("Shared", "Localgen", "plumbing imports no app"),
    ("Shared", "Teams", "plumbing imports no app"),
    ("Jobs", "Bench", "nothing shipped imports bench"),
    ("Engine", "Bench", "nothing shipped imports bench"),
    ("Localgen", "Bench", "nothing shipped imports bench"),
]

# Beyond the map's arrows between our parts: the engine and the rules run without Django.
NEVER_EXTERNAL = [("Engine", "django"), ("Rules", "django")]

CONTRACT_TYPES = {"forbidden": ForbiddenContract, "layers": LayersContract, "independence": IndependenceContract}


@pytest.fixture(scope="module")
def configuration():
    return importlinter.read_configuration(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def contracts(configuration):
    session = configuration["session_options"]
    return [
        CONTRACT_TYPES[options["type"]](name=options["name"], session_options=session, contract_options=options)
        for options in configuration["contracts_options"]
    ]


@pytest.fixture(scope="module")
def graph(configuration):
    session = configuration["session_options"]
    assert session.get("include_external_packages") in ("true", "True"), "the engine's no-Django contract needs it"
    return grimp.build_graph(*session["root_packages"], include_external_packages=True, cache_dir=None)


def modules_of(graph, part):
    names = PARTS[part]
    modules = {module for module in graph.modules if any(module == n or module.startswith(n + ".") for n in names)}
    if part == "Jobs":
        modules -= set(modules_of(graph, "Pages"))
    return sorted(modules)


def named_imports(metadata):
    """Every (importer, imported) pair a contract check's report names, at any depth of its chains."""
    found = set()
    stack = [metadata]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("importer"), str) and isinstance(item.get("imported"), str):
                found.add((item["importer"], item["imported"]))
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return found


def broken(contracts, graph):
    """The contracts the graph breaks, each with the imports its report names."""
    checks = ((contract, contract.check(copy.deepcopy(graph), verbose=False)) for contract in contracts)
    return {contract.name: named_imports(check.metadata) for contract, check in checks if not check.kept}


def caught(contracts, graph, importer, imported):
    """Whether adding `importer -> imported` breaks a contract whose report names that import."""
    probe = copy.deepcopy(graph)
    probe.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    for contract in contracts:
        # A contract that ignores imports removes them from the graph it checks: it gets a copy of its own.
        check = contract.check(copy.deepcopy(probe) if contract.ignore_imports else probe, verbose=False)
        if not check.kept and (importer, imported) in named_imports(check.metadata):
            return True
    return False


def probes(graph, sources, targets):
    """Every source module to one target module, and one source module to every target module."""
    return [(source, targets[0]) for source in sources] + [(sources[0], target) for target in targets[1:]]


def test_the_tree_breaks_no_import_contract(contracts, graph):
    found = broken(contracts, graph)
    report = "\n".join(
        f"{name}:\n" + "\n".join(f"    {importer} -> {imported}" for importer, imported in sorted(imports))
        for name, imports in found.items()
    )
    assert not found, f"broken import contracts (run `make lint` for the chains):\n{report}"


@pytest.mark.parametrize(("source", "target", "reason"), NEVER, ids=[f"{s}-never-{t}" for s, t, _ in NEVER])
def test_a_contract_breaks_on_each_import_the_map_forbids(contracts, graph, source, target, reason):
    sources, targets = modules_of(graph, source), modules_of(graph, target)
    assert sources and targets, f"{source} or {target} has no module in the graph"
    missed = [f"{a} -> {b}" for a, b in probes(graph, sources, targets) if not caught(contracts, graph, a, b)]
    assert not missed, f"{source} never imports {target} ({reason}), yet no contract breaks on: {missed}"


@pytest.mark.parametrize(("source", "package"), NEVER_EXTERNAL, ids=[f"{s}-never-{p}" for s, p in NEVER_EXTERNAL])
def test_a_contract_breaks_when_the_engine_or_the_rules_import_django(contracts, graph, source, package):
    missed = [module for module in modules_of(graph, source) if not caught(contracts, graph, module, package)]
    assert not missed, f"no contract breaks when these import {package}: {missed}"


def test_a_new_jobs_module_breaks_the_contracts_until_placed_as_a_page_or_below_them(contracts, graph):
    probe = copy.deepcopy(graph)
    probe.add_module("jobs.newcomer")
    assert any("Services never call views" in name for name in broken(contracts, probe))


def test_the_parts_and_arrows_here_are_the_maps():
    """The map lives outside the repository (shared/ beside the clone); where it is absent this says so."""
    found = [d / "shared" / "architecture.json" for d in ROOT.parents if (d / "shared" / "architecture.json").is_file()]
    if not found:
        pytest.skip("no shared/architecture.json beside the clone: the copy of its never-arrows above is unchecked")
    the_map = json.loads(found[0].read_text())
    assert set(the_map["parts"]) == set(PARTS)
    assert {(a, b) for a, b, *_ in the_map["never"]} == {(a, b) for a, b, _ in NEVER}
