"""Article -> Chunks with character offsets into the article text (llama-index's ``SentenceSplitter``)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from assistant.types import Article, Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkSettings:
    chunk_size: int = 160
    chunk_overlap: int = 32


def chunk_article(article: Article, settings: ChunkSettings) -> list[Chunk]:
    """Split the article body with llama-index's SentenceSplitter; offsets index ``article.text``."""
    splitter = SentenceSplitter(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    body = article.text[article.body_start :]
    nodes = splitter.get_nodes_from_documents([Document(text=body, id_=article.file)])
    chunks: list[Chunk] = []
    search_from = 0
    for node in nodes:
        piece = node.get_content()
        start = getattr(node, "start_char_idx", None)
        if start is None or body[start : start + len(piece)] != piece:
            # The splitter lost the offset (it happens when it trims whitespace): find it ourselves.
            found = body.find(piece, max(0, search_from - settings.chunk_size * 8))
            if found < 0:
                log.warning("chunk of %s not found verbatim; skipped", article.file)
                continue
            start = found
        search_from = start
        abs_start = article.body_start + start
        abs_end = abs_start + len(piece)
        chunks.append(
            Chunk(
                id=chunk_id(article.file, abs_start, piece),
                file=article.file,
                text=piece,
                start=abs_start,
                end=abs_end,
                title=article.title,
                url=article.url,
                published=article.published,
            )
        )
    return chunks


def chunk_id(file: str, start: int, text: str) -> str:
    """Deterministic id from content: the same passage of the same file always gets the same id."""
    return hashlib.sha256(f"{file}\x00{start}\x00{text}".encode()).hexdigest()[:32]
