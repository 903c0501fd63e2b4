"""The naive baseline: what a user gets from LlamaIndex defaults over the same articles.

SentenceSplitter 1024/200, ``VectorStoreIndex`` over Chroma with the same embeddings, top-k 2, the
same model as the generator under test through its chat template (the bundled SmolLM2, or the
``openai`` endpoint and model when that is scored), a plain "answer from the context" prompt. No
grounding, no citations, no abstention logic beyond what the model itself says (read by the same
``looks_like_abstention`` as the pipeline's free-text replies).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer.abstention import looks_like_abstention
from assistant.answer.base import ChatModel
from assistant.answer.prompts import render
from assistant.store.embedding import Embedder

log = logging.getLogger(__name__)
COLLECTION = "naive_baseline"


def corpus_fingerprint(corpus: Path, embed_model: str) -> str:
    """What the baseline's index was built from: the embedding model and every file's name and bytes
    (the files ``SimpleDirectoryReader`` reads: not hidden, not in sub-folders)."""
    digest = hashlib.sha256(embed_model.encode("utf-8"))
    for path in sorted(corpus.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            digest.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class BaselineAnswer:
    text: str
    files: list[str]  # files of the retrieved nodes, in rank order
    abstained: bool
    retrieve_s: float
    generate_s: float
    prompt_tokens: int | None = None  # as the model's server reported them; None when it gave none


class NaiveBaseline:
    name = "naive-llamaindex"

    def __init__(self, corpus: Path, chroma_dir: Path, embedder: Embedder, llm: ChatModel, reuse: bool = True) -> None:
        """Index ``corpus`` into ``chroma_dir``; with ``reuse``, an index already there that was built
        from the same files and model is opened instead (embedding 1,600 articles takes minutes)."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        client = chromadb.PersistentClient(path=str(chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection(COLLECTION)
        marker = chroma_dir / "corpus.sha256"
        fingerprint = corpus_fingerprint(corpus, embedder.model_name)
        # No marker: an index from before markers were written; it is trusted, as it was then.
        same = not marker.exists() or marker.read_text(encoding="utf-8").strip() == fingerprint
        if collection.count() and not (reuse and same):
            log.info("rebuilding the naive baseline's index in %s", chroma_dir)
            client.delete_collection(COLLECTION)  # adding to it again would duplicate every node
            collection = client.get_or_create_collection(COLLECTION)
        vector_store = ChromaVectorStore(chroma_collection=collection)
        if collection.count():
            self.index = VectorStoreIndex.from_vector_store(vector_store, embed_model=embedder.llama_embedding)
            marker.write_text(fingerprint, encoding="utf-8")
        else:
            marker.write_text("incomplete", encoding="utf-8")  # a build that dies here is not reused
            documents = SimpleDirectoryReader(str(corpus)).load_data()
            self.index = VectorStoreIndex.from_documents(
                documents,
                storage_context=StorageContext.from_defaults(vector_store=vector_store),
                embed_model=embedder.llama_embedding,
                transformations=[SentenceSplitter(chunk_size=1024, chunk_overlap=200)],
            )
            marker.write_text(fingerprint, encoding="utf-8")
        self.retriever: Any = self.index.as_retriever(similarity_top_k=2)
        self.llm = llm

    def ask(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        nodes = self.retriever.retrieve(question)
        retrieved = time.perf_counter()
        context = "\n\n".join(n.node.get_content() for n in nodes)
        out = self.llm.chat([{"role": "user", "content": render("naive_user", context=context, question=question)}])
        files = [str(n.node.metadata.get("file_name", "")) for n in nodes]
        return BaselineAnswer(
            text=out.text,
            files=files,
            abstained=looks_like_abstention(out.text),
            retrieve_s=retrieved - started,
            generate_s=time.perf_counter() - retrieved,
            prompt_tokens=out.prompt_tokens,
        )
