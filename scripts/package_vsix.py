"""Build the extension's .vsix packages: one per VS Code platform, with libcst's native build for that
platform and each supported CPython, and a platform-neutral one that uses the interpreter's own libcst.

    python scripts/package_vsix.py                      # every package -> build/vsix/learnability-<target>.vsix
    python scripts/package_vsix.py linux-x64 universal  # only these
    python scripts/package_vsix.py --bundle-only [T]    # fill bundled/libs for T (default: this machine's)

Run `npm ci`, then `npm run typecheck && npm run readme` first (`npm run package` does). The client is
bundled once (esbuild, production); then per target, what the package holds is staged in
build/stage/<target> (package.json, LICENSE, dist/, bundled/tool, docs/rules.md, the screenshots, and the server's Python
side in bundled/libs) and `vsce package --target T` packs that folder:

    bundled/libs/common   pure-Python dependencies (extension/python-requirements.txt) + the learnability package
    bundled/libs/cp3XX    libcst and PyYAML (extension/python-native-requirements.txt) built for CPython 3.X
                          on the target's platform; bundled/tool/server.py puts the right one on sys.path

The wheels come from `pip install --target --only-binary=:all: --platform ... --python-version 3.X`, so one
Python here builds every platform; each target's libraries are cached under build/python/ (rebuilt when the
requirements or the pip options change). tests/check_vsix_packages.py opens the packages and
checks what each holds. The checkout's own bundled/libs is filled only by --bundle-only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
OUT = BUILD / "vsix"
BUNDLED = ROOT / "bundled" / "libs"
PURE_REQUIREMENTS = ROOT / "extension" / "python-requirements.txt"
NATIVE_REQUIREMENTS = ROOT / "extension" / "python-native-requirements.txt"

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")  # the CPython versions the server supports, bundled where built


@dataclass(frozen=True)
class Target:
    platforms: tuple[str, ...]  # pip --platform tags, best first
    pythons: tuple[str, ...] = PYTHONS
    pins: dict[str, str] = field(default_factory=dict)  # requirement -> version, replacing the requirements file's
    optional: tuple[str, ...] = ()  # requirements left out where the platform has no wheel for a CPython version
    why: str = ""


TARGETS: dict[str, Target] = {
    "linux-x64": Target(("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")),
    "linux-arm64": Target(("manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64")),
    "alpine-x64": Target(("musllinux_1_2_x86_64", "musllinux_1_1_x86_64")),
    "win32-x64": Target(("win_amd64",)),
    "win32-arm64": Target(("win_arm64",), optional=("PyYAML", "pyyaml-ft"),
                          why="PyYAML has Windows ARM64 wheels only for CPython 3.12 and 3.14, pyyaml-ft none; "
                              "libcst imports them only in its `libcst.tool` command line, never in the server"),
    "darwin-x64": Target(("macosx_10_13_x86_64",), pythons=PYTHONS[:-1], pins={"libcst": "1.8.6", "PyYAML": "6.0.3"},
                         why="libcst 1.9 and PyYAML 6.0.4 publish no Intel macOS wheels; libcst 1.8.6 is the last "
                             "that does, for CPython 3.10 to 3.13"),
    "darwin-arm64": Target(("macosx_11_0_arm64",)),
    "universal": Target((), pythons=(), why="no native code: the server uses the interpreter's own libcst"),
}


def host_target() -> str | None:
    """The VS Code target of this machine (what `code` would download), None if there is none."""
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if arch is None:
        return None
    if sys.platform == "win32":
        return f"win32-{arch}"
    if sys.platform == "darwin":
        return f"darwin-{arch}"
    if sys.platform.startswith("linux"):
        musl = "musl" in (sysconfig.get_config_var("HOST_GNU_TYPE") or "") or Path("/etc/alpine-release").exists()
        return f"{'alpine' if musl else 'linux'}-{arch}"
    return None


def _requirements(path: Path, pins: dict[str, str], version: str) -> list[str]:
    """The requirement lines of `path` whose markers hold for CPython `version`, `pins` replacing versions."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"python_version": version,
                                                               "python_full_version": version + ".0"}):
            continue
        out.append(f"{req.name}=={pins[req.name]}" if req.name in pins else str(req).split(";")[0].strip())
    return out


def _pip(python: str, target_dir: Path, requirements: list[str], version: str, platforms: tuple[str, ...],
         abi: str | None) -> None:
    cmd = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile", "--no-deps",
           "--only-binary=:all:", "--implementation", "cp", "--python-version", version, "--target", str(target_dir)]
    if abi:
        cmd += ["--abi", abi]
    for tag in platforms:
        cmd += ["--platform", tag]
    proc = subprocess.run([*cmd, *requirements], capture_output=True, text=True)
    if proc.returncode != 0:
        # pip warns about every empty local mirror folder; keep its real errors
        errors = "\n".join(line for line in proc.stderr.splitlines() if "is ignored: it is neither" not in line)
        raise SystemExit(f"package_vsix: pip could not fetch {', '.join(requirements)} for CPython {version} "
                         f"({' '.join(platforms) or 'any platform'}):\n{errors}")


def _prune(folder: Path) -> None:
    """What pip leaves that the server never needs."""
    for pattern in ("bin", "**/__pycache__", "**/libcst/tests", "**/libcst/*/tests"):
        for p in list(folder.glob(pattern)):
            if p.is_dir():
                shutil.rmtree(p)


def _cached(folder: Path, key: str, build) -> Path:
    """`folder`, rebuilt by `build(folder)` unless its stamp says it was built from the same `key`."""
    stamp = folder / ".stamp"
    if stamp.is_file() and stamp.read_text() == key:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    build(folder)
    _prune(folder)
    stamp.write_text(key)
    return folder


def _key(*parts: object) -> str:
    """What a cached folder was built from (requirement files' text, the pip options)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.read_bytes() if isinstance(part, Path) else repr(part).encode())
    return h.hexdigest()[:16]


def common_libs(python: str) -> Path:
    # pure Python, resolved for the oldest supported version (backports under python_version markers apply)
    linux = TARGETS["linux-x64"].platforms
    return _cached(BUILD / "python" / "common", _key(PURE_REQUIREMENTS, PYTHONS[0], linux),
                   lambda d: _pip(python, d, _requirements(PURE_REQUIREMENTS, {}, PYTHONS[0]), PYTHONS[0], linux, None))


def native_libs(python: str, name: str, version: str) -> Path:
    target = TARGETS[name]
    tag = "cp" + version.replace(".", "")
    requirements = _requirements(NATIVE_REQUIREMENTS, target.pins, version)

    optional = {canonicalize_name(n) for n in target.optional}

    def build(folder: Path) -> None:
        needed = [r for r in requirements if canonicalize_name(Requirement(r).name) not in optional]
        _pip(python, folder, needed, version, target.platforms, tag)
        for r in requirements:
            if canonicalize_name(Requirement(r).name) in optional:  # bundled where the platform has a wheel
                try:
                    _pip(python, folder, [r], version, target.platforms, tag)
                except SystemExit:
                    print(f"  {name}: no {r} wheel for CPython {version}: left out ({target.why})")

    return _cached(BUILD / "python" / name / tag, _key(NATIVE_REQUIREMENTS, target, version), build)


def assemble(python: str, name: str, into: Path = BUNDLED) -> None:
    """bundled/libs for one target: common (+ the learnability package as it is now) and cp3XX folders."""
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(common_libs(python), into / "common", ignore=shutil.ignore_patterns(".stamp"))
    shutil.copytree(ROOT / "server" / "learnability", into / "common" / "learnability",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for version in TARGETS[name].pythons:
        tag = "cp" + version.replace(".", "")
        shutil.copytree(native_libs(python, name, version), into / tag, ignore=shutil.ignore_patterns(".stamp"))


# vsce scans every packaged file for secrets (a third of a minute of CPU for ~1,800 files). Two packages
# are scanned: universal (all of our own files and the pure-Python dependencies) and linux-x64 (those and
# libcst/PyYAML); the others differ from linux-x64 only in the libcst/PyYAML wheels for their platform.
SCANNED = ("universal", "linux-x64")
# docs/rules.md: what the editor's rule links open offline (the client sends it as initializationOptions.rulesDocument).
SHIPPED = ("package.json", "LICENSE", ".vscodeignore", "extension/icon.png", "dist/extension.js", "dist/README.md",
           "bundled/tool", "docs/rules.md")


def stage(python: str, name: str) -> Path:
    """build/stage/<target>: only what the package holds (vsce walks every file under its folder, the
    checkout's .venv and build/ included, before .vscodeignore filters them: minutes, not seconds)."""
    folder = BUILD / "stage" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for rel in SHIPPED:
        src, dst = ROOT / rel, folder / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif rel == "package.json":  # without its scripts: vsce would run vscode:prepublish (done already)
            manifest = json.loads(src.read_text(encoding="utf-8"))
            manifest.pop("scripts", None)
            dst.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            shutil.copy2(src, dst)
    for image in (ROOT / "docs" / "img").glob("vscode-*.png"):
        (folder / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copy2(image, folder / "docs" / "img" / image.name)
    assemble(python, name, folder / "bundled" / "libs")
    return folder


def vsce(name: str, folder: Path) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"learnability-{name}.vsix"
    out.unlink(missing_ok=True)
    exe = ROOT / "node_modules" / ".bin" / ("vsce.cmd" if os.name == "nt" else "vsce")
    if not exe.exists():
        raise SystemExit("package_vsix: node_modules/.bin/vsce is missing: run `npm ci` first")
    cmd = [str(exe), "package", "--no-dependencies", "--skip-license",
           "--readme-path", "dist/README.md", "--no-rewrite-relative-links", "-o", str(out)]
    if name != "universal":
        cmd += ["--target", name]
    if name not in SCANNED:
        cmd += ["--allow-package-all-secrets"]
    proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"package_vsix: vsce failed for {name}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"default: all of {', '.join(TARGETS)}")
    parser.add_argument("--bundle-only", action="store_true", help="only fill bundled/libs (default target: this machine's)")
    parser.add_argument("--python", default=sys.executable, help="the Python whose pip fetches the wheels")
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r} (known: {', '.join(TARGETS)})")
    host = host_target()
    if args.bundle_only:
        name = (args.targets or [host or "universal"])[0]
        assemble(args.python, name)
        print(f"bundled/libs: {name} ({', '.join(TARGETS[name].pythons) or 'no native libcst'})")
        return 0
    if not (ROOT / "dist" / "README.md").exists():
        raise SystemExit("package_vsix: dist/README.md is missing: run `npm run readme` first (npm run package does)")
    t_all = time.perf_counter()
    subprocess.run(["node", "extension/esbuild.mjs", "--production"], cwd=ROOT, check=True)  # vscode:prepublish
    for name in args.targets or list(TARGETS):
        t0 = time.perf_counter()
        out = vsce(name, stage(args.python, name))
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size / 1048576:.1f} MB, "
              f"CPython {', '.join(TARGETS[name].pythons) or '-'} ({time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"packages built in {time.perf_counter() - t_all:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
