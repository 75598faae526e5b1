"""E-mail exports that exercise every threading rule, shuffled and split across files:
parents in other files, replies stamped before their parents, exact duplicates in other
files, duplicates that differ (conflicts), reply cycles, subject threads without thread
ids, messages without subjects, and messages after as-of."""

import csv
import gzip
import os
import random

CLIENT = ["ann@acme.example", "bob@acme.example", "cleo@acme.example"]
PARTNERS = ["kim@globex-bpo.example", "lee@initech.example", "max@globex-bpo.example"]
HEADER = ["message_id", "thread_id", "in_reply_to", "sent_at", "from", "to", "cc", "subject", "body"]

PIPELINE = """name: threading-check
timezone: Europe/Berlin
period: week
client: {{ name: Acme, domains: [acme.example] }}
partners:
  - {{ id: globex, name: Globex, domains: [globex-bpo.example], targets: {{ first_response: 4h, response: 8h }} }}
  - {{ id: initech, name: Initech, domains: [initech.example], targets: {{ first_response: 8h, response: 1d }} }}
sources:
  - {{ kind: email, format: rapport-email-csv, path: "mail/*.csv.gz" }}
outputs: {{ dir: out, formats: [csv, json, sqlite, html] }}
limits: {{ max_reject_ratio: 0.5, allow_bad_files: {bad} }}
"""


def stamp(t):
    return f"2026-{t[0]:02d}-{t[1]:02d}T{t[2]:02d}:{t[3]:02d}:00+01:00"


def message(rng, mid, thread, parent, minute, subject, body=None):
    day, rest = divmod(minute, 24 * 60)
    month, day = 9 + day // 28, 1 + day % 28
    sender = rng.choice(CLIENT + PARTNERS)
    to = rng.choice(PARTNERS if sender in CLIENT else CLIENT)
    return [mid, thread, parent, stamp((month, day, rest // 60, rest % 60)), sender, to, "", subject,
            body or f"Message {mid}: please see the attached notes {rng.randint(0, 10**6)}."]


def write(folder, seed=7, threads=400, files=5, bad_file=False):
    rng = random.Random(seed)
    rows = []
    for t in range(threads):
        tid = f"thr-{t}" if rng.random() < 0.6 else ""
        subject = rng.choice([f"Case {t} status", f"Re: Case {t} status", ""]) if not tid else f"Ticket {t}"
        start = rng.randint(0, 50 * 24 * 60)
        ids = []
        for k in range(rng.randint(1, 7)):
            mid = f"<{t}.{k}@mail.example>"
            parent = rng.choice(ids) if ids and rng.random() < 0.85 else ""
            minute = start + k * rng.randint(5, 600) - (rng.randint(1, 90) if rng.random() < 0.05 else 0)
            rows.append(message(rng, mid, tid, parent, minute, subject))
            ids.append(mid)
        if rng.random() < 0.04 and len(ids) >= 2:  # a reply cycle: the first now answers the last
            first = next(r for r in rows if r[0] == ids[0])
            first[2] = ids[-1]
    for r in rng.sample(rows, len(rows) // 20):  # exact duplicates, possibly in another file
        rows.append(list(r))
    for r in rng.sample(rows, len(rows) // 60):  # same id, different content
        c = list(r)
        c[8] = c[8] + " (edited)"
        rows.append(c)
    for r in rng.sample(rows, 8):  # messages long after the others: after an as-of
        c = list(r)
        c[0] = c[0].replace("@", ".late@")
        c[3] = "2027-02-01T09:00:00+01:00"
        rows.append(c)
    rng.shuffle(rows)
    mail = os.path.join(folder, "mail")
    os.makedirs(mail, exist_ok=True)
    for i in range(files):
        with gzip.open(os.path.join(mail, f"part-{i:02d}.csv.gz"), "wt", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(HEADER)
            w.writerows(rows[i::files])
    if bad_file:
        with open(os.path.join(mail, "part-99.csv.gz"), "wb") as out:
            out.write(gzip.compress(b"message_id,thread_id\n")[:-12] + b"\x00garbage")
    with open(os.path.join(folder, "pipeline.yaml"), "w", encoding="utf-8") as out:
        out.write(PIPELINE.format(bad="true" if bad_file else "false"))
    return os.path.join(folder, "pipeline.yaml"), len(rows)
