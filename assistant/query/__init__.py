"""The ``Query``: one question parsed once (type, terms, names, missions, anchors, time scope)."""
