"""One settings object, read from ``ASSISTANT_*`` environment variables and an optional ``.env``.

Built only at entry points (CLI, ``Assistant.from_config``) and passed into constructors; nothing
else reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

GeneratorName = Literal["extractive", "local", "openai"]
OutputSetting = Literal["auto", "json_schema", "json_object", "none"]
GENERATOR_NAMES: tuple[GeneratorName, ...] = ("extractive", "local", "openai")
EmbedBackend = Literal["torch", "onnx", "onnx-int8"]
EMBED_BACKENDS: tuple[EmbedBackend, ...] = ("torch", "onnx", "onnx-int8")


class Settings(BaseSettings):
    """Every knob of the assistant. Command-line flags override these."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("index/data"), description="Where the embedded Chroma and caches live.")
    collection: str = Field("articles", description="Chroma collection name.")
    chroma_host: str | None = Field(None, description="Use a Chroma server at this host instead of embedded.")
    chroma_port: int = Field(8000, description="Port of the Chroma server.")

    embed_model: str = Field(
        "all-MiniLM-L6-v2", description="Embedding model: the bundled all-MiniLM-L6-v2, or a local path."
    )
    embed_batch_size: int = Field(32, ge=1)
    embed_backend: EmbedBackend = Field(
        "torch",
        description="torch, onnx or onnx-int8 (ONNX Runtime; exported locally into <data dir>/embed_cache).",
    )
    embed_cache_dir: Path | None = Field(
        None, description="Where ONNX exports of the embedding model are kept (default <data dir>/embed_cache)."
    )
    chunk_size: int = Field(160, ge=32, description="Chunk size in tokens.")
    chunk_overlap: int = Field(32, ge=0)

    top_k: int = Field(5, ge=1, le=50, description="Chunks handed to the generator.")
    min_dense_score: float = Field(
        0.25, description="Relevance floor: chunks below this cosine similarity count as unrelated."
    )

    generator: GeneratorName = Field("extractive", description="extractive, local or openai.")
    reader: bool = Field(True, description="Extractive: let the trained span reader read the retrieved sentences.")
    local_model_path: Path | None = Field(None, description="GGUF file for the local generator.")
    local_threads: int | None = Field(None, description="llama.cpp threads (default: all cores).")
    max_answer_tokens: int = Field(64, ge=8, le=2048)
    llm_evidence_sentences: int = Field(6, ge=1, le=40, description="Best sentences an LLM sees.")
    llm_reader_check: bool = Field(
        True,
        description="LLM generators: the trained span reader reads a person answer's cited sentences, and a "
        "confident different name there makes the answer an abstention (openai) or the extractive one (local).",
    )

    llm_vouch_check: bool = Field(
        True,
        description="openai: the model's short answer stands only where the extractive stage reaches it over the "
        "same retrieved passages (the rules give it or quote it, or the span reader reads it at 2+); else abstain.",
    )
    llm_abstention_fallback: bool = Field(
        False,
        description="When an LLM says the articles do not answer, show the extractive answer instead (off: the "
        "model's abstention is the answer).",
    )

    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_model: str = Field("gpt-4o-mini")
    openai_output: OutputSetting = Field(
        "auto",
        description="How the openai generator asks for its JSON answer: json_schema (OpenAI, vLLM, Ollama), "
        "json_object (llama-cpp-python's server), none (text with [n] markers), or auto (each in turn until "
        "the server accepts one).",
    )
    llm_timeout_s: float = Field(30.0, gt=0, description="Give up on the LLM after this many seconds.")

    # `assistant eval` only: an OpenAI-compatible endpoint that judges faithfulness and relevancy.
    judge_base_url: str | None = Field(None, description="Judge endpoint; the eval's LLM judge runs only when set.")
    judge_api_key: str | None = Field(None)
    judge_model: str = Field("gpt-4o-mini")

    max_question_chars: int = Field(2000, ge=10)
    max_file_bytes: int = Field(20_000_000, ge=1, description="Larger files are rejected at ingest.")
    fetch_timeout_s: float = Field(10.0, gt=0, description="Give up on a feed or page that is silent this long.")
    page_fetch_private: bool = Field(
        False,
        description="Let the page's URL box fetch private, loopback and link-local addresses when the server is "
        "bound to a non-loopback interface (off: whoever reaches the page could make it read internal services).",
    )
    feed_interval_s: float = Field(900.0, ge=1, description="`assistant watch`: seconds between polls of a feed.")
    dedup_threshold: float = Field(
        0.5, ge=0, le=1, description="Syndicated copies: estimated Jaccard of 5-word shingles to merge at; 0 is off."
    )

    # `assistant serve`: the page at / and the OpenAI-compatible API under /v1, in one process.
    host: str = Field("127.0.0.1", description="Interface to bind; loopback unless told otherwise.")
    port: int = Field(7860, ge=0, le=65535)
    api_key: SecretStr | None = Field(None, description="Bearer key required by /v1 when set.")
    ui_username: str | None = Field(None, description="Login for the web page (with ui_password).")
    ui_password: SecretStr | None = Field(None)
    max_request_bytes: int = Field(1_000_000, ge=1024, description="Largest JSON body /v1 accepts.")

    @property
    def embed_cache(self) -> Path:
        return self.embed_cache_dir or self.data_dir / "embed_cache"

    @property
    def uploads_dir(self) -> Path:
        """Where files uploaded through the page or the API are kept (the index cites them)."""
        return self.data_dir / "uploads"
