// Package context is a stand-in for golang.org/x/net/context, which forwards to the
// standard library's context (the declarations below are written for these tests).
package context

import (
	"context"
	"time"
)

type Context = context.Context

type CancelFunc = context.CancelFunc

func Background() Context { return context.Background() }

func WithCancel(parent Context) (Context, CancelFunc) { return context.WithCancel(parent) }

func WithTimeout(parent Context, d time.Duration) (Context, CancelFunc) {
	return context.WithTimeout(parent, d)
}

func WithDeadline(parent Context, t time.Time) (Context, CancelFunc) {
	return context.WithDeadline(parent, t)
}
