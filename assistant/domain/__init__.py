"""The domain vocabulary as data (``space.toml``): missions, agencies, vehicles, domain terms."""

from assistant.domain.vocabulary import Agency, Vocabulary, load_vocabulary

VOCABULARY = load_vocabulary()

__all__ = ["VOCABULARY", "Agency", "Vocabulary", "load_vocabulary"]
