package p

import (
	"os"
	"testing"
)

// In a _test.go file the process is short-lived: a hint, no fix.
func TestFiles(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		f, err := os.Open(name)
		if err != nil {
			t.Skip(err)
		}
		defer f.Close() // want "defer f.Close\\(\\) in a loop body.*no automatic fix"
	}
}
