"""The .vsix packages hold what their platform needs, and nothing for another platform.

Run after building them: `npm run package:check` (scripts/check-vsix.sh), or
`.venv/bin/python -m pytest tests/check_vsix_packages.py`. Not collected by a plain `pytest` run (its
name is not test_*.py): it needs the packages, which `npm run package` (scripts/package_vsix.py) builds
into build/vsix/. LEARNABILITY_VSIX_DIR points elsewhere; LEARNABILITY_VSIX_TARGETS=linux-x64,universal
checks only those (default: every target, and a missing package fails).

Each package is opened as the zip it is. What a native module for a platform looks like is this file's
own knowledge (file name suffixes, the machine in the ELF / PE / Mach-O header, the C library an ELF
module needs), not the build script's: the build says which CPython versions each target carries, and
this test checks the package holds exactly those, built for its platform.
"""

from __future__ import annotations

import importlib.util
import os
import re
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
VSIX_DIR = Path(os.environ.get("LEARNABILITY_VSIX_DIR") or ROOT / "build" / "vsix")
LIBS = "extension/bundled/libs/"
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


def _build_script():
    spec = importlib.util.spec_from_file_location("package_vsix", ROOT / "scripts" / "package_vsix.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


BUILD = _build_script()


@dataclass(frozen=True)
class Platform:
    binary: str  # elf | pe | macho
    machine: int  # ELF e_machine, PE Machine, Mach-O cputype
    module: str  # an extension module's file name ends with this; {v} is the CPython version without dot
    libc: str | None = None  # ELF: the C library the module needs
    markers: tuple[tuple[str, str], ...] = ()  # PEP 508 environment of that platform


LINUX = (("sys_platform", "linux"), ("platform_system", "Linux"), ("os_name", "posix"))
WINDOWS = (("sys_platform", "win32"), ("platform_system", "Windows"), ("os_name", "nt"))
MACOS = (("sys_platform", "darwin"), ("platform_system", "Darwin"), ("os_name", "posix"))
PLATFORMS = {
    "linux-x64": Platform("elf", 62, ".cpython-{v}-x86_64-linux-gnu.so", "libc.so.6", LINUX + (("platform_machine", "x86_64"),)),
    "linux-arm64": Platform("elf", 183, ".cpython-{v}-aarch64-linux-gnu.so", "libc.so.6",
                            LINUX + (("platform_machine", "aarch64"),)),
    # CPython 3.10 on musl names its extension modules -linux-gnu too (the -linux-musl tag came with 3.11):
    # the C library the module needs tells them apart
    "alpine-x64": Platform("elf", 62, ".cpython-{v}-x86_64-linux-musl.so", "libc.musl-x86_64.so.1",
                           LINUX + (("platform_machine", "x86_64"),)),
    "win32-x64": Platform("pe", 0x8664, ".cp{v}-win_amd64.pyd", None, WINDOWS + (("platform_machine", "AMD64"),)),
    "win32-arm64": Platform("pe", 0xAA64, ".cp{v}-win_arm64.pyd", None, WINDOWS + (("platform_machine", "ARM64"),)),
    "darwin-x64": Platform("macho", 0x01000007, ".cpython-{v}-darwin.so", None, MACOS + (("platform_machine", "x86_64"),)),
    "darwin-arm64": Platform("macho", 0x0100000C, ".cpython-{v}-darwin.so", None, MACOS + (("platform_machine", "arm64"),)),
}


def module_suffixes(target: str, version: str) -> tuple[str, ...]:
    v = version.replace(".", "")
    own = PLATFORMS[target].module.format(v=v)
    if target == "alpine-x64" and version == "3.10":
        return own, ".cpython-310-x86_64-linux-gnu.so"
    return (own,)


# --------------------------------------------------------------------------- native binary headers
def binary_facts(data: bytes) -> tuple[str, set[int], set[str]]:
    """(format, machines, needed libraries) of a native file: ELF, PE or Mach-O (thin or fat)."""
    if data[:4] == b"\x7fELF":
        return "elf", {struct.unpack_from("<H", data, 18)[0]}, _elf_needed(data)
    if data[:2] == b"MZ":
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        assert data[pe:pe + 4] == b"PE\0\0", "an MZ file without a PE header"
        return "pe", {struct.unpack_from("<H", data, pe + 4)[0]}, set()
    magic = data[:4]
    if magic == b"\xcf\xfa\xed\xfe":  # 64-bit Mach-O, little endian
        return "macho", {struct.unpack_from("<i", data, 4)[0]}, set()
    if magic == b"\xca\xfe\xba\xbe":  # a fat (universal) Mach-O: one entry per architecture
        count = struct.unpack_from(">I", data, 4)[0]
        return "macho", {struct.unpack_from(">i", data, 8 + 20 * k)[0] for k in range(count)}, set()
    return "unknown", set(), set()


def _elf_needed(data: bytes) -> set[str]:
    """DT_NEEDED entries of a 64-bit little-endian ELF file (its section headers' .dynamic and .dynstr)."""
    assert data[4] == 2 and data[5] == 1, "not a 64-bit little-endian ELF file"
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)]
    needed = set()
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link]
        for k in range(size // (entsize or 16)):
            tag, value = struct.unpack_from("<qQ", data, offset + k * 16)
            if tag == 1:  # DT_NEEDED
                start = strtab[4] + value
                needed.add(data[start:data.index(b"\0", start)].decode())
    return needed


# --------------------------------------------------------------------------- the packages
def _targets() -> list[str]:
    wanted = os.environ.get("LEARNABILITY_VSIX_TARGETS")
    return [t.strip() for t in wanted.split(",") if t.strip()] if wanted else list(BUILD.TARGETS)


@pytest.fixture(scope="module", params=_targets())
def package(request) -> tuple[str, zipfile.ZipFile]:
    target = request.param
    path = VSIX_DIR / f"learnability-{target}.vsix"
    assert path.is_file(), f"{path} is missing: build it with `npm run package` (or scripts/package-vsix.sh {target})"
    with zipfile.ZipFile(path) as z:
        yield target, z


def test_the_manifest_names_its_platform(package):
    target, z = package
    manifest = z.read("extension.vsixmanifest").decode()
    identity = re.search(r"<Identity [^>]*>", manifest).group(0)
    if target == "universal":
        assert "TargetPlatform" not in identity
    else:
        assert f'TargetPlatform="{target}"' in identity
    names = set(z.namelist())
    for needed in ("extension/package.json", "extension/dist/extension.js", "extension/bundled/tool/server.py",
                   "extension/docs/rules.md",  # the rule links' target (initializationOptions.rulesDocument)
                   LIBS + "common/learnability/cli.py", LIBS + "common/pygls/__init__.py",
                   LIBS + "common/lsprotocol/types.py"):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_it_holds_libcst_for_exactly_its_cpython_versions(package):
    target, z = package
    names = z.namelist()
    folders = sorted({n[len(LIBS):].split("/")[0] for n in names if n.startswith(LIBS) and n[len(LIBS):].startswith("cp")})
    expected = ["cp" + v.replace(".", "") for v in BUILD.TARGETS[target].pythons]
    assert folders == sorted(expected)
    if target == "universal":
        assert expected == [] and not [n for n in names if "/libcst/" in n]
        return
    assert len(expected) >= 3, "a platform package carries libcst for most supported CPython versions"
    for version in BUILD.TARGETS[target].pythons:
        tag = "cp" + version.replace(".", "")
        native = [n for n in names if n.startswith(f"{LIBS}{tag}/libcst/native.")]
        assert len(native) == 1 and native[0].endswith(module_suffixes(target, version)), native
        assert f"{LIBS}{tag}/libcst/__init__.py" in names


def test_every_native_file_is_built_for_its_platform_and_cpython(package):
    target, z = package
    native = [n for n in z.namelist() if n.endswith(NATIVE_SUFFIXES) or re.search(r"\.so\.\d+$", n)]
    if target == "universal":
        assert native == []
        return
    platform = PLATFORMS[target]
    assert native
    for name in native:
        rel = name[len(LIBS):]
        tag = rel.split("/")[0]
        assert name.startswith(LIBS) and re.fullmatch(r"cp3\d+", tag), f"{name}: native code outside a cp3XX folder"
        version = f"3.{tag[3:]}"
        kind, machines, needed = binary_facts(z.read(name))
        assert kind == platform.binary and machines == {platform.machine}, f"{name}: {kind} {machines}"
        if ".libs/" in rel or ".dylibs/" in rel:  # libraries auditwheel / delocate / delvewheel vendored
            continue
        assert name.endswith(module_suffixes(target, version)), f"{name}: not an extension module for CPython {version}"
        if platform.libc:
            other = {"libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"} - {platform.libc}
            assert platform.libc in needed and not (needed & other), f"{name} needs {sorted(needed)}"


def test_every_bundled_requirement_is_bundled_for_that_platform(package):
    """Each distribution's requirements (markers evaluated for the package's platform and each CPython
    version it carries) are in the package, but for those the build declares optional for the platform
    (the server never imports them: the next test checks that); in the universal package libcst and its
    requirements come from the interpreter."""
    target, z = package
    names = z.namelist()
    metadata = {n: z.read(n).decode().replace("\r\n", "\n") for n in names
                if n.startswith(LIBS) and n.endswith(".dist-info/METADATA")}
    versions = BUILD.TARGETS[target].pythons or BUILD.PYTHONS
    optional = {_norm(name) for name in BUILD.TARGETS[target].optional}
    for version in versions:
        tag = "cp" + version.replace(".", "")
        folders = (LIBS + "common/", LIBS + tag + "/") if target != "universal" else (LIBS + "common/",)
        dists = {}
        for path, text in metadata.items():
            if path.startswith(folders):
                dists[_norm(re.search(r"^Name: (.+)$", text, re.M).group(1))] = text
        env = default_environment()
        env.update({"python_version": version, "python_full_version": version + ".0", "implementation_name": "cpython",
                    "platform_python_implementation": "CPython", "extra": ""})
        env.update(dict(PLATFORMS[target].markers) if target != "universal" else {})
        missing = []
        for dist, text in dists.items():
            for line in re.findall(r"^Requires-Dist: (.+)$", text, re.M):
                req = Requirement(line)
                if req.marker is not None and not req.marker.evaluate(env):
                    continue
                if _norm(req.name) not in dists and _norm(req.name) not in optional:
                    missing.append(f"{dist} needs {req} (CPython {version})")
        assert missing == []
        if target != "universal":
            assert "libcst" in dists


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("target", [t for t in _targets() if t in ("universal", BUILD.host_target())])
def test_the_package_for_this_machine_runs_the_server_from_its_own_libraries(target, tmp_path):
    """Unpacked, the package's libraries serve this machine's Python: the platform package's own libcst
    (it parses), or, in the universal package, the interpreter's libcst."""
    with zipfile.ZipFile(VSIX_DIR / f"learnability-{target}.vsix") as z:
        z.extractall(tmp_path)
    libs = tmp_path / LIBS
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    code = (
        "import sys, libcst, pygls, learnability.cli\n"
        "libcst.parse_module('x = 1\\n')\n"
        "import pygls.lsp.server, learnability.lsp.main, learnability.engine\n"
        "learnability.engine.Analyzer().analyze('from tensorflow import keras\\nm = keras.Sequential()\\n', 'x.py')\n"
        "assert 'yaml' not in sys.modules and 'yaml_ft' not in sys.modules, 'the server imported yaml'\n"
        "print(libcst.__file__); print(pygls.__file__); print(learnability.cli.__file__)\n"
    )
    paths = [str(libs / tag), str(libs / "common")] if target != "universal" else [str(libs / "common")]
    proc = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path[0:0] = {paths!r}\n" + code],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    libcst_file, pygls_file, cli_file = proc.stdout.split()
    assert pygls_file.startswith(str(libs / "common")) and cli_file.startswith(str(libs / "common"))
    if target == "universal":
        assert not libcst_file.startswith(str(tmp_path))  # the interpreter's own
    else:
        assert libcst_file.startswith(str(libs / tag))
