"""Web pages: each view parses the request, calls one action or selector and renders."""
