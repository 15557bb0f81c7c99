"""The YAML loader of client files: libyaml's safe loader, its implicit tags remembered."""
from __future__ import annotations

import yaml

try:  # libyaml is several times faster and keeps marks as well
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

_TAGS: dict[tuple, str] = {}     # (node kind, scalar text, implicit) → the tag resolved
_TAGS_KEPT, _TAG_TEXT = 4096, 64


class Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, its implicit tags remembered: PyYAML resolves every scalar with
    regular expressions in Python, and the keys and most values of a batch's files are
    the same texts. The safe loader has no path resolvers, so a tag depends on the kind,
    the text and ``implicit`` only."""

    def resolve(self, kind, value, implicit):
        if self.yaml_path_resolvers or type(value) is not str or len(value) > _TAG_TEXT:
            return super().resolve(kind, value, implicit)
        key = (kind, value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_TAGS) >= _TAGS_KEPT:
                _TAGS.clear()
            _TAGS[key] = tag
        return tag
