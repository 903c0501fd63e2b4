"""Front ends over one shared Assistant: the HTTP API, the Gradio page, the server, rendering."""
