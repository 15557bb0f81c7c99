"""Render: template context, formatting, markup, DOCX rendering, template checks."""
