"""inzage's terminal interface: the app shell, the command line, configuration and widgets."""
