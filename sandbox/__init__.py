"""Running untrusted code: backends, runtimes and the scheduler in front of them."""
