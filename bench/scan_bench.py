#!/usr/bin/env python3
"""Full-table Scan throughput and server memory, for docs/benchmarks.md.

Loads N small items (~100 bytes, BatchWriteItem from several threads) into a fresh table, then
scans the whole table page by page (1 MB pages) with one segment and with several parallel
segments, reporting items/s, MB/s of item data, and the server's peak RSS while scanning.
Standard library only; loopback endpoints only.

Each segment is scanned by its own client process, so the client's JSON decoding does not
serialise the segments. `--select-count` scans with Select=COUNT: the server still reads every
1 MB page but sends no items, which measures the server's scan rate rather than the client's.

usage: bench/scan_bench.py --endpoint http://127.0.0.1:8000 --server-pid PID --items 1000000
"""
import argparse
import http.client
import json
import multiprocessing
import threading
import time
import urllib.parse

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/dynamodb/"
        "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)
VALUE = "x" * 88


class Client:
    def __init__(self, endpoint):
        u = urllib.parse.urlparse(endpoint)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)

    def call(self, op, body):
        data = json.dumps(body).encode()
        self.conn.request("POST", "/", data, {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810." + op,
            "X-Amz-Date": "20261124T000000Z",
            "Authorization": AUTH,
        })
        r = self.conn.getresponse()
        raw = r.read()
        if r.status != 200:
            raise SystemExit(f"{op}: HTTP {r.status}: {raw[:300]!r}")
        return json.loads(raw), len(raw)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def load(endpoint, table, n, threads):
    next_index = [0]
    lock = threading.Lock()

    def worker():
        c = Client(endpoint)
        while True:
            with lock:
                start = next_index[0]
                if start >= n:
                    return
                next_index[0] = start + 25
            reqs = [{"PutRequest": {"Item": {"pk": {"S": "k%09d" % i}, "v": {"S": VALUE}}}}
                    for i in range(start, min(start + 25, n))]
            c.call("BatchWriteItem", {"RequestItems": {table: reqs}})

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def scan_segment(job):
    endpoint, table, segment, segments, select_count = job
    c = Client(endpoint)
    start_key = None
    items = pages = size = 0
    while True:
        body = {"TableName": table}
        if select_count:
            body["Select"] = "COUNT"
        if segments > 1:
            body.update({"Segment": segment, "TotalSegments": segments})
        if start_key:
            body["ExclusiveStartKey"] = start_key
        out, _ = c.call("Scan", body)
        items += out["Count"]
        pages += 1
        size += sum(2 + len(it["pk"]["S"]) + 1 + len(it["v"]["S"]) for it in out.get("Items", []))
        start_key = out.get("LastEvaluatedKey")
        if not start_key:
            return items, pages, size


def scan(endpoint, table, segments, pid, select_count):
    peak = [rss_kb(pid)]
    done = threading.Event()

    def sampler():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.02)

    s = threading.Thread(target=sampler)
    s.start()
    t0 = time.time()
    jobs = [(endpoint, table, i, segments, select_count) for i in range(segments)]
    with multiprocessing.Pool(segments) as pool:
        results = pool.map(scan_segment, jobs)
    elapsed = time.time() - t0
    done.set()
    s.join()
    totals = {
        "items": sum(r[0] for r in results),
        "pages": sum(r[1] for r in results),
        "bytes": sum(r[2] for r in results),
    }
    return totals, elapsed, peak[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--table", default="bench_scan")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--segments", default="1,4")
    ap.add_argument("--select-count", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    if not args.skip_load:
        c = Client(args.endpoint)
        try:
            c.call("DeleteTable", {"TableName": args.table})
        except SystemExit:
            c = Client(args.endpoint)
        c.call("CreateTable", {
            "TableName": args.table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
        t0 = time.time()
        load(args.endpoint, args.table, args.items, args.threads)
        print(f"load: {args.items} items in {time.time() - t0:.1f}s; "
              f"server RSS after load {rss_kb(args.server_pid)} kB")
    for segments in [int(s) for s in args.segments.split(",")]:
        totals, elapsed, peak = scan(args.endpoint, args.table, segments, args.server_pid,
                                     args.select_count)
        assert totals["items"] == args.items, (totals, args.items)
        mode = "COUNT" if args.select_count else "items"
        print(f"scan ({mode}) segments={segments}: {totals['items']} items, "
              f"{totals['pages']} pages, {elapsed:.2f}s, {totals['items'] / elapsed:,.0f} items/s, "
              f"{args.items * 100 / elapsed / 1e6:.1f} MB/s of ~100-byte items, "
              f"peak RSS {peak} kB")


if __name__ == "__main__":
    main()
