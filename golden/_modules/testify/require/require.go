// Package require is a stand-in for github.com/stretchr/testify/require in gofix's golden
// tests: NoError stops the test goroutine (FailNow) when err is not nil.
package require

// TestingT is the part of *testing.T that require uses.
type TestingT interface {
	Errorf(format string, args ...any)
	FailNow()
}

// NoError fails and stops the test when err is not nil.
func NoError(t TestingT, err error, msgAndArgs ...any) {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		t.FailNow()
	}
}
