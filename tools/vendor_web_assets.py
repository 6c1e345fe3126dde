"""Re-create (or verify) the vendored front-end assets of the web platform from the npm registry.

The web pages never load anything from a CDN: htmx, Leaflet, Vega, Vega-Lite and vega-embed are
copied into ``src/jasyl/web/static/vendor/<name>-<version>/`` with their licences. The manifest
``vendor.json`` there records, per package, the exact version, the npm tarball integrity and the
sha256 of every copied file.

    python tools/vendor_web_assets.py --check     # verify the files on disk against the manifest
    python tools/vendor_web_assets.py --fetch     # npm pack each package, check integrity, copy files

To move to a new version, edit ``version``/``directory``/``integrity`` in the manifest (``npm view
NAME@VERSION dist.integrity``), run ``--fetch`` and then ``--rehash``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "jasyl" / "web" / "static" / "vendor"
MANIFEST = VENDOR / "vendor.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(manifest: dict) -> list[str]:
    problems = []
    for pkg in manifest["packages"]:
        for entry in pkg["files"]:
            path = VENDOR / pkg["directory"] / entry["path"]
            if not path.is_file():
                problems.append(f"missing: {path}")
            elif _sha256(path) != entry["sha256"]:
                problems.append(f"changed: {path}")
    return problems


def fetch(manifest: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in manifest["packages"]:
            spec = f"{pkg['name']}@{pkg['version']}"
            out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", tmp], check=True,
                                 capture_output=True, text=True)
            info = json.loads(out.stdout)[0]
            tarball = Path(tmp) / info["filename"]
            algo, _, digest = pkg["integrity"].partition("-")
            actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
            if actual != digest:
                sys.exit(f"{spec}: tarball integrity mismatch ({actual} != {digest})")
            target = VENDOR / pkg["directory"]
            with tarfile.open(tarball) as tar:
                for entry in pkg["files"]:
                    member = tar.extractfile(entry["from"])
                    if member is None:
                        sys.exit(f"{spec}: {entry['from']} not in the tarball")
                    dest = target / entry["path"]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with dest.open("wb") as handle:
                        shutil.copyfileobj(member, handle)
            print(f"{spec}: {len(pkg['files'])} files -> {target.relative_to(VENDOR.parents[3])}")


def rehash(manifest: dict) -> None:
    for pkg in manifest["packages"]:
        for entry in pkg["files"]:
            path = VENDOR / pkg["directory"] / entry["path"]
            entry["sha256"] = _sha256(path)
            entry["bytes"] = path.stat().st_size
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--fetch", action="store_true")
    group.add_argument("--rehash", action="store_true")
    args = parser.parse_args()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    if args.fetch:
        fetch(manifest)
    if args.rehash:
        rehash(manifest)
    problems = check(manifest)
    for line in problems:
        print(line)
    if not problems:
        print(f"{sum(len(p['files']) for p in manifest['packages'])} vendored files match {MANIFEST.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
