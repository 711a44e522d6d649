"""Lines as Python counts them: one definition for the analysis, `--fix`, notebooks and the LSP.

CPython's tokenizer and libcst both end a line at "\\r\\n", "\\r" or "\\n" (checked: `ast.parse` and
`libcst.parse_module` give the same line numbers on CR-only, CRLF and LF text), and at nothing else:
a form feed is whitespace, U+2028, U+2029, U+0085 and \\x1c-\\x1e are ordinary characters (inside
strings and comments; elsewhere a syntax error). `str.splitlines` splits at all of those, so it must
not be used to count lines. The LSP specification uses the same three line ends.
"""

from __future__ import annotations

import re

EOL = re.compile(r"\r\n|\r|\n")


def to_lf(text: str) -> str:
    """The text with every line end as "\\n": same lines, same columns (an end is not in any column)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """The lines without their ends; a text ending with a line end has an empty last line."""
    return EOL.split(text)


def lines_with_ends(text: str) -> list[str]:
    """The lines with their own ends kept ("".join gives the text back); no empty last line."""
    out: list[str] = []
    pos = 0
    for m in EOL.finditer(text):
        out.append(text[pos:m.end()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def line_starts(text: str) -> list[int]:
    """The offset where each line starts (line 1 at index 0)."""
    return [0] + [m.end() for m in EOL.finditer(text)]


def ending_of_line(text: str, starts: list[int], line: int) -> str | None:
    """The end of 1-based `line` ("\\n", "\\r\\n" or "\\r"), None when it has none (the last line)."""
    if line < len(starts):
        end = starts[line]
        return "\r\n" if text.startswith("\r\n", end - 2) else text[end - 1]
    return None


def dominant_ending(text: str) -> str:
    """The most common line end of `text` ("\\n" when it has none; ties go to the first seen)."""
    counts: dict[str, int] = {}
    for m in EOL.finditer(text):
        counts[m.group()] = counts.get(m.group(), 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "\n"


# what moves the bracket depth or the string state on a line (quotes, brackets, a comment, a backslash at the end)
_INTERESTING = re.compile(r"""\\\n?$|'''|\"\"\"|['"#()\[\]{}]""")


def scan_line(line: str, depth: int, quote: str | None) -> tuple[int, str | None, bool]:
    """Advance the bracket depth and string state over one line.

    Returns (depth, open triple quote or None, ends with a backslash continuation).
    Single-quoted strings end at the line's end; only triple quotes carry over.
    """
    pos = 0
    n = len(line)
    single: str | None = None
    while pos < n:
        m = _INTERESTING.search(line, pos)
        if m is None:
            break
        tok = m.group()
        pos = m.end()
        if quote is not None:  # inside a triple-quoted string
            if tok == quote and not _escaped(line, m.start()):
                quote = None
            continue
        if single is not None:
            if tok == single and not _escaped(line, m.start()):
                single = None
            continue
        if tok in ("'''", '"""'):
            quote = tok
        elif tok in ("'", '"'):
            single = tok
        elif tok == "#":
            break
        elif tok in "([{":
            depth += 1
        elif tok in ")]}":
            depth = max(0, depth - 1)
        elif tok.startswith("\\"):
            return depth, quote, True
    return depth, quote, False


def _escaped(line: str, idx: int) -> bool:
    count = 0
    idx -= 1
    while idx >= 0 and line[idx] == "\\":
        count += 1
        idx -= 1
    return count % 2 == 1
