"""BRÅ municipal CSV (being written)."""


def looks_like(head: bytes) -> bool:
    text = head.decode("utf-8-sig", errors="ignore").splitlines()[0:1]
    return bool(text) and text[0].replace(" ", "").lower().startswith("kommun;antal;per100000")
