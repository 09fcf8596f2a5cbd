// Package peers holds the shapes that go vet's lostcancel, bodyclose, sqlclosecheck, noctx
// and staticcheck's SA1015 report, next to look-alikes they should not, so that
// scripts/peers.py can run them and gofix side by side (docs/peers.md).
//
// The go line is 1.22 on purpose: below 1.23 unstopped tickers are real leaks, so
// staticcheck's SA1015 and gofix's timer rules both report them at full severity.
package peers
