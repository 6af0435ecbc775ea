"""Web interface for the rectification-notice assistant (Gradio): widgets and handlers (the HTML is qa.render.html)."""
