"""Fail when a Dutch translation is missing: refresh locale/nl from the code, then look for
untranslated or fuzzy entries (Dutch is the default language, so a gap is a bug)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"

subprocess.run(
    [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "nl",
        "--no-obsolete",
        "--no-location",
        "-i",
        ".venv",
        "-i",
        "tests",
        "-i",
        "bench",
        "-i",
        "staticfiles",
        "-v",
        "0",
    ],
    cwd=ROOT,
    check=True,
    env={**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings"},
)

entries = PO.read_text(encoding="utf-8").split("\n\n")[1:]  # skip the header
missing = []
for entry in entries:
    msgid = "".join(re.findall(r'^msgid "(.*)"$|^"(.*)"$', entry.split("msgstr")[0], re.M)[0])
    if "#, fuzzy" in entry:
        missing.append(("fuzzy", entry))
        continue
    strs = re.findall(r'msgstr(?:\[\d\])? "(.*)"\n?((?:".*"\n?)*)', entry)
    if not strs or any(not (a + b.replace('"', "").strip()) for a, b in strs):
        missing.append(("untranslated", entry))

if missing:
    print(f"{len(missing)} Dutch translation(s) missing in {PO.relative_to(ROOT)}:")
    for kind, entry in missing[:40]:
        msgid_line = next((line for line in entry.splitlines() if line.startswith("msgid")), "")
        print(f"  [{kind}] {msgid_line}")
    sys.exit(1)
print(f"Dutch translations complete ({len(entries)} messages).")
