"""Bundled resources: appeals, stylesheets. Loaded through importlib.resources."""
