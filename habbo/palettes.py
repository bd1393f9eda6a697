"""What a figure may look like, declared once: the server checks looks
against these (habbo.looks, the sign-up form) and the browser reads the same
lists from GET /profile/looks (docs/protocol.md, "Looks").

New colours go at the end: the sign-up form's defaults are picked by position,
and a colour players already wear must stay in its palette.
"""

# Hair styles, in the order the looks window shows them, with their names there.
HAIR_STYLES = {
    "none": "Bald",
    "short": "Short",
    "long": "Long",
    "spiky": "Spiky",
    "bun": "Bun",
    "cap": "Cap",
}
SKIN = ["#f2c8a0", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#5c3a21"]
HAIR = ["#3b2314", "#6b4423", "#a0522d", "#e6c068", "#c2410c", "#111827", "#9ca3af", "#ec4899", "#3b82f6"]
CLOTHES = [
    "#3b82f6", "#ef4444", "#22c55e", "#eab308", "#a855f7", "#f97316", "#14b8a6", "#1f2937", "#f8fafc",
    "#ec4899", "#64748b", "#92400e",
]
SHOES = ["#1f2937", "#f8fafc", "#7c2d12", "#ef4444", "#3b82f6", "#eab308", "#22c55e"]

# Each figure key → the colours it may take (the hair style has its own list above).
PALETTES = {"skin": SKIN, "hair": HAIR, "shirt": CLOTHES, "legs": CLOTHES, "shoes": SHOES}

DEFAULT_HAIR_STYLE = "short"
DEFAULT_HAIR = HAIR[1]
DEFAULT_SHOES = SHOES[0]


def for_the_client() -> dict:
    """The palettes as the looks window reads them."""
    return {
        "hair_styles": [{"id": key, "name": name} for key, name in HAIR_STYLES.items()],
        "colours": PALETTES,
    }
