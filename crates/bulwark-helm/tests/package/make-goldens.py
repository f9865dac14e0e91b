#!/usr/bin/env python3
"""Packs every chart of ../shared/corpus/charts (and the fixtures beside this script) with the
Helm v4 SDK oracle and writes helm-goldens.tsv: one line per chart,

    <chart path>\t<archive file name>\t<sha256 of the normalized tar stream>
    <chart path>\terror\t<Helm's error>

Normalized: the gzip layer removed, every header's mtime set to 0 and its checksum recomputed,
subchart blocks put in name order (Helm writes subcharts in Go map order, which varies from run
to run). bulwark's archive, normalized the same way, must hash the same (tests/package.rs).

Run from the repository root:
    eval "$(bash ../shared/tools/install-peers.sh --env)"
    "$HELM_PY" crates/bulwark-helm/tests/package/make-goldens.py
"""
import gzip
import hashlib
import json
import os
import sys
import tempfile

import helm_python as helm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
SHARED = os.environ.get("BULWARK_SHARED", os.path.join(ROOT, "..", "shared"))
BLOCK = 512


def entries(tar):
    """(path, [raw blocks of the entry: pax header, header, data]) in stream order."""
    out, pos, pending = [], 0, None
    while pos + BLOCK <= len(tar):
        hdr = tar[pos : pos + BLOCK]
        if hdr == b"\0" * BLOCK:
            break
        size = int(hdr[124:136].rstrip(b"\0 ") or b"0", 8)
        span = BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
        raw = tar[pos : pos + span]
        data = tar[pos + BLOCK : pos + BLOCK + size]
        pos += span
        if hdr[156:157] == b"x":
            pending = (raw, data)
            continue
        name = hdr[0:100].split(b"\0")[0].decode()
        prefix = hdr[345:500].split(b"\0")[0].decode()
        path = f"{prefix}/{name}" if prefix else name
        blocks = [raw]
        if pending:
            for rec in pending[1].decode().splitlines():
                key, _, value = rec.split(" ", 1)[1].partition("=")
                if key == "path":
                    path = value
            blocks.insert(0, pending[0])
            pending = None
        out.append((path, blocks))
    return out


def order_key(path):
    parts = path.split("/")
    key = []
    for i in range(1, len(parts) - 2):
        if parts[i] == "charts":
            key.append(parts[i + 1])
    return key


def zero_mtime(raw):
    b = bytearray(raw[:BLOCK])
    b[136:148] = b"00000000000\0"
    b[148:156] = b" " * 8
    b[148:155] = ("%06o" % sum(b)).encode() + b"\0"
    b[155:156] = b" "
    return bytes(b) + raw[BLOCK:]


def normalized_digest(tgz_bytes):
    tar = gzip.decompress(tgz_bytes)
    ents = entries(tar)
    ents.sort(key=lambda e: order_key(e[0]))
    h = hashlib.sha256()
    for _, blocks in ents:
        for raw in blocks:
            h.update(zero_mtime(raw))
    h.update(b"\0" * (2 * BLOCK))
    return h.hexdigest()


def chart_dirs():
    corpus = os.path.join(SHARED, "corpus", "charts")
    index = json.load(open(os.path.join(corpus, "INDEX.json")))
    for c in index["charts"]:
        if not os.path.isdir(os.path.join(corpus, c["id"])):
            continue  # listed in INDEX.json but not shipped
        yield f"corpus/charts/{c['id']}", os.path.join(corpus, c["id"])
    fixtures = os.path.join(HERE, "charts")
    for name in sorted(os.listdir(fixtures)):
        yield f"fixtures/{name}", os.path.join(fixtures, name)


def main():
    lines = []
    for rel, path in chart_dirs():
        with tempfile.TemporaryDirectory() as dest:
            try:
                out = helm.package(path, destination=dest)
            except helm.HelmError as e:
                msg = str(e).replace("\t", " ").replace("\n", " ")
                lines.append(f"{rel}\terror\t{msg}")
                continue
            data = open(out, "rb").read()
            lines.append(f"{rel}\t{os.path.basename(out)}\t{normalized_digest(data)}")
    with open(os.path.join(HERE, "helm-goldens.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} charts", file=sys.stderr)


if __name__ == "__main__":
    main()
