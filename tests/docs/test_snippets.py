"""Code in the docs comes from compiled examples.

Every ```cpp, ```python and ```yaml block of README.md and docs/*.md, and every
```sh block of the docs in SH_CHECKED, must be an excerpt of a file that is built
or run: each non-trivial line of the block (comments, blank lines and `...` lines
ignored; whitespace runs compared as one space) must appear, in the block's order,
in one file under examples/ (C++ sources for ```cpp, Python files for ```python,
YAML files for ```yaml, shell scripts for ```sh; the examples build compiles and
ctest runs them). A doctest block (lines starting
with `>>>`) is checked by its code lines only.

An HTML comment directly before a block (blank lines between allowed) changes that:

    <!-- snippet: from tests/python/test_h5py.py -->
        the block is an excerpt of that repository file instead (for docs that
        document a library header or a test); several paths may be given,
        separated by commas
    <!-- snippet: doctest tests/python/test_h5py.py -->
        the block is a doctest that the named test runs (the test must name
        this doc and use doctest)
    <!-- snippet: not compiled (reason) -->
        a deliberate exception: not checked; the reason is required

Run by ctest as `docs_snippets`; `/usr/bin/python3 tests/docs/test_snippets.py`
prints the same report (every block, backed or not, and the exceptions).
"""

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# Fence languages that are checked, and the source files that can back them.
LANGUAGES = {
    "cpp": (".cc", ".cpp", ".cxx", ".h", ".hpp", ".ipp"),
    "c++": (".cc", ".cpp", ".cxx", ".h", ".hpp", ".ipp"),
    "python": (".py",),
    "yaml": (".yaml", ".yml"),
    "sh": (".sh",),
}
# Shell blocks are checked in these docs only: their commands are the ones a reader runs
# as written (examples/readme_tour.sh, examples/datamodel_syntax.sh, which ctest runs).
# Elsewhere (cli.md, scale-out.md, ...) they show options on files the reader names.
SH_CHECKED = {"README.md", "docs/datamodel-syntax.md"}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+#-]*)")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$")
NOT_COMPILED = re.compile(r"^not compiled\s*\((.+)\)$")
FROM = re.compile(r"^from\s+(.+)$")
DOCTEST = re.compile(r"^doctest\s+(\S+)$")


@dataclass
class Block:
    doc: Path
    line: int          # 1-based line of the opening fence
    lang: str
    lines: list        # raw lines of the block
    marker: str = ""   # text of a snippet marker directly before it, if any


@dataclass
class Result:
    block: Block
    status: str                      # "backed", "doctest", "exception", "unbacked", "invalid"
    source: str = ""                 # backing file (repo-relative) or the exception's reason
    missing: list = field(default_factory=list)
    checked: int = 0                 # code lines compared


def docs():
    """README.md and docs/*.md, in a stable order."""
    return [REPO / "README.md"] + sorted((REPO / "docs").glob("*.md"))


def extract(text, doc=Path("<text>")):
    """All fenced blocks of a Markdown text, with the marker before each; raises
    ValueError for a marker that is not directly followed by a block."""
    blocks = []
    lines = text.splitlines()
    pending = None  # (line, marker text) waiting for its block
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m:
            if pending:
                raise ValueError(f"{doc}:{pending[0]}: snippet marker not followed by a code block")
            pending = (i + 1, m.group(1))
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            indent, fence, lang = f.groups()
            body = []
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", lines[j]):
                body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
                j += 1
            blocks.append(Block(doc, i + 1, lang.lower(), body, pending[1] if pending else ""))
            pending = None
            i = j + 1
            continue
        if pending and line.strip():
            raise ValueError(f"{doc}:{pending[0]}: snippet marker not followed by a code block")
        i += 1
    if pending:
        raise ValueError(f"{doc}:{pending[0]}: snippet marker not followed by a code block")
    return blocks


def _strip_comment(line, lang):
    """The line without its trailing comment (`//` or `/* */` for C++, `#` for Python and YAML),
    ignoring comment characters inside string and character literals."""
    out = []
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < len(line):
                out.append(line[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            out.append(c)
        elif lang == "python" and c == "#":
            break
        elif lang in ("yaml", "sh") and c == "#" and (i == 0 or line[i - 1].isspace()):
            break
        elif lang == "cpp" and line.startswith("//", i):
            break
        elif lang == "cpp" and line.startswith("/*", i):
            end = line.find("*/", i + 2)
            if end < 0:
                break
            i = end + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def normalise(line, lang):
    """What is compared: the code of a line without comment, whitespace runs as one space."""
    return " ".join(_strip_comment(line, "cpp" if lang == "c++" else lang).split())


def is_trivial(norm):
    return norm == "" or norm in ("...", "…") or norm.startswith("#!")


def code_lines(block):
    """The lines of a block that must be backed, normalised; doctest output is dropped."""
    lines = block.lines
    if any(l.lstrip().startswith(">>>") for l in lines):
        lines = [re.sub(r"^\s*(>>>|\.\.\.)( |$)", "", l) for l in lines if re.match(r"^\s*(>>>|\.\.\.)( |$)", l)]
    out = []
    for l in lines:
        n = normalise(l, block.lang)
        if not is_trivial(n):
            out.append(n)
    return out


_cache = {}


def file_lines(path, lang):
    key = (path, lang)
    if key not in _cache:
        text = path.read_text(encoding="utf-8", errors="replace")
        _cache[key] = [n for n in (normalise(l, lang) for l in text.splitlines()) if n]
    return _cache[key]


def match(needles, haystack):
    """The lines of `needles` that `haystack` does not contain in order (a greedy
    subsequence match: each line is looked for after the previous one found)."""
    pos = 0
    missing = []
    for n in needles:
        try:
            pos = haystack.index(n, pos) + 1
        except ValueError:
            missing.append(n)
    return missing


def candidates(lang):
    exts = LANGUAGES[lang]
    files = []
    for root, dirs, names in os.walk(EXAMPLES):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        files += [Path(root) / n for n in sorted(names) if n.endswith(exts)]
    return files


def check(block):
    lang = "cpp" if block.lang == "c++" else block.lang
    if block.marker:
        m = NOT_COMPILED.match(block.marker)
        if m:
            if not m.group(1).strip():
                return Result(block, "invalid", "a 'not compiled' marker needs a reason")
            return Result(block, "exception", m.group(1).strip())
        m = DOCTEST.match(block.marker)
        if m:
            path = (REPO / m.group(1)).resolve()
            if not path.is_file() or REPO not in path.parents:
                return Result(block, "invalid", f"'{m.group(1)}' is not a file of the repository")
            text = path.read_text(encoding="utf-8", errors="replace")
            if "doctest" not in text or Path(block.doc).name not in text:
                return Result(block, "invalid", f"'{m.group(1)}' does not run {block.doc} as a doctest")
            if not code_lines(block) or not any(l.lstrip().startswith(">>>") for l in block.lines):
                return Result(block, "invalid", "a 'doctest' marker on a block without '>>>' lines")
            return Result(block, "doctest", m.group(1))
        m = FROM.match(block.marker)
        if not m:
            return Result(block, "invalid", f"unknown snippet marker '{block.marker}' "
                          "(use 'from <path>', 'doctest <test>' or 'not compiled (<reason>)')")
        files = []
        for p in (s.strip() for s in m.group(1).split(",")):
            path = (REPO / p).resolve()
            if not path.is_file() or REPO not in path.parents or path.suffix == ".md":
                return Result(block, "invalid", f"'{p}' is not a source file of the repository")
            files.append(path)
    else:
        files = candidates(lang)
    needles = code_lines(block)
    if not needles:
        return Result(block, "invalid", "the block has no code lines")
    best = None
    for f in files:
        missing = match(needles, file_lines(f, lang))
        if best is None or len(missing) < len(best[1]):
            best = (f, missing)
        if not missing:
            break
    rel = str(best[0].relative_to(REPO)) if best else "(no candidate files)"
    if best and not best[1]:
        return Result(block, "backed", rel, [], len(needles))
    return Result(block, "unbacked", rel, best[1] if best else needles, len(needles))


def results(paths=None):
    out = []
    for doc in paths or docs():
        for block in extract(doc.read_text(encoding="utf-8"), doc.relative_to(REPO)):
            if block.lang in LANGUAGES and (block.lang != "sh" or str(block.doc) in SH_CHECKED):
                out.append(check(block))
    return out


def describe(r):
    where = f"{r.block.doc}:{r.block.line} ```{r.block.lang}"
    if r.status == "backed":
        return f"{where}: backed by {r.source} ({r.checked} lines)"
    if r.status == "doctest":
        return f"{where}: a doctest run by {r.source}"
    if r.status == "exception":
        return f"{where}: not compiled ({r.source})"
    if r.status == "invalid":
        return f"{where}: INVALID: {r.source}"
    lines = "\n".join(f"      {m}" for m in r.missing)
    closest = f" (closest: {r.source})" if len(r.missing) < r.checked else ""
    return (f"{where}: NOT BACKED by compiled code: {len(r.missing)} of {r.checked} lines not found in order "
            f"in one file{closest}:\n{lines}")


# ------------------------------------------------------------------------ tests

def test_extractor_finds_blocks_markers_and_doctests():
    text = "\n".join([
        "# T", "```cpp", "int a = 1; // one", "", "...", "```",
        "<!-- snippet: not compiled (an illustration) -->", "", "```python", "x = '#' # c", "```",
        "```python", ">>> y = 2", "2", "... z", "```", "```sh", "ls", "```",
    ])
    blocks = extract(text)
    assert [(b.lang, b.line) for b in blocks] == [("cpp", 2), ("python", 9), ("python", 12), ("sh", 17)]
    assert code_lines(blocks[0]) == ["int a = 1;"]
    assert blocks[1].marker == "not compiled (an illustration)"
    assert code_lines(blocks[1]) == ["x = '#'"]
    assert code_lines(blocks[2]) == ["y = 2", "z"]
    assert check(blocks[1]).status == "exception"


def test_extractor_rejects_stray_markers():
    for text in ["<!-- snippet: not compiled (x) -->\ntext\n```cpp\nint a;\n```",
                 "```cpp\nint a;\n```\n<!-- snippet: not compiled (x) -->"]:
        try:
            extract(text)
        except ValueError as e:
            assert "not followed by a code block" in str(e)
        else:
            raise AssertionError("a marker without its block was accepted")


def test_checker_reports_lines_not_in_examples():
    block = extract("```cpp\nauto reader = podml::io::makeReader(\"events*.h5\");\n"
                    "int podml_line_that_is_in_no_example = 0;\n```")[0]
    r = check(block)
    assert r.status == "unbacked"
    assert r.missing == ["int podml_line_that_is_in_no_example = 0;"]
    assert r.source.startswith("examples/")
    # Order matters: the same lines swapped are not an excerpt.
    swapped = extract("```cpp\nwriter.finish();\npodml::Frame event;\n```")[0]
    assert check(swapped).status == "unbacked"
    bad = extract("<!-- snippet: from README.md -->\n```cpp\nint a;\n```")[0]
    assert check(bad).status == "invalid"
    nowhere = extract("<!-- snippet: compiled somewhere -->\n```cpp\nint a;\n```")[0]
    assert check(nowhere).status == "invalid"
    not_a_doctest = extract("<!-- snippet: doctest tests/docs/test_snippets.py -->\n```python\n>>> 1\n1\n```",
                            Path("docs/" + "q" * 5 + ".md"))[0]  # a name no file mentions
    assert check(not_a_doctest).status == "invalid"


def test_readme_tour_blocks_come_from_examples():
    """README.md: every C++, Python and shell block is backed by examples/, none is an
    exception but the quick start's `make` lines (the Makefile runs them)."""
    rs = results([REPO / "README.md"])
    assert sum(r.block.lang in ("cpp", "c++") for r in rs) >= 2, "README.md lost its C++ tour"
    assert sum(r.block.lang == "python" for r in rs) >= 1, "README.md lost its Python tour"
    assert sum(r.block.lang == "sh" and r.status == "backed" for r in rs) >= 2, "README.md lost its command tour"
    bad = [describe(r) for r in rs if r.status != "backed" and not (r.block.lang == "sh" and r.status == "exception")]
    assert not bad, "README.md blocks not backed by examples/:\n" + "\n".join(bad)


def test_docs_blocks_are_backed_or_marked():
    rs = [r for r in results() if str(r.block.doc) != "README.md"]
    print("\n" + "\n".join(describe(r) for r in rs))
    bad = [describe(r) for r in rs if r.status in ("unbacked", "invalid")]
    assert not bad, ("docs/*.md blocks not backed by compiled code; excerpt them from a file under examples/, "
                     "or put '<!-- snippet: from <path> -->', '<!-- snippet: doctest <test> -->' or "
                     "'<!-- snippet: not compiled (reason) -->' "
                     "directly before the block:\n" + "\n".join(bad))


def main():
    rs = results()
    for r in rs:
        print(describe(r))
    counts = {s: sum(r.status == s for r in rs) for s in ("backed", "doctest", "exception", "unbacked", "invalid")}
    print(f"\n{len(rs)} blocks: {counts['backed']} backed, {counts['doctest']} doctests, "
          f"{counts['exception']} marked not compiled, "
          f"{counts['unbacked']} not backed, {counts['invalid']} invalid")
    return 1 if counts["unbacked"] or counts["invalid"] else 0


if __name__ == "__main__":
    sys.exit(main())
