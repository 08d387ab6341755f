"""Hand-offs: conversations the assistant leaves for a person. The assistant opens them (service.py,
through its HandoffDesk port), officers of the office concerned list and close them (routes.py)."""
