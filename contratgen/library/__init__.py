"""Clause library: clause spec and loader, sandboxed text rendering, lint."""
