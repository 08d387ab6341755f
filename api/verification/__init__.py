"""Anyone checking a result: by its dossier's code and key, or by uploading the file (no sign-in)."""
