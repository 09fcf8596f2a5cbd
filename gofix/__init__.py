"""gofix: find goroutine and resource leaks in Go code and rewrite them."""

__version__ = "0.1.0"
