"""inzage's screens, one module each."""
