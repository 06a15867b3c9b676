"""Free names for what an import brings in (theme ids, coder names, transcript ids)."""

from __future__ import annotations


class Names:
    """Names handed out so far. A free name for a base ('new-code', then 'new-code-2', ...) in
    amortised constant time: the next suffix to try is remembered per base, so 100,000 codes all
    called "New code" take no longer than 100,000 different names."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.next: dict[str, int] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.taken

    def add(self, name: str) -> None:
        self.taken.add(name)

    def unique(self, base: str) -> str:
        name = base
        if name in self.taken:
            n = self.next.get(base, 2)
            while f"{base}-{n}" in self.taken:
                n += 1
            self.next[base] = n + 1
            name = f"{base}-{n}"
        self.taken.add(name)
        return name
