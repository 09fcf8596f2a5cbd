// gofix-test: modules=testify
package p

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// require.NoError stops the test on failure: it is the error check.
func TestRequire(t *testing.T) {
	resp, err := http.Get("http://localhost") // want "never closed"
	require.NoError(t, err)
	t.Log(resp.StatusCode)
}

// So is `if !assert.NoError(t, err) { return }`.
func TestAssertReturn(t *testing.T) {
	resp, err := http.Get("http://localhost") // want "never closed"
	if !assert.NoError(t, err) {
		return
	}
	t.Log(resp.StatusCode)
}

// A bare assert.NoError lets the test go on with a nil response.
func TestAssertOnly(t *testing.T) {
	resp, err := http.Get("http://localhost") // want "never closed.*no automatic fix: `assert.NoError` does not stop the test"
	assert.NoError(t, err)
	t.Log(resp.StatusCode)
}

// Passing the response to t.Log only reads it.
func TestLogged(t *testing.T) {
	resp, err := http.Get("http://localhost") // want "never closed"
	require.NoError(t, err)
	t.Logf("%v", resp)
}
