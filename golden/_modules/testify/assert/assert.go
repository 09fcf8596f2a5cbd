// Package assert is a stand-in for github.com/stretchr/testify/assert in gofix's golden
// tests: NoError reports a failure and returns whether err was nil; the test goes on.
package assert

// TestingT is the part of *testing.T that assert uses.
type TestingT interface {
	Errorf(format string, args ...any)
}

// NoError fails the test (without stopping it) when err is not nil.
func NoError(t TestingT, err error, msgAndArgs ...any) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}
