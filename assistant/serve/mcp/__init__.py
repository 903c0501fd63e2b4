"""The assistant as an MCP server: ``tools`` (what each tool does) and ``server`` (the SDK wiring)."""

from assistant.serve.mcp.server import build_server, http_endpoint, run_stdio
from assistant.serve.mcp.tools import NewsTools

__all__ = ["NewsTools", "build_server", "http_endpoint", "run_stdio"]
