import os
import shutil

import pytest

# Go must never reach the network or switch toolchains in tests.
os.environ.setdefault("GOTOOLCHAIN", "local")
os.environ.setdefault("GOPROXY", "off")
os.environ.setdefault("GOFLAGS", "-mod=mod")


@pytest.fixture(scope="session")
def go_bin():
    go = shutil.which("go")
    if go is None:
        pytest.skip("the Go toolchain (go) is not on PATH: compile/vet checks need it")
    return go


@pytest.fixture(scope="session")
def gofmt_bin():
    gofmt = shutil.which("gofmt")
    if gofmt is None:
        pytest.skip("gofmt is not on PATH: formatting checks need it")
    return gofmt


@pytest.fixture(scope="session")
def git_bin():
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed: `git apply` needs it")
    return git
