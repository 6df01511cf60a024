"""The functions of coldtrace-agent that ran, one a line, for lld's --symbol-ordering-file.

    agent-symbol-order.py BINARY LINK_MAP CALLGRIND_OUT...

LINK_MAP is lld's -Map of BINARY, the profiled coldtrace-agent; each CALLGRIND_OUT is written with --compress-strings=no
--compress-pos=no --demangle=no (see agent-symbol-order.sh, which runs this).
"""
import bisect
import re
import subprocess
import sys

binary, map_file, outputs = sys.argv[1], sys.argv[2], sys.argv[3:]

# The input sections of .text, from lld's map (columns VMA LMA Size Align, then an output section, or an input section
# indented 8, or a symbol indented 16: by address, as the map demangles C++ names).
sections = []  # (start, size, input section), in address order
output = None
for line in open(map_file):
    m = re.match(r'\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (\s*)(.*)$', line)
    if not m:
        continue
    indent, text = len(m.group(3)), m.group(4)
    if indent == 0:
        output = text
    elif indent == 8 and output == '.text':
        sections.append((int(m.group(1), 16), int(m.group(2), 16), text))
starts = [start for start, _, _ in sections]


def section_at(address):
    i = bisect.bisect_right(starts, address) - 1
    return sections[i] if i >= 0 and address < sections[i][0] + sections[i][1] else None


# Every copy of every function symbol (local ones may share a name), from the binary's symbol table.
section_of = {}  # symbol -> [input sections holding a symbol of that name]
symbols = []  # (address, symbol), in address order
nm = subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True, check=True).stdout
for line in nm.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in 'tTwW':
        address = int(parts[0], 16)
        section = section_at(address)
        if section:
            section_of.setdefault(parts[2], []).append(section)
            symbols.append((address, parts[2]))
symbols.sort()
addresses = [address for address, _ in symbols]

# The agent's functions that ran: those of the first run, then those only the later runs added, each group sorted by
# name (callgrind lists them in no stable order; sorted, the file changes only where the code did). Callgrind names
# some only by their address (code without a symbol of its own, such as an outlined part of a function): the symbol
# before it holds it.
names, seen = [], set()
for path in outputs:
    ran = set()
    obj = None
    for line in open(path):
        if line.startswith('ob='):
            obj = line[3:].strip()
        elif line.startswith('fn=') and obj and obj.endswith('/coldtrace-agent'):
            name = re.sub(r"'\d+$", '', line[3:].strip())  # callgrind's mark of a recursive call
            if name.startswith('0x'):
                i = bisect.bisect_right(addresses, int(name, 16)) - 1
                if i < 0:
                    continue
                name = symbols[i][1]
            ran.add(name)
    names += sorted(ran - seen)
    seen |= ran

# A name the linker finds in several input sections places all of them; skip it when one of them is large (a module's
# whole .text, e.g. a local `objectdestroy` of _RegexParser), which would bring code that never runs into the hot range.
kept = [
    name for name in names
    if name in section_of and (len(section_of[name]) == 1 or all(size <= 16384 for _, size, _ in section_of[name]))
]
print('\n'.join(kept))
sys.stderr.write(f'agent-symbol-order: {len(kept)} of {len(names)} functions that ran\n')
