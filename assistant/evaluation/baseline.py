"""The naive baseline: what a user gets from LlamaIndex defaults over the same articles.

SentenceSplitter 1024/200, ``VectorStoreIndex`` over Chroma with the same embeddings, top-k 2, the
same bundled SmolLM2 through its chat template, a plain "answer from the context" prompt. No
grounding, no citations, no abstention logic beyond what the model itself says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer.llm import LocalGenerator, looks_like_abstention
from assistant.answer.prompts import render
from assistant.store.embedding import Embedder


@dataclass(frozen=True)
class BaselineAnswer:
    text: str
    files: list[str]  # files of the retrieved nodes, in rank order
    abstained: bool
    retrieve_s: float
    generate_s: float


class NaiveBaseline:
    name = "naive-llamaindex"

    def __init__(self, corpus: Path, chroma_dir: Path, embedder: Embedder, llm: LocalGenerator) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        client = chromadb.PersistentClient(path=str(chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("naive_baseline")
        vector_store = ChromaVectorStore(chroma_collection=collection)
        if collection.count():
            # A kept eval workdir: the baseline's index from an earlier run over the same corpus.
            self.index = VectorStoreIndex.from_vector_store(vector_store, embed_model=embedder.llama_embedding)
        else:
            documents = SimpleDirectoryReader(str(corpus)).load_data()
            self.index = VectorStoreIndex.from_documents(
                documents,
                storage_context=StorageContext.from_defaults(vector_store=vector_store),
                embed_model=embedder.llama_embedding,
                transformations=[SentenceSplitter(chunk_size=1024, chunk_overlap=200)],
            )
        self.retriever: Any = self.index.as_retriever(similarity_top_k=2)
        self.llm = llm

    def ask(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        nodes = self.retriever.retrieve(question)
        retrieved = time.perf_counter()
        context = "\n\n".join(n.node.get_content() for n in nodes)
        text = self.llm.complete(
            [{"role": "user", "content": render("naive_user", context=context, question=question)}]
        )
        files = [str(n.node.metadata.get("file_name", "")) for n in nodes]
        return BaselineAnswer(
            text=text,
            files=files,
            abstained=looks_like_abstention(text) or not text.strip(),
            retrieve_s=retrieved - started,
            generate_s=time.perf_counter() - retrieved,
        )
