"""The custody log's hash chain, recomputed without the platform (docs/evidence.md).

An entry's hash is the SHA-256 of its canonical text: these fields, one a line, joined by "\n"
with no final newline (an absent actor field is an empty line):

    suishoupai-custody-v1, serial, seq, at, action, actor.role, actor.sub, actor.name,
    actor.agency_id, actor.agency_name, subject, prev

The first entry's `prev` is 64 zeros; each later `prev` is the hash before it; `seq` runs 1, 2, ...
A report with evidence starts with its seal (action "seal"). Standard library only.
"""

import hashlib

GENESIS = "0" * 64
FORMAT = "suishoupai-custody-v1"


def canonical(entry: dict) -> str:
    actor = entry.get("actor") or {}
    fields = [
        FORMAT,
        entry["serial"],
        str(entry["seq"]),
        entry["at"],
        entry["action"],
        actor.get("role") or "",
        actor.get("sub") or "",
        actor.get("name") or "",
        actor.get("agency_id") or "",
        actor.get("agency_name") or "",
        entry["subject"],
        entry["prev"],
    ]
    return "\n".join(fields)


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def problems(entries: list, sealed: bool) -> list:
    """What is wrong with the chain, in words; empty when it verifies."""
    if not entries:
        return ["the log is empty"]
    if sealed and entries[0].get("action") != "seal":
        return ["entry 1 is not the seal"]
    prev = GENESIS
    for i, entry in enumerate(entries):
        seq = entry.get("seq")
        if seq != i + 1:
            return [f"entry {seq}: expected number {i + 1} (an entry is missing or repeated)"]
        if entry.get("hash") != entry_hash(entry):
            return [f"entry {seq}: its hash is not the hash of its contents (rewritten)"]
        if entry.get("prev") != prev:
            return [f"entry {seq}: does not follow the entry before it"]
        prev = entry["hash"]
    return []
