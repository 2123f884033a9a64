"""The README's "Use it from your infra crate" section as a bash script.

    python3 .ci/walkthrough.py README.md FACADE_DIR [--files-only]

Each fenced block after a `<!-- walkthrough: FILE -->` marker becomes a command writing FILE
(`Cargo.toml dependencies` replaces the [dependencies] section `cargo new` wrote, with the git
dependency on stackwright turned into a path dependency on FACADE_DIR); each block after
`<!-- walkthrough: run -->` is copied as it is, in README order. With --files-only, the run
blocks are left out and the script starts in the crate's folder (for .ci/bench, which creates
the crate and times its builds itself).
"""
import re
import sys

readme, facade = open(sys.argv[1]).read(), sys.argv[2]
files_only = "--files-only" in sys.argv[3:]
section = readme.split("## Use it from your infra crate\n", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"<!-- walkthrough: ([^>]+?) -->\n```[a-z]*\n(.*?)```\n", section, re.S)
if not blocks:
    sys.exit("README: no walkthrough blocks")
out = ["set -euo pipefail" if files_only else "set -euo pipefail -x"]
for target, body in blocks:
    if target == "run":
        if not files_only:
            out.append(body)
        continue
    if target == "Cargo.toml dependencies":
        body = re.sub(r'git = "[^"]*"', f'path = "{facade}"', body)
        if f'path = "{facade}"' not in body:
            sys.exit("README: the stackwright dependency has no git URL to replace")
        out.append("sed -i '/^\\[dependencies\\]$/,$d' Cargo.toml")
        target, op = "Cargo.toml", ">>"
    else:
        op = ">"
        out.append(f"mkdir -p \"$(dirname '{target}')\"")
    out.append(f"cat {op} '{target}' <<'WALKTHROUGH_EOF'\n{body}WALKTHROUGH_EOF")
print("\n".join(out))
