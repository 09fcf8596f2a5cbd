import os
import shutil

import pytest

# Go must never reach the network or switch toolchains in tests.
os.environ.setdefault("GOTOOLCHAIN", "local")
os.environ.setdefault("GOPROXY", "off")
os.environ.setdefault("GOFLAGS", "-mod=mod")


def _tool(name: str, why: str) -> str:
    """The tool's path, or a skip saying what needs it (never a silent pass)."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{why} is not on PATH")
    return path


@pytest.fixture(scope="session")
def go_bin():
    return _tool("go", "the Go toolchain (go), which compile/vet checks need,")


@pytest.fixture(scope="session")
def gofmt_bin():
    return _tool("gofmt", "gofmt, which formatting checks need,")


@pytest.fixture(scope="session")
def git_bin():
    return _tool("git", "git, which `git apply` needs,")
