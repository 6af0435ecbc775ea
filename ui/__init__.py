"""Web interface for the rectification-notice assistant (Gradio): widgets, handlers, rendering."""
