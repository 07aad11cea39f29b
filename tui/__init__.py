"""inzage's terminal interface: the app shell, the command line, configuration and widgets.

Every command starts here (tui.cli), so library deprecation warnings are silenced before any library loads.
"""
from tui.library_warnings import silence_library_deprecations

silence_library_deprecations()
