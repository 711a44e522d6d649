"""The extension's page (Marketplace, VS Code's extension view): an icon vsce accepts, shipped in the
package, and a README whose images resolve there (absolute links: a relative one is broken on that page)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess

import pytest
from conftest import ROOT

PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))


def test_icon_is_a_png_of_at_least_128_pixels_and_is_shipped():
    icon = ROOT / PACKAGE["icon"]
    data = icon.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"  # vsce refuses SVG icons
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width == height >= 128
    # packaged: staged by scripts/package_vsix.py and not excluded by .vscodeignore
    src = (ROOT / "scripts" / "package_vsix.py").read_text(encoding="utf-8")
    assert f'"{PACKAGE["icon"]}"' in src.split("SHIPPED = ", 1)[1].split(")", 1)[0]
    assert f"!{PACKAGE['icon']}" in (ROOT / ".vscodeignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_extension_readme_has_absolute_image_links(tmp_path):
    out = tmp_path / "README.md"
    subprocess.run(["node", str(ROOT / "scripts" / "extension_readme.mjs"), str(out)], check=True, capture_output=True)
    source = (ROOT / "docs" / "readme" / "extension.md").read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)
    assert len(links) == len(re.findall(r"!\[[^\]]*\]\(", source)) >= 1
    repo = re.search(r"github\.com/([^/]+/[^/.]+)", PACKAGE["repository"]["url"]).group(1)
    for link in links:
        assert link.startswith(f"https://raw.githubusercontent.com/{repo}/HEAD/docs/img/"), link
        assert (ROOT / "docs" / "img" / link.rsplit("/", 1)[1]).is_file()  # each names a committed image
    # nothing else changed
    assert re.sub(r"\]\([^)]*img/", "](img/", text) == re.sub(r"\]\([^)]*img/", "](img/", source)
