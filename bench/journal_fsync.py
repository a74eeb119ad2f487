#!/usr/bin/env python3
"""Cost of one small write + fdatasync at the end of a journal file, by how the space ahead of
the write position was prepared: a sparse file (fjall's own `set_len` preallocation), blocks
written with zeros (Gannet's patched fjall fills a few MiB ahead), or fallocate'd extents.

usage: bench/journal_fsync.py [DIR] [WRITES]    (DIR must be on the filesystem to measure)
"""
import os
import sys
import tempfile
import time

SIZE = 64 * 1024 * 1024
RECORD = b"x" * 6000  # about one group commit of 25-item batches


def measure(folder: str, mode: str, writes: int) -> float:
    path = os.path.join(folder, f"journal-{mode}")
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY)
    try:
        if mode == "zeroed":
            chunk = b"\0" * (1 << 20)
            for _ in range(SIZE >> 20):
                os.write(fd, chunk)
        elif mode == "fallocated":
            os.posix_fallocate(fd, 0, SIZE)
        else:
            os.ftruncate(fd, SIZE)
        os.fsync(fd)
        os.lseek(fd, 0, os.SEEK_SET)
        start = time.perf_counter()
        for _ in range(writes):
            os.write(fd, RECORD)
            os.fdatasync(fd)
        return (time.perf_counter() - start) / writes * 1e6
    finally:
        os.close(fd)
        os.remove(path)


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    for _round in range(2):
        for mode in ("sparse", "zeroed", "fallocated"):
            print(f"{mode:10s} {measure(folder, mode, writes):6.0f} us per write+fdatasync")


if __name__ == "__main__":
    main()
