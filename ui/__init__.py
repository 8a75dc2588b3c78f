"""The hazdesk desktop (PySide6). Imports the core ``hazdesk``; the core never imports this package."""
