"""Draft speed, printed as figures. Not a test: run it and read it.

    python bench/bench_drafts.py [--saves 50]

1. One autosave (atomic write: temp file, fsync, rename, fsync of the folder), plain and
   encrypted, median over N saves of a 20-answer draft; next to writing the same bytes with a
   bare open/write (no fsync), in the same run: the ratio is the price of never losing a draft.
2. Opening an encrypted draft (scrypt key derivation, n = 2**15), and the same with a wrong
   passphrase.
3. Listing a folder of N drafts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=50)
    runs = parser.parse_args().saves
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REVIEW_ASSISTANT_DATA"] = tmp
        from assistant.core import contract
        from assistant.core.drafts import DraftStore, DraftWrongPassphrase

        answers = {
            name: spec.values[0]
            for name, spec in list(contract.FACTS.items())[:20]
            if spec.kind != "date"
        }

        def timed_saves(store: DraftStore) -> tuple[float, bytes]:
            draft = store.new("salford", "bench")
            draft.set_answers(answers)
            store.save(draft)  # warm: key derivation, folder creation
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                path = store.save(draft)
                times.append(time.perf_counter() - t)
            return statistics.median(times) * 1000, path.read_bytes()

        plain_ms, data = timed_saves(DraftStore(Path(tmp) / "plain"))
        enc_ms, _ = timed_saves(DraftStore(Path(tmp) / "enc", passphrase="bench passphrase"))
        bare = []
        target = Path(tmp) / "bare.json"
        for _ in range(runs):
            t = time.perf_counter()
            with open(target, "wb") as handle:
                handle.write(data)
            bare.append(time.perf_counter() - t)
        bare_ms = statistics.median(bare) * 1000
        print(f"one autosave of a 20-answer draft (median of {runs}):")
        print(f"  bare open/write, no fsync:      {bare_ms:7.3f} ms")
        print(
            f"  atomic save (fsync x2, rename): {plain_ms:7.3f} ms   ratio {plain_ms / bare_ms:5.1f}x"
        )
        print(
            f"  atomic save, encrypted:         {enc_ms:7.3f} ms   (key derived once per session)"
        )

        enc = DraftStore(Path(tmp) / "enc", passphrase="bench passphrase")
        draft_id = enc.list()[0].id
        t = time.perf_counter()
        DraftStore(Path(tmp) / "enc").load(draft_id, passphrase="bench passphrase")
        open_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        try:
            DraftStore(Path(tmp) / "enc").load(draft_id, passphrase="wrong")
        except DraftWrongPassphrase:
            pass
        wrong_ms = (time.perf_counter() - t) * 1000
        print("opening an encrypted draft (scrypt n=2**15, r=8, p=1):")
        print(f"  right passphrase: {open_ms:7.1f} ms   wrong passphrase: {wrong_ms:7.1f} ms")

        many = DraftStore(Path(tmp) / "many")
        for _ in range(runs):
            draft = many.new("salford", "bench")
            draft.set_answers(answers)
            many.save(draft)
        t = time.perf_counter()
        listed = many.list()
        print(f"listing {len(listed)} drafts: {(time.perf_counter() - t) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
